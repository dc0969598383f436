export { karrasSigmas } from './schedule';
export type { ScheduleOptions } from './schedule';
export { NonFiniteStateError, SAMPLERS, solve } from './sampler';
export type { DenoiseFn, SamplerName, SolveOptions, StepInfo } from './sampler';
