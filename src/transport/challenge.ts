/**
 * `WWW-Authenticate` challenges (RFC 7235), as registries send them:
 * `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"`.
 */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

export function parseChallenges(header: string | undefined): Challenge[] {
  const challenges: Challenge[] = [];
  let rest = (header ?? '').trim();
  while (rest) {
    const scheme = TOKEN.exec(rest)?.[0];
    if (!scheme) break;
    rest = rest.slice(scheme.length).trimStart();
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    for (;;) {
      const param = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^\s,]*)\s*,?\s*/.exec(rest);
      if (!param) break;
      const [whole, name, raw, quoted] = param as unknown as [string, string, string, string | undefined];
      challenge.params[name.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : raw;
      rest = rest.slice(whole.length);
    }
    rest = rest.replace(/^,\s*/, '');
  }
  return challenges;
}
