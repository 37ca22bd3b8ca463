/** What restoring from one cache tier gave. */
export interface TierRestore {
  /** `exact`: the entry of this job configuration; `partial`: another one of the platform. */
  match: 'exact' | 'partial' | 'none';
  /** The entry restored (its key, or its tool cache version), for the summary. */
  entry?: string;
  ms: number;
}
