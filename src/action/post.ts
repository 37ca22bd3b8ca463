import * as core from '@actions/core';
import { messageOf } from '../errors.js';
import { saveLayerCache } from './cache/layer-cache.js';

/** The post step: saves the layer cache when the main step fetched something new; a failure only warns. */
export async function runPost(): Promise<void> {
  try {
    await saveLayerCache();
  } catch (error) {
    core.warning(`image-lock could not save its layer cache: ${messageOf(error)}`);
  }
}
