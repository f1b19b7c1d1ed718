/** A problem the user caused (bad flag, missing path, invalid config): reported as one sentence, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
