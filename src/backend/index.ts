export { initBackend, parseBackendChoice, shareCoresWithWorkers, BACKEND_CHOICES } from './select';
export type { BackendChoice } from './select';
export { registerWasmKernels } from './wasm-kernels';
