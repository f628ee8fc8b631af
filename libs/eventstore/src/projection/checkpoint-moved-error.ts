/**
 * The checkpoint was not where this runner left it: another runner (a second
 * replica, a rebuild) moved it. The batch is rolled back and the runner
 * resumes from whatever the checkpoint now says, so no event applies twice.
 */
export class CheckpointMovedError extends Error {
  override readonly name = 'CheckpointMovedError';
  constructor(projection: string, expected: number) {
    super(`checkpoint of ${projection} is no longer at ${expected}: another runner moved it`);
  }
}
