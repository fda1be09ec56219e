/**
 * A problem with what the user asked to train on (nothing annotated, an unknown model, a
 * non-positive iteration count…): the job runner shows its message as is, instead of
 * reporting an internal failure.
 */
export class TrainingInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingInputError';
  }
}
