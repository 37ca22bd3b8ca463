import { InputError } from '../errors.js';
import { parseReference } from '../name/reference.js';
import type { DigestSlot, DiscoveryResult, ImageOccurrence, ReferenceKind, TextSpan } from './types.js';
import type { SourceFile } from './file-kind.js';

export interface OccurrenceDetails {
  platform?: string;
  edit?: TextSpan;
  digestSlot?: DigestSlot;
  unpinnable?: string;
}

/**
 * Gathers what one file yields. Every candidate goes through `parseReference` here, so
 * an invalid reference becomes an `invalid` problem on its line instead of reaching resolution.
 */
export class Collector {
  private readonly result: DiscoveryResult = { occurrences: [], problems: [] };

  constructor(readonly file: string) {}

  /** The collector of a YAML file, holding already the problems of its documents that did not parse. */
  static ofYaml(file: SourceFile): Collector {
    const collector = new Collector(file.path);
    for (const problem of file.yaml.problems) collector.problem(problem.line, problem.message);
    return collector;
  }

  image(kind: ReferenceKind, text: string, line: number, details: OccurrenceDetails = {}): void {
    // SPEC: `scratch` is not an image (an empty base in Dockerfiles).
    if (text === 'scratch') return;
    try {
      parseReference(text);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      this.result.problems.push({ file: this.file, line, message: error.message, invalid: true, text, kind });
      return;
    }
    const occurrence: ImageOccurrence = { file: this.file, line, text, kind };
    for (const key of ['platform', 'edit', 'digestSlot', 'unpinnable'] as const) {
      if (details[key] !== undefined) Object.assign(occurrence, { [key]: details[key] });
    }
    this.result.occurrences.push(occurrence);
  }

  problem(line: number, message: string): void {
    this.result.problems.push({ file: this.file, line, message });
  }

  done(): DiscoveryResult {
    return this.result;
  }
}
