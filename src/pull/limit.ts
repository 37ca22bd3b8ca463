/** Runs tasks with at most `limit` at once; one limit is shared by every image, so the bound holds across them. */
export type Limit = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimit(limit: number): Limit {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next task, so `active` never overshoots.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
