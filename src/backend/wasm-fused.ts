/**
 * Wasm kernels that replace chains of tfjs ops (or their needless copies) by one pass over the wasm heap:
 *
 * - `GlGroupNorm` / `GlGroupNormGrad`: group normalisation with scale and shift, forward (also returning each
 *   group's mean and 1/σ) and backward (dx or dγ) in two passes each; the op chain it replaces (moments over
 *   non-innermost axes, each a transpose, then five elementwise ops; about twenty kernels backward) is
 *   `groupNormOps` in fused.ts, the reference the tests compare with.
 * - `Identity`: shares the input's buffer (reference-counted, as Reshape does and as the cpu backend does)
 *   instead of copying it; the engine clones every tensor a gradient saves, so a training step made
 *   about a thousand copies.
 * - `Sum` over a contiguous block of axes that is not innermost (bias and adaLN gradients: [batch, tokens,
 *   width] summed over batch and tokens): one strided pass with float64 accumulators instead of a transpose
 *   of the whole input followed by the sum.
 * Sums run in float64 here, so results differ from the op chains by float32 rounding only.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Info = tf.TensorInfo;
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
type KernelFn = (args: KernelArgs) => Info | Info[];

/** The kernel names of the fused group normalisation (forward: y and stats; backward: dx or dγ). */
export const GROUP_NORM = 'GlGroupNorm';
export const GROUP_NORM_GRAD = 'GlGroupNormGrad';

function view(backend: BackendWasm, info: Info): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** Returns [batch, positions per image, channels, channels per group] of an NHWC-like map and checks the groups. */
function layout(x: Info, groups: number): [number, number, number, number] {
  const c = x.shape[x.shape.length - 1];
  const b = x.shape[0];
  if (!(Number.isInteger(groups) && groups >= 1 && c % groups === 0)) {
    throw new Error(`GlGroupNorm: ${c} channels do not split into ${groups} groups`);
  }
  return [b, tf.util.sizeFromShape(x.shape) / (b * c), c, c / groups];
}

/** Returns per-channel copies of per-group values: out[c] = perGroup[c / channelsPerGroup]. */
function perChannel(perGroup: Float64Array, C: number, Cg: number, out: Float64Array): Float64Array {
  for (let c = 0; c < C; c++) out[c] = perGroup[(c / Cg) | 0];
  return out;
}

/** Returns per-group sums of per-channel values. */
function perGroup(perChannelValues: Float64Array, groups: number, Cg: number): Float64Array {
  const out = new Float64Array(groups);
  for (let c = 0; c < perChannelValues.length; c++) out[(c / Cg) | 0] += perChannelValues[c];
  return out;
}

/** y = (x − μ_g)/σ_g · γ + β per (image, group), two passes for the moments; also returns stats [batch, groups, 2] = (μ, 1/σ). */
function groupNorm(args: KernelArgs): Info[] {
  const backend = args.backend as BackendWasm;
  const { x, gamma, beta } = args.inputs as { x: Info; gamma: Info; beta: Info };
  const { groups, eps } = args.attrs as unknown as { groups: number; eps: number };
  const [B, S, C, Cg] = layout(x, groups);
  const y = backend.makeOutput(x.shape, 'float32');
  const stats = backend.makeOutput([B, groups, 2], 'float32');
  const [xs, ys, st, gs, bs] = [view(backend, x), view(backend, y), view(backend, stats), view(backend, gamma), view(backend, beta)];
  const acc = new Float64Array(C);
  const meanC = new Float64Array(C);
  const scale = new Float32Array(C);
  const shift = new Float32Array(C);
  const n = S * Cg;
  for (let b = 0; b < B; b++) {
    const base = b * S * C;
    acc.fill(0);
    for (let s = 0, o = base; s < S; s++, o += C) for (let c = 0; c < C; c++) acc[c] += xs[o + c];
    const mean = perGroup(acc, groups, Cg).map((v) => v / n);
    perChannel(mean, C, Cg, meanC);
    acc.fill(0);
    for (let s = 0, o = base; s < S; s++, o += C) {
      for (let c = 0; c < C; c++) {
        const d = xs[o + c] - meanC[c];
        acc[c] += d * d;
      }
    }
    const variance = perGroup(acc, groups, Cg);
    for (let g = 0; g < groups; g++) {
      const rstd = 1 / Math.sqrt(variance[g] / n + eps);
      st[(b * groups + g) * 2] = mean[g];
      st[(b * groups + g) * 2 + 1] = rstd;
      for (let c = g * Cg; c < (g + 1) * Cg; c++) {
        scale[c] = rstd * gs[c];
        shift[c] = bs[c] - mean[g] * rstd * gs[c];
      }
    }
    for (let s = 0, o = base; s < S; s++, o += C) for (let c = 0; c < C; c++) ys[o + c] = xs[o + c] * scale[c] + shift[c];
  }
  return [y, stats];
}

