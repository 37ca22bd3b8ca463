// skopeo as the independent cross-check: it fetches manifests with its own client
// (containers/image), so digests agreed on by skopeo and our code are not self-confirming.
import { createHash } from 'node:crypto';
import { requireTool, runOk } from './proc.js';

export interface SkopeoOptions {
  /** `user:password` for --creds. */
  creds?: string;
  /** Loopback registries are plain http: pass --tls-verify=false (default true for http URLs). */
  tlsVerify?: boolean;
  /** Pick one platform of an index (`--override-os/arch/variant`); without it --raw returns the index. */
  platform?: { os: string; architecture: string; variant?: string };
}

/** `skopeo inspect --raw docker://<ref>`: the manifest bytes exactly as the registry serves them. */
export async function skopeoRaw(ref: string, opts: SkopeoOptions = {}): Promise<Buffer> {
  const skopeo = requireTool('skopeo', 'apt-get install skopeo');
  const args = ['inspect', '--raw', `--tls-verify=${opts.tlsVerify ?? false}`];
  if (opts.creds) args.push('--creds', opts.creds);
  else args.push('--no-creds');
  if (opts.platform) {
    args.push('--override-os', opts.platform.os, '--override-arch', opts.platform.architecture);
    if (opts.platform.variant) args.push('--override-variant', opts.platform.variant);
  }
  args.push(`docker://${ref}`);
  // An empty auth file keeps the host's own docker/podman logins out of the check.
  const env = { ...process.env, REGISTRY_AUTH_FILE: '/dev/null' };
  return (await runOk(skopeo, args, { env })).stdout;
}

/** `sha256:<hex>` of some bytes: the digest of a manifest as skopeo returned it. */
export function sha256Of(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The digest of the manifest skopeo fetched for a reference. */
export async function skopeoDigest(ref: string, opts: SkopeoOptions = {}): Promise<string> {
  return sha256Of(await skopeoRaw(ref, opts));
}
