/**
 * Whether a value is filled in by a tool before it is used: Helm or Argo `{{ }}`, Tekton
 * `$(params.x)`, envsubst `${X}`/`$X`. Such a value is reported as not resolvable rather than
 * as an invalid reference, since it is not meant to be read as written.
 */
export function isTemplated(value: string): boolean {
  return /\{\{|\$\(|\$\{|\$[A-Za-z_]/.test(value);
}