/**
 * The gradient of groupNorm with respect to x (attr wrt 'x') or γ (wrt 'gamma'); with x̂ = (x − μ)/σ per
 * (image, group): dγ = Σ dy·x̂ over images and positions, dx = (1/σ)(γ·dy − mean_g(γ·dy) − x̂·mean_g(γ·dy·x̂)),
 * evaluated as dx = a·dy + b·x + d per channel. (dβ = Σ dy is a plain Sum.) One kernel per gradient, so a
 * gradient nobody asks for costs nothing; float64 sums Σ dy and Σ dy·x give Σ dy·x̂ = (Σ dy·x − μ Σ dy)/σ.
 */
function groupNormGrad(args: KernelArgs): Info {
  const backend = args.backend as BackendWasm;
  const { dy, x, gamma, stats } = args.inputs as { dy: Info; x: Info; gamma: Info; stats: Info };
  const { groups, wrt } = args.attrs as unknown as { groups: number; wrt: 'x' | 'gamma' };
  const [B, S, C, Cg] = layout(x, groups);
  const out = backend.makeOutput(wrt === 'x' ? x.shape : [C], 'float32');
  const [dys, xs, os, gs, st] = [view(backend, dy), view(backend, x), view(backend, out), view(backend, gamma), view(backend, stats)];
  const dg = new Float64Array(C);
  const sdy = new Float64Array(C);
  const sdyx = new Float64Array(C);
  const [mean, rstd, ka, kb, kd] = Array.from({ length: 5 }, () => new Float64Array(C));
  const n = S * Cg;
  for (let b = 0; b < B; b++) {
    const base = b * S * C;
    for (let c = 0; c < C; c++) {
      const g = (c / Cg) | 0;
      mean[c] = st[(b * groups + g) * 2];
      rstd[c] = st[(b * groups + g) * 2 + 1];
    }
    sdy.fill(0);
    sdyx.fill(0);
    for (let s = 0, o = base; s < S; s++, o += C) {
      for (let c = 0; c < C; c++) {
        const d = dys[o + c];
        sdy[c] += d;
        sdyx[c] += d * xs[o + c];
      }
    }
    for (let c = 0; c < C; c++) sdyx[c] = (sdyx[c] - mean[c] * sdy[c]) * rstd[c]; // Σ dy·x̂
    if (wrt === 'gamma') {
      for (let c = 0; c < C; c++) dg[c] += sdyx[c];
      continue;
    }
    for (let c = 0; c < C; c++) {
      sdy[c] *= gs[c] / n;
      sdyx[c] *= gs[c] / n;
    }
    const m1 = perChannel(perGroup(sdy, groups, Cg), C, Cg, sdy); // mean_g(γ·dy)
    const m2 = perChannel(perGroup(sdyx, groups, Cg), C, Cg, sdyx); // mean_g(γ·dy·x̂)
    for (let c = 0; c < C; c++) {
      ka[c] = rstd[c] * gs[c];
      kb[c] = -rstd[c] * rstd[c] * m2[c];
      kd[c] = -rstd[c] * m1[c] + mean[c] * rstd[c] * rstd[c] * m2[c];
    }
    for (let s = 0, o = base; s < S; s++, o += C) for (let c = 0; c < C; c++) os[o + c] = ka[c] * dys[o + c] + kb[c] * xs[o + c] + kd[c];
  }
  if (wrt === 'gamma') os.set(dg);
  return out;
}

function identity(original: KernelFn): KernelFn {
  return (args) => {
    const x = args.inputs.x as Info;
    if (x.dtype === 'string') return original(args);
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

function sum(original: KernelFn): KernelFn {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const x = args.inputs.x as Info;
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const contiguous = axes.length > 0 && axes.every((a, i) => a === axes[0] + i);
    const last = axes[axes.length - 1];
    // Innermost blocks need no transpose (the stock kernel is fast there); other dtypes keep the stock kernel.
    if (x.dtype !== 'float32' || !contiguous || last === rank - 1) return original(args);
    const outer = tf.util.sizeFromShape(x.shape.slice(0, axes[0]));
    const reduced = tf.util.sizeFromShape(x.shape.slice(axes[0], last + 1));
    const inner = tf.util.sizeFromShape(x.shape.slice(last + 1));
    const kept = x.shape.filter((_, i) => !axes.includes(i));
    const out = backend.makeOutput(keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : kept, 'float32');
    const xs = view(backend, x);
    const os = view(backend, out);
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(0);
      for (let r = 0, at = o * reduced * inner; r < reduced; r++, at += inner) for (let j = 0; j < inner; j++) acc[j] += xs[at + j];
      os.set(acc, o * inner);
    }
    return out;
  };
}

/** Registers the kernels above on wasm (stock Identity and Sum kept as fallbacks); call before `tf.setBackend('wasm')`. */
export function registerFusedWasmKernels(replace: (name: string, make: (original: KernelFn) => KernelFn) => void): void {
  tf.registerKernel({ kernelName: GROUP_NORM, backendName: 'wasm', kernelFunc: groupNorm as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: GROUP_NORM_GRAD, backendName: 'wasm', kernelFunc: groupNormGrad as unknown as tf.KernelFunc });
  replace('Identity', identity);
  replace('Sum', sum);
}
