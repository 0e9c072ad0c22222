/** The simulated kernel's public surface. */
export * from './api'
export { simulate, type SimulateOptions } from './simulate'
export { traceToRunnerJson, stepToRunnerJson, type RunnerDocument, type RunnerStep, type RunnerVma } from './report'
export { PROFILES, profileFor, type KernelProfile } from './profiles'
export { describeStep } from './describe'
export { flagNameFromMnemonic } from './flags'
