import { expand, type Dialect } from '../../src/discovery/expand.js';

const DOCKERFILE: Dialect = { kind: 'dockerfile', escape: '\\' };
const COMPOSE: Dialect = { kind: 'compose' };
const env: Record<string, string> = { SET: 'value', EMPTY: '' };
const lookup = (name: string) => env[name];

describe('expand', () => {
  test.each([
    ['$SET', 'value'],
    ['${SET}', 'value'],
    ['${UNSET:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''],
    ['${UNSET-fallback}', 'fallback'],
    ['${SET:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET:-${SET}}', 'value'],
    ['${SET:-$UNSET}', 'value'],
    ['a$', 'a$'],
    ['$1', '$1']
  ])('%s gives %j in both dialects', (text, value) => {
    expect(expand(text, lookup, DOCKERFILE)).toMatchObject({ ok: true, value });
    expect(expand(text, lookup, COMPOSE)).toMatchObject({ ok: true, value });
  });

  test('Dockerfile quotes and escapes; compose $$', () => {
    expect(expand(`"$SET"'$SET'\\$SET`, lookup, DOCKERFILE)).toMatchObject({ value: 'value$SET$SET' });
    expect(expand('`$SET', lookup, { kind: 'dockerfile', escape: '`' })).toMatchObject({ value: '$SET' });
    expect(expand('$$SET "$SET"', lookup, COMPOSE)).toMatchObject({ value: '$SET "value"' });
  });

  test('tells where the value came from', () => {
    expect(expand('nginx:1.27', lookup, COMPOSE)).toEqual({
      ok: true,
      value: 'nginx:1.27',
      source: { kind: 'literal', start: 0, end: 10 }
    });
    expect(expand('"nginx"', lookup, DOCKERFILE)).toMatchObject({ source: { kind: 'literal', start: 1, end: 6 } });
    expect(expand('${X:-nginx}', lookup, COMPOSE)).toMatchObject({ source: { kind: 'literal', start: 5, end: 10 } });
    expect(expand('${SET}', lookup, COMPOSE)).toMatchObject({ source: { kind: 'variable', name: 'SET' } });
    // Anything mixed, escaped or conditional is not one verbatim stretch.
    for (const text of ['nginx${EMPTY}', 'ngi"nx"', 'nginx$$', '${SET:+x}nginx', 'nginx\\', '${SET:-x}y']) {
      expect(expand(text, lookup, text.includes('$$') ? COMPOSE : DOCKERFILE)).not.toHaveProperty('source');
    }
  });

  test('errors: unset, required, unsupported and unterminated', () => {
    expect(expand('$UNSET', lookup, COMPOSE)).toEqual({ ok: false, error: 'UNSET has no value' });
    expect(expand('${UNSET:?needed}', lookup, COMPOSE)).toEqual({ ok: false, error: 'UNSET is required: needed' });
    expect(expand('${EMPTY?needed}', lookup, COMPOSE)).toMatchObject({ ok: true, value: '' });
    expect(expand('${SET#prefix}', lookup, DOCKERFILE)).toEqual({ ok: false, error: 'unsupported substitution "${SET#"' });
    expect(expand('${SET', lookup, DOCKERFILE)).toEqual({ ok: false, error: 'missing "}" in "${SET"' });
    expect(expand('${}', lookup, DOCKERFILE)).toEqual({ ok: false, error: 'invalid substitution at "${}"' });
    expect(expand('"open', lookup, DOCKERFILE)).toEqual({ ok: false, error: 'unterminated quote in ""open"' });
  });
});
