export { saveCheckpoint, loadCheckpoint, sha256Hex } from './checkpoint';
export type { Checkpoint, CheckpointMeta } from './checkpoint';
export { encodeSafetensors, decodeSafetensors, DTYPES } from './safetensors';
export type { Dtype, TensorData, SafetensorsContents } from './safetensors';
export { toFloat16Bits, fromFloat16Bits, float32ToFloat16, float16ToFloat32 } from './float16';
