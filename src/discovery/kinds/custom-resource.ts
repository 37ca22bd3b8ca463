import type { Document } from 'yaml';
import type { ReferenceKind } from '../types.js';
import type { YamlSource, YamlString } from '../yaml-source.js';

/** Adds an image written as one YAML string; `offset` is where the reference starts in it (after an `alias=`). */
export type AddResourceImage = (kind: ReferenceKind, text: YamlString | undefined, offset?: number) => void;

/**
 * A custom resource that names images in fields of its own (not `image:`): recognised by
 * its API group and kind inside a Kubernetes manifest, read by the Kubernetes kind.
 */
export interface CustomResourceReader {
  matches(apiVersion: string, kind: string): boolean;
  read(yaml: YamlSource, document: Document, resource: unknown, add: AddResourceImage): void;
}
