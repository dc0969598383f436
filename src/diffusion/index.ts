export { karrasSigmas } from './schedule';
export type { ScheduleOptions } from './schedule';
export { SAMPLERS, solve } from './sampler';
export type { DenoiseFn, SamplerName, SolveOptions, StepInfo } from './sampler';
