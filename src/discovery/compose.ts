import { Collector } from './collector.js';
import { expand } from './expand.js';
import type { DiscoveryResult } from './types.js';
import { YamlSource } from './yaml-source.js';

/**
 * `services.*.image` in compose files, interpolated the way Compose does it:
 * `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `$$` for a literal `$`, from `env`
 * (nothing by default, so defaults apply). A service with `build` is skipped: its
 * `image` names what the build produces, not something to pull.
 */
export function parseCompose(file: string, content: string, env: Readonly<Record<string, string>> = {}): DiscoveryResult {
  const collector = new Collector(file, 'compose');
  const yaml = new YamlSource(content);
  for (const problem of yaml.problems) collector.problem(problem.line, problem.message);
  const lookup = (name: string) => (Object.hasOwn(env, name) ? env[name] : undefined);
  for (const document of yaml.documents) {
    for (const [, service] of yaml.entries(document, yaml.get(document, document.contents, 'services'))) {
      if (yaml.get(document, service, 'build') !== undefined) continue;
      const image = yaml.string(document, yaml.get(document, service, 'image'));
      if (!image) continue;
      const expansion = expand(image.value, lookup, { kind: 'compose' });
      if (!expansion.ok) {
        collector.problem(image.line, `cannot expand "${image.value}": ${expansion.error}`);
        continue;
      }
      // Only text written in the file can be rewritten, not a value from the environment.
      const source = expansion.source?.kind === 'literal' ? expansion.source : undefined;
      const edit = source && yaml.span(image, source.start, source.end - source.start);
      collector.image(expansion.value, image.line, { edit });
    }
  }
  return collector.done();
}
