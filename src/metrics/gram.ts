/**
 * Float64 products C = P·Qᵀ of row-major matrices, the one dense kernel the metrics need
 * (covariances, Gram matrices, similarity transforms). Rows of P and Q are contiguous, so each
 * entry is a dot product; 4×4 register blocks over chunks of the shared axis keep it cache-friendly.
 */

/** Rows of the shared axis processed per pass, so 8 rows of P and Q stay in L1 (8 × 256 × 8 B). */
const CHUNK = 256;

/**
 * Returns C = P·Qᵀ, row-major `[m, n]`, for P `[m, k]` and Q `[n, k]`. With `symmetric` (P·Qᵀ known
 * symmetric, e.g. P = Q) only the upper triangle is computed and then mirrored.
 */
export function multiplyTransposed(p: Float64Array, m: number, q: Float64Array, n: number, k: number, symmetric = false): Float64Array {
  if (p.length !== m * k || q.length !== n * k) {
    throw new Error(`multiplyTransposed: P has ${p.length} values for [${m}, ${k}], Q has ${q.length} for [${n}, ${k}]`);
  }
  if (symmetric && m !== n) throw new Error(`multiplyTransposed: a symmetric product needs m = n; got ${m} and ${n}`);
  const m4 = Math.ceil(m / 4) * 4;
  const n4 = Math.ceil(n / 4) * 4;
  const pp = padRows(p, m, m4, k);
  const qq = symmetric && p === q ? pp : padRows(q, n, n4, k);
  const c = new Float64Array(m4 * n4);
  for (let k0 = 0; k0 < k; k0 += CHUNK) {
    const k1 = Math.min(k, k0 + CHUNK);
    for (let i = 0; i < m4; i += 4) {
      const i0 = i * k;
      const i1 = i0 + k;
      const i2 = i1 + k;
      const i3 = i2 + k;
      for (let j = symmetric ? i : 0; j < n4; j += 4) {
        const j0 = j * k;
        const j1 = j0 + k;
        const j2 = j1 + k;
        const j3 = j2 + k;
        let c00 = 0,
          c01 = 0,
          c02 = 0,
          c03 = 0,
          c10 = 0,
          c11 = 0,
          c12 = 0,
          c13 = 0;
        let c20 = 0,
          c21 = 0,
          c22 = 0,
          c23 = 0,
          c30 = 0,
          c31 = 0,
          c32 = 0,
          c33 = 0;
        for (let t = k0; t < k1; t++) {
          const a0 = pp[i0 + t],
            a1 = pp[i1 + t],
            a2 = pp[i2 + t],
            a3 = pp[i3 + t];
          const b0 = qq[j0 + t],
            b1 = qq[j1 + t],
            b2 = qq[j2 + t],
            b3 = qq[j3 + t];
          c00 += a0 * b0;
          c01 += a0 * b1;
          c02 += a0 * b2;
          c03 += a0 * b3;
          c10 += a1 * b0;
          c11 += a1 * b1;
          c12 += a1 * b2;
          c13 += a1 * b3;
          c20 += a2 * b0;
          c21 += a2 * b1;
          c22 += a2 * b2;
          c23 += a2 * b3;
          c30 += a3 * b0;
          c31 += a3 * b1;
          c32 += a3 * b2;
          c33 += a3 * b3;
        }
        let o = i * n4 + j;
        c[o] += c00;
        c[o + 1] += c01;
        c[o + 2] += c02;
        c[o + 3] += c03;
        o += n4;
        c[o] += c10;
        c[o + 1] += c11;
        c[o + 2] += c12;
        c[o + 3] += c13;
        o += n4;
        c[o] += c20;
        c[o + 1] += c21;
        c[o + 2] += c22;
        c[o + 3] += c23;
        o += n4;
        c[o] += c30;
        c[o + 1] += c31;
        c[o + 2] += c32;
        c[o + 3] += c33;
      }
    }
  }
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = symmetric && j < i ? c[j * n4 + i] : c[i * n4 + j];
  }
  return out;
}

/** Returns the row-major transpose `[cols, rows]` of `a` `[rows, cols]`. */
export function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

function padRows(a: Float64Array, rows: number, padded: number, k: number): Float64Array {
  if (rows === padded) return a;
  const out = new Float64Array(padded * k);
  out.set(a.subarray(0, rows * k));
  return out;
}
