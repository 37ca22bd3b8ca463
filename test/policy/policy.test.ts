import type { ImageOccurrence } from '../../src/discovery/types.js';
import { InputError } from '../../src/errors.js';
import { evaluate, type PolicyOptions } from '../../src/policy/policy.js';

const DIGEST = `sha256:${'4'.repeat(64)}`;
const OTHER = `sha256:${'5'.repeat(64)}`;

function at(line: number, text: string): ImageOccurrence {
  return { file: 'Dockerfile', line, text, kind: 'dockerfile-from' };
}

const WARN: PolicyOptions = { mutable: 'warn', latest: 'warn', allow: [] };
const known = (text: string) => (text.includes('nginx') ? DIGEST : undefined);

describe('evaluate', () => {
  test('a tag is mutable; the finding names the pinned form with the known digest', () => {
    expect(evaluate([at(3, 'nginx:1.27')], WARN, known)).toEqual([
      {
        rule: 'mutable',
        level: 'warn',
        file: 'Dockerfile',
        line: 3,
        reference: 'docker.io/library/nginx:1.27',
        message: `nginx:1.27 is not pinned by digest; use nginx:1.27@${DIGEST}`,
        suggestion: `nginx:1.27@${DIGEST}`
      }
    ]);
  });

  test('an unknown digest is said so, and there is no suggestion', () => {
    const [finding] = evaluate([at(1, 'ghcr.io/acme/app:2.0')], WARN, known);
    expect(finding.message).toBe(
      'ghcr.io/acme/app:2.0 is not pinned by digest; use ghcr.io/acme/app:2.0@sha256:… (the digest is not known: the reference was not resolved)'
    );
    expect(finding).not.toHaveProperty('suggestion');
  });

  test('an implicit latest is both mutable and latest; an explicit one too', () => {
    const findings = evaluate([at(1, 'nginx'), at(2, 'docker.io/library/nginx:latest')], WARN, known);
    expect(findings.map((finding) => [finding.line, finding.rule, finding.reference, finding.suggestion])).toEqual([
      [1, 'mutable', 'docker.io/library/nginx:latest', `nginx:latest@${DIGEST}`],
      [1, 'latest', 'docker.io/library/nginx:latest', `nginx:latest@${DIGEST}`],
      [2, 'mutable', 'docker.io/library/nginx:latest', `docker.io/library/nginx:latest@${DIGEST}`],
      [2, 'latest', 'docker.io/library/nginx:latest', `docker.io/library/nginx:latest@${DIGEST}`]
    ]);
    expect(findings[1].message).toBe(
      `nginx has no tag, so it means "latest", which moves with every release; name a version tag and pin it, or at least pin this one: nginx:latest@${DIGEST}`
    );
    expect(findings[3].message).toMatch(/^docker\.io\/library\/nginx:latest uses the "latest" tag, which moves/);
  });

  test('a digest pins it; a pinned latest is still a latest finding, a pinned digest alone is not', () => {
    const findings = evaluate([at(1, `nginx:1.27@${OTHER}`), at(2, `nginx:latest@${OTHER}`), at(3, `nginx@${OTHER}`)], WARN, known);
    expect(findings.map((finding) => [finding.line, finding.rule])).toEqual([[2, 'latest']]);
    expect(findings[0].message).toBe(
      `nginx:latest@${OTHER} uses the "latest" tag, which says nothing about the version it is pinned to; name a version tag`
    );
  });

  test('levels: error, warn and ignore per rule', () => {
    const occurrences = [at(1, 'nginx'), at(2, 'redis:7')];
    expect(evaluate(occurrences, { mutable: 'error', latest: 'ignore', allow: [] }, known).map((f) => [f.line, f.rule, f.level])).toEqual([
      [1, 'mutable', 'error'],
      [2, 'mutable', 'error']
    ]);
    expect(evaluate(occurrences, { mutable: 'ignore', latest: 'error', allow: [] }, known).map((f) => [f.line, f.rule, f.level])).toEqual([
      [1, 'latest', 'error']
    ]);
    expect(evaluate(occurrences, { mutable: 'ignore', latest: 'ignore', allow: [] }, known)).toEqual([]);
  });

  test.each([
    ['docker.io/library/*', ['localhost:5000/team/svc:2', 'ghcr.io/acme/app:1']],
    ['localhost:5000/*', ['nginx', 'redis:7', 'ghcr.io/acme/app:1']],
    ['*:latest', ['redis:7', 'localhost:5000/team/svc:2', 'ghcr.io/acme/app:1']],
    ['ghcr.io/acme/*', ['nginx', 'redis:7', 'localhost:5000/team/svc:2']],
    ['nginx', ['redis:7', 'localhost:5000/team/svc:2', 'ghcr.io/acme/app:1']],
    ['redis:7', ['nginx', 'localhost:5000/team/svc:2', 'ghcr.io/acme/app:1']],
    ['redis:6', ['nginx', 'redis:7', 'localhost:5000/team/svc:2', 'ghcr.io/acme/app:1']],
    ['*/team/*', ['nginx', 'redis:7', 'ghcr.io/acme/app:1']]
  ])('allow %s exempts what it matches (name or normalised reference)', (pattern, remaining) => {
    const occurrences = ['nginx', 'redis:7', 'localhost:5000/team/svc:2', 'ghcr.io/acme/app:1'].map((text, i) => at(i + 1, text));
    const findings = evaluate(occurrences, { mutable: 'warn', latest: 'ignore', allow: [pattern] }, known);
    expect(findings.map((finding) => occurrences[finding.line! - 1].text)).toEqual(remaining);
  });

  test('an invalid allow pattern or occurrence is bad input', () => {
    expect(() => evaluate([at(1, 'nginx')], { ...WARN, allow: ['Not A Ref'] }, known)).toThrow(InputError);
    expect(() => evaluate([at(1, 'UPPER')], WARN, known)).toThrow(InputError);
  });
});
