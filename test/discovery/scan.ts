import { SourceFile, type FileKind, type FileScan } from '../../src/discovery/file-kind.js';
import { expectSpansHoldText } from './spans.js';

/** One file scanned as `kind`, the repository around it holding `files` (path -> content). */
export async function scanKind(
  kind: FileKind,
  path: string,
  content: string,
  files: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<FileScan> {
  const repository = {
    env,
    readText: (file: string) => Promise.resolve(Object.hasOwn(files, file) ? files[file] : undefined),
    hasFile: (file: string) => Promise.resolve(Object.hasOwn(files, file))
  };
  const result = await kind.scan(new SourceFile(path, content), repository);
  expectSpansHoldText(content, result);
  return result;
}
