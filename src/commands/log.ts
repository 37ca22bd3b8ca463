/** Where the engine reports progress: stderr for the CLI, the job log for the action. */
export interface Log {
  info(message: string): void;
  warn(message: string): void;
}

export const silentLog: Log = { info: () => {}, warn: () => {} };
