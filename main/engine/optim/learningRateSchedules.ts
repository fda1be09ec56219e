/** Learning rate as a function of the iteration t = 0, 1, …. */
export type LearningRateSchedule = (iteration: number) => number;

/** lr_t = lr_0 (1 − t/T)^power, power 0.9 (the references' poly schedule); 0 from t = T on. */
export function polyLearningRate(baseLearningRate: number, totalIterations: number, power = 0.9): LearningRateSchedule {
  if (!(totalIterations > 0)) throw new Error(`totalIterations must be positive (got ${totalIterations})`);
  return (iteration) => baseLearningRate * (1 - Math.min(Math.max(iteration, 0), totalIterations) / totalIterations) ** power;
}

export function constantLearningRate(learningRate: number): LearningRateSchedule {
  return () => learningRate;
}
