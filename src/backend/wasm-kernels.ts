/**
 * Kernels that make the wasm backend fast enough to train and sample diffusion models:
 *
 * - `BatchMatMul`: XNNPACK's fast path in tfjs-backend-wasm only takes a single, untransposed
 *   matrix pair; everything else falls to a naive triple loop (~2 GFLOP/s against ~30). Here
 *   transposed operands are transposed explicitly first, and batches run as one XNNPACK call per
 *   batch entry on zero-copy views into the wasm heap (or as one call when b is shared).
 * - `Conv2DBackpropFilter` (not registered for wasm): a transposed im2col of the input times the
 *   output gradient, in chunks of output pixels so both operands stay in cache.
 * - `Conv2DBackpropInput` at stride 1: a forward convolution of dy with the flipped filter
 *   (the native kernel is a naive loop).
 * - `Slice`: the stock kernel copies the whole input out of the heap before slicing; this one
 *   reads a heap view.
 * - the fused group normalisation, a copy-free Identity and a transpose-free Sum: wasm-fused.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerFusedWasmKernels } from './wasm-fused';

type Info = tf.TensorInfo;
type MatMulFn = (
  aId: number,
  aShape: Uint8Array,
  aRank: number,
  bId: number,
  bShape: Uint8Array,
  bRank: number,
  transposeA: boolean,
  transposeB: boolean,
  outId: number,
) => void;

interface WasmInternals {
  wasm: {
    cwrap(name: string, ret: null, args: string[]): MatMulFn;
    tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
  };
  dataIdNextNumber: number;
}

let wasmMatMul: MatMulFn | null = null;

function internals(backend: BackendWasm): WasmInternals {
  return backend as unknown as WasmInternals;
}

function offsetOf(backend: BackendWasm, info: Info): number {
  return backend.dataIdMap.get(info.dataId)!.memoryOffset;
}

/** Returns a live Float32Array view of a tensor in the wasm heap (invalid after the heap grows). */
function heapView(backend: BackendWasm, info: Info): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** Runs another wasm kernel on TensorInfos, returning its (engine-untracked) output. */
function run(backend: BackendWasm, name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): Info {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`wasm kernel ${name} is not registered`);
  return k.kernelFunc({ inputs, attrs, backend }) as Info;
}

function free(backend: BackendWasm, ...infos: Info[]): void {
  for (const i of infos) backend.disposeData(i.dataId);
}

/** Swaps the last two axes; returns a new tensor in the heap. */
function swapLast(backend: BackendWasm, x: Info): Info {
  const r = x.shape.length;
  const perm = Array.from({ length: r }, (_, i) => i);
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return run(backend, 'Transpose', { x }, { perm });
}

/**
 * out[i] = a[i or 0] · b[i or 0] for row-major float32 matrices a [batchA, m, k], b [batchB, k, n]
 * (batchA, batchB ∈ {1, batch}; b may start `bByteOffset` bytes into its tensor), each product one
 * XNNPACK fully-connected call on heap views.
 */
function matmulInto(
  backend: BackendWasm,
  a: Info,
  b: Info,
  out: Info,
  batchA: number,
  batchB: number,
  m: number,
  k: number,
  n: number,
  bByteOffset = 0,
): void {
  const w = internals(backend);
  const fn = wasmMatMul!;
  const aOff = offsetOf(backend, a);
  const bOff = offsetOf(backend, b) + bByteOffset;
  const oOff = offsetOf(backend, out);
  const batch = Math.max(batchA, batchB);
  // When b is shared, a's batch folds into its rows: one call.
  const calls = batchB === 1 ? 1 : batch;
  const rows = batchB === 1 ? m * batchA : m;
  const aShape = new Uint8Array(new Int32Array([1, rows, k]).buffer);
  const bShape = new Uint8Array(new Int32Array([1, k, n]).buffer);
  for (let i = 0; i < calls; i++) {
    const ids = [w.dataIdNextNumber++, w.dataIdNextNumber++, w.dataIdNextNumber++];
    const aAt = aOff + (batchA === 1 ? 0 : i * m * k * 4);
    w.wasm.tfjs.registerTensor(ids[0], rows * k, aAt);
    w.wasm.tfjs.registerTensor(ids[1], k * n, bOff + i * k * n * 4);
    w.wasm.tfjs.registerTensor(ids[2], rows * n, oOff + i * rows * n * 4);
    fn(ids[0], aShape, 3, ids[1], bShape, 3, false, false, ids[2]);
    // Disposing the view of b also drops the XNNPACK operator cached on its id.
    for (const id of ids) w.wasm.tfjs.disposeData(id);
  }
}

