import { Keychain } from '../authn/keychain.js';
import { RegistryClient, type RegistryClientOptions } from '../remote/registry-client.js';
import type { CommandOptions } from './options.js';

/** The registry client a command uses: credentials per SPEC, mirrors, insecure registries. */
export function createRegistryClient(
  options: Pick<CommandOptions, 'mirrors' | 'insecureRegistries' | 'githubToken' | 'timeout'>,
  extra: Partial<RegistryClientOptions> = {}
): RegistryClient {
  const keychain = new Keychain({ githubToken: options.githubToken });
  return new RegistryClient({
    mirrors: options.mirrors,
    insecureRegistries: options.insecureRegistries,
    credentials: (host) => keychain.resolve(host),
    ...extra,
    http: { timeoutMs: options.timeout * 1000, ...extra.http }
  });
}
