import { InputError } from '../errors.js';
import { parseReference } from '../name/reference.js';
import type { DiscoveryResult, ImageOccurrence, SourceKind, TextSpan } from './types.js';

/**
 * Gathers what one file yields. Every candidate goes through `parseReference` here, so
 * an invalid reference becomes a problem on its line instead of reaching resolution.
 */
export class Collector {
  private readonly result: DiscoveryResult = { occurrences: [], problems: [] };

  constructor(
    private readonly file: string,
    private readonly kind: SourceKind
  ) {}

  image(text: string, line: number, details: { platform?: string; edit?: TextSpan } = {}): void {
    // SPEC: `scratch` is not an image (an empty base in Dockerfiles).
    if (text === 'scratch') return;
    try {
      parseReference(text);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      this.result.problems.push({ file: this.file, line, message: error.message, invalid: true });
      return;
    }
    const occurrence: ImageOccurrence = { file: this.file, line, text, kind: this.kind };
    if (details.platform !== undefined) occurrence.platform = details.platform;
    if (details.edit !== undefined) occurrence.edit = details.edit;
    this.result.occurrences.push(occurrence);
  }

  problem(line: number, message: string): void {
    this.result.problems.push({ file: this.file, line, message });
  }

  done(): DiscoveryResult {
    return this.result;
  }
}