function batchMatMul(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
  const backend = args.backend as BackendWasm;
  const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
  let a = args.inputs.a as Info;
  let b = args.inputs.b as Info;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error(`BatchMatMul needs float32 inputs; got ${a.dtype} and ${b.dtype}`);
  const temps: Info[] = [];
  if (transposeA) temps.push((a = swapLast(backend, a)));
  if (transposeB) temps.push((b = swapLast(backend, b)));
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [m, k] = [a.shape[ra - 2], a.shape[ra - 1]];
  const [k2, n] = [b.shape[rb - 2], b.shape[rb - 1]];
  if (k !== k2) {
    free(backend, ...temps);
    throw new Error(
      `matMul: inner dimensions differ: a ${a.shape} and b ${b.shape} (after transposeA=${transposeA}, transposeB=${transposeB})`,
    );
  }
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const batchA = tf.util.sizeFromShape(outerA);
  const batchB = tf.util.sizeFromShape(outerB);
  const batch = tf.util.sizeFromShape(outer);
  if ((batchA !== 1 && batchA !== batch) || (batchB !== 1 && batchB !== batch)) {
    free(backend, ...temps);
    throw new Error(`matMul: batch shapes ${outerA} and ${outerB} only broadcast when one of them has a single entry`);
  }
  const out = backend.makeOutput([...outer, m, n], 'float32');
  if (m * n * k > 0) matmulInto(backend, a, b, out, batchA, batchB, m, k, n);
  else heapView(backend, out).fill(0);
  free(backend, ...temps);
  return out;
}

/** Rows of the output gradient handled per XNNPACK call in Conv2DBackpropFilter (keeps operands in cache). */
const FILTER_GRAD_CHUNK = 1024;

/**
 * Fills colsT [taps·C, count] with the transposed im2col of x [N, H, W, C] for output pixels
 * r0 … r0+count−1 (row-major over [N, Ho, Wo]): colsT[tap·C + c, r] = x[n, y·sh + ty·dh − top, x·sw + tx·dw − left, c],
 * zero outside the image.
 */
function im2colTransposed(
  src: Float32Array,
  dst: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  r0: number,
  count: number,
  at: Int32Array,
): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo, filterHeight: fh, filterWidth: fw } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { top, left } = info.padInfo;
  for (let ty = 0; ty < fh; ty++) {
    for (let tx = 0; tx < fw; tx++) {
      // Where each output pixel of the chunk reads x for this tap (−1: padding).
      for (let r = 0; r < count; r++) {
        const p = r0 + r;
        const b = Math.floor(p / (Ho * Wo));
        const iy = (Math.floor(p / Wo) % Ho) * sh + ty * dh - top;
        const ix = (p % Wo) * sw + tx * dw - left;
        at[r] = iy < 0 || iy >= H || ix < 0 || ix >= W ? -1 : ((b * H + iy) * W + ix) * C;
      }
      // Each row of colsT is written contiguously.
      for (let c = 0; c < C; c++) {
        const row = ((ty * fw + tx) * C + c) * count;
        for (let r = 0; r < count; r++) {
          const i = at[r];
          dst[row + r] = i < 0 ? 0 : src[i + c];
        }
      }
    }
  }
}

function conv2DBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as {
    strides: [number, number] | number;
    pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  if (dataFormat === 'NCHW') throw new Error(`Conv2DBackpropFilter on wasm supports dataFormat NHWC only; got ${dataFormat}`);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const { filterHeight: fh, filterWidth: fw, inChannels: ci, outChannels: co, batchSize, outHeight, outWidth } = info;
  const rows = batchSize * outHeight * outWidth;
  const k = fh * fw * ci;
  // dW [k, co] = Σ over chunks of output pixels: colsᵀ [k, chunk] · dy [chunk, co] (dy's chunk is a heap view).
  const chunk = Math.min(FILTER_GRAD_CHUNK, rows);
  const cols = backend.makeOutput([k, chunk], 'float32');
  const part = backend.makeOutput([k, co], 'float32');
  const sum = backend.makeOutput([fh, fw, ci, co], 'float32');
  const acc = new Float64Array(k * co);
  const at = new Int32Array(chunk);
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const count = Math.min(chunk, rows - r0);
    im2colTransposed(heapView(backend, x), heapView(backend, cols), info, r0, count, at);
    const a = { ...cols, shape: [k, count] };
    const b = { dataId: dy.dataId, shape: [count, co], dtype: dy.dtype };
    matmulInto(backend, a, b, part, 1, 1, k, count, co, r0 * co * 4);
    const pv = heapView(backend, part);
    for (let i = 0; i < acc.length; i++) acc[i] += pv[i];
  }
  heapView(backend, sum).set(acc);
  free(backend, cols, part);
  return sum;
}

