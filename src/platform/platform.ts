import { InputError } from '../errors.js';

/** A platform as an image index or an image config states it. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  osVersion?: string;
}

/** The lockfile's key form: `os/arch[/variant]`, `:<os.version>` appended when present. */
export function formatPlatform(platform: Platform): string {
  const variant = platform.variant ? `/${platform.variant}` : '';
  const osVersion = platform.osVersion ? `:${platform.osVersion}` : '';
  return `${platform.os}/${platform.architecture}${variant}${osVersion}`;
}

export function parsePlatform(text: string): Platform {
  const [path, osVersion] = splitOnce(text.trim(), ':');
  const parts = path.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => !/^[a-z0-9._-]+$/i.test(part))) {
    throw new InputError(`invalid platform "${text}": expected os/arch[/variant]`);
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return { os: os.toLowerCase(), architecture: architecture.toLowerCase(), variant, osVersion };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/**
 * containerd's normalisation (`platforms.Normalize`): architecture aliases folded, and
 * the default variant of an architecture dropped or made explicit, so that
 * `linux/arm64` and `linux/arm64/v8` are the same platform.
 */
export function normalizePlatform(platform: Platform): Platform {
  let { architecture, variant } = platform;
  switch (architecture) {
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      architecture = 'amd64';
      if (variant === 'v1') variant = undefined;
      break;
    case 'i386':
      architecture = '386';
      break;
    case 'aarch64':
    case 'arm64':
      architecture = 'arm64';
      if (variant === '8' || variant === 'v8' || variant === 'v8.0') variant = undefined;
      if (variant === '9' || variant === '9.0' || variant === 'v9.0') variant = 'v9';
      break;
    case 'armhf':
      architecture = 'arm';
      variant = 'v7';
      break;
    case 'armel':
      architecture = 'arm';
      variant = 'v6';
      break;
    case 'arm':
      if (!variant || variant === '7') variant = 'v7';
      else if (/^[568]$/.test(variant)) variant = `v${variant}`;
      break;
  }
  return { os: platform.os.toLowerCase(), architecture, variant: variant || undefined, osVersion: platform.osVersion };
}

/**
 * Whether `candidate` is what `wanted` asks for, compared after normalisation as
 * containerd's `platforms.Only` does for an exact request; an os.version is compared
 * only when the filter names one.
 */
export function platformMatches(wanted: Platform, candidate: Platform): boolean {
  const a = normalizePlatform(wanted);
  const b = normalizePlatform(candidate);
  return (
    a.os === b.os &&
    a.architecture === b.architecture &&
    (a.variant ?? '') === (b.variant ?? '') &&
    (a.osVersion === undefined || a.osVersion === b.osVersion)
  );
}

/** The platform of the machine this runs on, as Docker names it (`linux/arm64` on arm runners). */
export function hostPlatform(): Platform {
  const architecture = ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' } as Record<string, string>)[process.arch];
  return normalizePlatform({ os: process.platform === 'win32' ? 'windows' : process.platform, architecture: architecture ?? process.arch });
}
