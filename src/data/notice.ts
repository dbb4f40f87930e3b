/**
 * Something a reader decided or noticed that the user should hear about — readers never print;
 * the CLI prints `message` as a `note:` line.
 *
 * - `target`: the target column chosen by default (the last one);
 * - `task`: a numeric target taken as class labels (whole numbers, few distinct values);
 * - `id-column`: a feature column that looks like a row id;
 * - `dropped`: rows left out for missing values; `filled`: missing cells given their column's mean.
 */
export interface DataNotice {
  readonly kind: 'target' | 'task' | 'id-column' | 'dropped' | 'filled';
  /** One English line. */
  readonly message: string;
  /** The column concerned, when one is. */
  readonly column?: string;
  /** Rows dropped or cells filled. */
  readonly count?: number;
}