type KernelFn = (args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) => Info;

function conv2DBackpropInput(original: KernelFn): KernelFn {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { dy, filter } = args.inputs as { dy: Info; filter: Info };
    const attrs = args.attrs as unknown as {
      strides: [number, number] | number;
      pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
      dataFormat: 'NHWC' | 'NCHW';
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      inputShape: [number, number, number, number];
    };
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape as [number, number, number, number],
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    if (attrs.dataFormat === 'NCHW' || info.strideHeight !== 1 || info.strideWidth !== 1) return original(args);
    // dx = conv(dy, flip(W)ᵀ) with the complementary padding.
    const { filterHeight: fh, filterWidth: fw } = info;
    const { top, bottom, left, right } = info.padInfo;
    const flipped = run(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
    const wT = run(backend, 'Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
    const pad: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [fh - 1 - top, fh - 1 - bottom],
      [fw - 1 - left, fw - 1 - right],
      [0, 0],
    ];
    const dx = run(backend, 'Conv2D', { x: dy, filter: wT }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] });
    free(backend, flipped, wT);
    return dx;
  };
}

function slice(original: KernelFn): KernelFn {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const x = args.inputs.x as Info;
    if (x.dtype === 'string') return original(args);
    const { begin, size } = args.attrs as unknown as { begin: number[]; size: number[] };
    const [b, s] = tf.slice_util.parseSliceParams(x as unknown as tf.TensorInfo & { rank: number }, begin, size);
    const out = backend.makeOutput(s, x.dtype);
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    // Copy runs of the innermost axes that are taken whole.
    const rank = x.shape.length;
    let inner = rank;
    let run = 1;
    while (inner > 0 && s[inner - 1] === x.shape[inner - 1] && b[inner - 1] === 0) run *= s[--inner];
    if (inner > 0) run *= s[inner - 1];
    const outerRank = Math.max(inner - 1, 0);
    const strides = tf.util.computeStrides(x.shape);
    const count = tf.util.sizeFromShape(s.slice(0, outerRank));
    const idx = new Array<number>(outerRank).fill(0);
    for (let r = 0; r < count; r++) {
      let off = 0;
      for (let d = 0; d < outerRank; d++) off += (b[d] + idx[d]) * strides[d];
      if (inner > 0) off += b[inner - 1] * (inner - 1 < strides.length ? strides[inner - 1] : 1);
      dst.set(src.subarray(off, off + run), r * run);
      for (let d = outerRank - 1; d >= 0; d--) {
        if (++idx[d] < s[d]) break;
        idx[d] = 0;
      }
    }
    return out;
  };
}

let registered = false;

/**
 * Registers the fast wasm kernels above and, unless `fused` is false, those of wasm-fused.ts (once per process);
 * call before `tf.setBackend('wasm')`.
 */
export function registerWasmKernels(fused = true): void {
  if (registered) return;
  registered = true;
  const replace = (name: string, make: (original: KernelFn) => KernelFn, setup?: (b: BackendWasm) => void): void => {
    const original = tf.getKernel(name, 'wasm');
    if (original) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: make(
        (original?.kernelFunc ??
          (() => {
            throw new Error(`no wasm kernel ${name}`);
          })) as KernelFn,
      ) as tf.KernelFunc,
      setupFunc: (b: object) => {
        original?.setupFunc?.(b as tf.KernelBackend);
        setup?.(b as BackendWasm);
      },
    });
  };
  replace(
    'BatchMatMul',
    () => batchMatMul,
    (b) => {
      wasmMatMul = internals(b).wasm.cwrap('BatchMatMul', null, [
        'number',
        'array',
        'number',
        'number',
        'array',
        'number',
        'number',
        'number',
        'number',
      ]);
    },
  );
  replace('Conv2DBackpropFilter', () => conv2DBackpropFilter);
  replace('Conv2DBackpropInput', conv2DBackpropInput);
  replace('Slice', slice);
  if (fused) registerFusedWasmKernels(replace as Parameters<typeof registerFusedWasmKernels>[0]);
}
