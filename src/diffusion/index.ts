export { karrasSigmas } from './schedule';
export type { ScheduleOptions } from './schedule';
export { NonFiniteStateError, SAMPLERS, solve } from './sampler';
export type { DenoiseFn, EvalAt, Renoised, SamplerName, SolveOptions, StepDenoiseFn, StepInfo } from './sampler';
