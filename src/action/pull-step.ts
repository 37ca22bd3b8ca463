import type { ActionInputs } from './inputs.js';

/** The action's pre-pull: cache tiers, fetch, load, the `cache-hit` output and the summary's cache figures. */
export async function pullStep(_inputs: ActionInputs): Promise<void> {
  throw new Error('pull: not implemented yet');
}
