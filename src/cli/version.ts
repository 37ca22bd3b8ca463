import packageJson from '../../package.json' with { type: 'json' };

/** The package's version, from package.json (the bundle inlines it), so it is written in one place. */
export function packageVersion(): string {
  return packageJson.version;
}
