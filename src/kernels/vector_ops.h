// Small float32 vector kernels for the hot loops of the factor models (matrix factorisation by SGD):
// dot, axpy, scale_add, the SGD update of a (user, item) factor pair (sgd_update, and
// sgd_update_dot fused with the next rating's dot product), and SVD++'s step (svdpp_update,
// dot_offset).
//
// Each kernel has two bodies: a WebAssembly SIMD one (<wasm_simd128.h>, f32x4 lanes, 8 elements
// per iteration as two vectors, then one 4-element vector, then a scalar tail) compiled when
// __wasm_simd128__ is defined, and a portable one written as plain loops that g++ may vectorise.
// Both perform the same float operations in the same order, so native and WASM builds give
// bit-identical results (bench/kernels.cpp checks this across builds):
//  * elementwise kernels compute each element with the same expression. That also needs the
//    compiler not to fuse a*b+c into one FMA: WebAssembly has no FMA, and the project's native
//    build targets baseline x86-64, which has none either. (g++ does contract C++ when FMA is
//    available, e.g. with -march=native; such a build agrees with WASM only to rounding.)
//  * dot (and everything that sums like it) keeps 8 partial sums: element k below the last
//    multiple of 8 goes to sum k mod 8; then, if 4 or more elements remain, the next 4 go to sums
//    0..3; the sums are folded as t_j = s_j + s_{j+4}, then (t0 + t1) + (t2 + t3); the last n mod 4
//    elements are added one by one. The SIMD body holds sums 0..3 and 4..7 in two f32x4 registers.
//
// Lengths are ints (factor counts); pointers need no alignment; a vector a kernel writes must not
// overlap any of its other arguments.
#pragma once

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

// The vectors a kernel writes never overlap its other arguments; saying so lets the compiler
// vectorise the portable loops without run-time overlap checks.
#define COFI_RESTRICT __restrict__

namespace cofi {
namespace kernels {

// Sum of a[k] * b[k], k < n, in the fixed order described above.
inline float dot(const float* a, const float* b, int n) {
  int k = 0;
#ifdef __wasm_simd128__
  v128_t low = wasm_f32x4_splat(0.0f);   // partial sums 0..3
  v128_t high = wasm_f32x4_splat(0.0f);  // partial sums 4..7
  for (; k + 8 <= n; k += 8) {
    low = wasm_f32x4_add(low, wasm_f32x4_mul(wasm_v128_load(a + k), wasm_v128_load(b + k)));
    high = wasm_f32x4_add(high, wasm_f32x4_mul(wasm_v128_load(a + k + 4), wasm_v128_load(b + k + 4)));
  }
  if (k + 4 <= n) {
    low = wasm_f32x4_add(low, wasm_f32x4_mul(wasm_v128_load(a + k), wasm_v128_load(b + k)));
    k += 4;
  }
  const v128_t folded = wasm_f32x4_add(low, high);
  float sum = (wasm_f32x4_extract_lane(folded, 0) + wasm_f32x4_extract_lane(folded, 1)) +
              (wasm_f32x4_extract_lane(folded, 2) + wasm_f32x4_extract_lane(folded, 3));
#else
  float partial[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
  for (; k + 8 <= n; k += 8)
    for (int j = 0; j < 8; ++j) partial[j] += a[k + j] * b[k + j];
  if (k + 4 <= n) {
    for (int j = 0; j < 4; ++j) partial[j] += a[k + j] * b[k + j];
    k += 4;
  }
  float folded[4];
  for (int j = 0; j < 4; ++j) folded[j] = partial[j] + partial[j + 4];
  float sum = (folded[0] + folded[1]) + (folded[2] + folded[3]);
#endif
  for (; k < n; ++k) sum += a[k] * b[k];
  return sum;
}

// y += alpha * x.
inline void axpy(float alpha, const float* COFI_RESTRICT x, float* COFI_RESTRICT y, int n) {
  int k = 0;
#ifdef __wasm_simd128__
  const v128_t va = wasm_f32x4_splat(alpha);
  for (; k + 8 <= n; k += 8) {
    const v128_t y0 = wasm_f32x4_add(wasm_v128_load(y + k), wasm_f32x4_mul(va, wasm_v128_load(x + k)));
    const v128_t y1 = wasm_f32x4_add(wasm_v128_load(y + k + 4), wasm_f32x4_mul(va, wasm_v128_load(x + k + 4)));
    wasm_v128_store(y + k, y0);
    wasm_v128_store(y + k + 4, y1);
  }
  for (; k + 4 <= n; k += 4)
    wasm_v128_store(y + k, wasm_f32x4_add(wasm_v128_load(y + k), wasm_f32x4_mul(va, wasm_v128_load(x + k))));
#endif
  for (; k < n; ++k) y[k] = y[k] + alpha * x[k];
}

// y = beta * y + alpha * x  (a decaying accumulator: SVD++'s implicit-feedback bookkeeping).
inline void scale_add(float beta, float* COFI_RESTRICT y, float alpha, const float* COFI_RESTRICT x, int n) {
  int k = 0;
#ifdef __wasm_simd128__
  const v128_t va = wasm_f32x4_splat(alpha);
  const v128_t vb = wasm_f32x4_splat(beta);
  for (; k + 8 <= n; k += 8) {
    const v128_t y0 =
        wasm_f32x4_add(wasm_f32x4_mul(vb, wasm_v128_load(y + k)), wasm_f32x4_mul(va, wasm_v128_load(x + k)));
    const v128_t y1 =
        wasm_f32x4_add(wasm_f32x4_mul(vb, wasm_v128_load(y + k + 4)), wasm_f32x4_mul(va, wasm_v128_load(x + k + 4)));
    wasm_v128_store(y + k, y0);
    wasm_v128_store(y + k + 4, y1);
  }
  for (; k + 4 <= n; k += 4)
    wasm_v128_store(
        y + k, wasm_f32x4_add(wasm_f32x4_mul(vb, wasm_v128_load(y + k)), wasm_f32x4_mul(va, wasm_v128_load(x + k))));
#endif
  for (; k < n; ++k) y[k] = beta * y[k] + alpha * x[k];
}

// The SGD step of matrix factorisation for one rating with error `err` (Surprise's SVD order):
//   p' = p + lr_p (err q - reg_p p)
//   q' = q + lr_q (err p - reg_q q)      with the OLD p
inline void sgd_update(float* COFI_RESTRICT p, float* COFI_RESTRICT q, int n, float err, float lr_p, float reg_p,
                       float lr_q, float reg_q) {
  int k = 0;
#ifdef __wasm_simd128__
  const v128_t ve = wasm_f32x4_splat(err);
  const v128_t vlp = wasm_f32x4_splat(lr_p);
  const v128_t vrp = wasm_f32x4_splat(reg_p);
  const v128_t vlq = wasm_f32x4_splat(lr_q);
  const v128_t vrq = wasm_f32x4_splat(reg_q);
  auto step = [&](int at) {
    const v128_t pv = wasm_v128_load(p + at);
    const v128_t qv = wasm_v128_load(q + at);
    const v128_t p_new =
        wasm_f32x4_add(pv, wasm_f32x4_mul(vlp, wasm_f32x4_sub(wasm_f32x4_mul(ve, qv), wasm_f32x4_mul(vrp, pv))));
    const v128_t q_new =
        wasm_f32x4_add(qv, wasm_f32x4_mul(vlq, wasm_f32x4_sub(wasm_f32x4_mul(ve, pv), wasm_f32x4_mul(vrq, qv))));
    wasm_v128_store(p + at, p_new);
    wasm_v128_store(q + at, q_new);
  };
  for (; k + 8 <= n; k += 8) {
    step(k);
    step(k + 4);
  }
  for (; k + 4 <= n; k += 4) step(k);
#endif
  for (; k < n; ++k) {
    const float pk = p[k];
    const float qk = q[k];
    p[k] = pk + lr_p * (err * qk - reg_p * pk);
    q[k] = qk + lr_q * (err * pk - reg_q * qk);
  }
}

// sgd_update, then the dot product of the updated p with q_next (the next rating's item), in one
// pass over p: the svd epoch's inner loop, where p_u is the same for a user's consecutive ratings.
// Returns exactly dot(q_next, p') (same partial sums, same order); q_next must not be q.
inline float sgd_update_dot(float* COFI_RESTRICT p, float* COFI_RESTRICT q, const float* COFI_RESTRICT q_next, int n,
                            float err, float lr_p, float reg_p, float lr_q, float reg_q) {
  int k = 0;
#ifdef __wasm_simd128__
  const v128_t ve = wasm_f32x4_splat(err);
  const v128_t vlp = wasm_f32x4_splat(lr_p);
  const v128_t vrp = wasm_f32x4_splat(reg_p);
  const v128_t vlq = wasm_f32x4_splat(lr_q);
  const v128_t vrq = wasm_f32x4_splat(reg_q);
  // Updates 4 elements at `at` and returns the new p there.
  auto step = [&](int at) {
    const v128_t pv = wasm_v128_load(p + at);
    const v128_t qv = wasm_v128_load(q + at);
    const v128_t p_new =
        wasm_f32x4_add(pv, wasm_f32x4_mul(vlp, wasm_f32x4_sub(wasm_f32x4_mul(ve, qv), wasm_f32x4_mul(vrp, pv))));
    const v128_t q_new =
        wasm_f32x4_add(qv, wasm_f32x4_mul(vlq, wasm_f32x4_sub(wasm_f32x4_mul(ve, pv), wasm_f32x4_mul(vrq, qv))));
    wasm_v128_store(p + at, p_new);
    wasm_v128_store(q + at, q_new);
    return p_new;
  };
  v128_t low = wasm_f32x4_splat(0.0f);
  v128_t high = wasm_f32x4_splat(0.0f);
  for (; k + 8 <= n; k += 8) {
    const v128_t p0 = step(k);
    const v128_t p1 = step(k + 4);
    low = wasm_f32x4_add(low, wasm_f32x4_mul(wasm_v128_load(q_next + k), p0));
    high = wasm_f32x4_add(high, wasm_f32x4_mul(wasm_v128_load(q_next + k + 4), p1));
  }
  if (k + 4 <= n) {
    low = wasm_f32x4_add(low, wasm_f32x4_mul(wasm_v128_load(q_next + k), step(k)));
    k += 4;
  }
  const v128_t folded = wasm_f32x4_add(low, high);
  float sum = (wasm_f32x4_extract_lane(folded, 0) + wasm_f32x4_extract_lane(folded, 1)) +
              (wasm_f32x4_extract_lane(folded, 2) + wasm_f32x4_extract_lane(folded, 3));
#else
  float partial[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
  float p_new[8];
  for (; k + 8 <= n; k += 8) {
    for (int j = 0; j < 8; ++j) {
      const float pk = p[k + j];
      const float qk = q[k + j];
      p_new[j] = pk + lr_p * (err * qk - reg_p * pk);
      q[k + j] = qk + lr_q * (err * pk - reg_q * qk);
    }
    for (int j = 0; j < 8; ++j) {
      p[k + j] = p_new[j];
      partial[j] += q_next[k + j] * p_new[j];
    }
  }
  if (k + 4 <= n) {
    for (int j = 0; j < 4; ++j) {
      const float pk = p[k + j];
      const float qk = q[k + j];
      p_new[j] = pk + lr_p * (err * qk - reg_p * pk);
      q[k + j] = qk + lr_q * (err * pk - reg_q * qk);
    }
    for (int j = 0; j < 4; ++j) {
      p[k + j] = p_new[j];
      partial[j] += q_next[k + j] * p_new[j];
    }
    k += 4;
  }
  float folded[4];
  for (int j = 0; j < 4; ++j) folded[j] = partial[j] + partial[j + 4];
  float sum = (folded[0] + folded[1]) + (folded[2] + folded[3]);
#endif
  for (; k < n; ++k) {
    const float pk = p[k];
    const float qk = q[k];
    p[k] = pk + lr_p * (err * qk - reg_p * pk);
    q[k] = qk + lr_q * (err * pk - reg_q * qk);
    sum += q_next[k] * p[k];
  }
  return sum;
}

// The SVD++ step for one rating (see models/svdpp.h), all four vectors in one pass, OLD values on
// every right-hand side:
//   p' = p + lr_p (err q - reg_p p)
//   q' = q + lr_q (err (p + z) - reg_q q)
//   z' = decay z + z_step q          (the user's implicit feedback |N(u)|^-1/2 sum y_j)
//   a' = decay a + a_step q          (what the y_j of the user's items have gained so far)
inline void svdpp_update(float* COFI_RESTRICT p, float* COFI_RESTRICT q, float* COFI_RESTRICT z, float* COFI_RESTRICT a,
                         int n, float err, float lr_p, float reg_p, float lr_q, float reg_q, float decay, float z_step,
                         float a_step) {
  int k = 0;
#ifdef __wasm_simd128__
  const v128_t ve = wasm_f32x4_splat(err);
  const v128_t vlp = wasm_f32x4_splat(lr_p);
  const v128_t vrp = wasm_f32x4_splat(reg_p);
  const v128_t vlq = wasm_f32x4_splat(lr_q);
  const v128_t vrq = wasm_f32x4_splat(reg_q);
  const v128_t vd = wasm_f32x4_splat(decay);
  const v128_t vzs = wasm_f32x4_splat(z_step);
  const v128_t vas = wasm_f32x4_splat(a_step);
  auto step = [&](int at) {
    const v128_t pv = wasm_v128_load(p + at);
    const v128_t qv = wasm_v128_load(q + at);
    const v128_t zv = wasm_v128_load(z + at);
    const v128_t av = wasm_v128_load(a + at);
    const v128_t wv = wasm_f32x4_add(pv, zv);
    wasm_v128_store(
        p + at,
        wasm_f32x4_add(pv, wasm_f32x4_mul(vlp, wasm_f32x4_sub(wasm_f32x4_mul(ve, qv), wasm_f32x4_mul(vrp, pv)))));
    wasm_v128_store(
        q + at,
        wasm_f32x4_add(qv, wasm_f32x4_mul(vlq, wasm_f32x4_sub(wasm_f32x4_mul(ve, wv), wasm_f32x4_mul(vrq, qv)))));
    wasm_v128_store(z + at, wasm_f32x4_add(wasm_f32x4_mul(vd, zv), wasm_f32x4_mul(vzs, qv)));
    wasm_v128_store(a + at, wasm_f32x4_add(wasm_f32x4_mul(vd, av), wasm_f32x4_mul(vas, qv)));
  };
  for (; k + 8 <= n; k += 8) {
    step(k);
    step(k + 4);
  }
  for (; k + 4 <= n; k += 4) step(k);
#endif
  for (; k < n; ++k) {
    const float pk = p[k];
    const float qk = q[k];
    const float zk = z[k];
    p[k] = pk + lr_p * (err * qk - reg_p * pk);
    q[k] = qk + lr_q * (err * (pk + zk) - reg_q * qk);
    z[k] = decay * zk + z_step * qk;
    a[k] = decay * a[k] + a_step * qk;
  }
}

// sum over k of q[k] * (p[k] + z[k]): SVD++'s q_i . (p_u + implicit feedback), summed in dot's order.
inline float dot_offset(const float* q, const float* p, const float* z, int n) {
  int k = 0;
#ifdef __wasm_simd128__
  v128_t low = wasm_f32x4_splat(0.0f);
  v128_t high = wasm_f32x4_splat(0.0f);
  for (; k + 8 <= n; k += 8) {
    const v128_t w0 = wasm_f32x4_add(wasm_v128_load(p + k), wasm_v128_load(z + k));
    const v128_t w1 = wasm_f32x4_add(wasm_v128_load(p + k + 4), wasm_v128_load(z + k + 4));
    low = wasm_f32x4_add(low, wasm_f32x4_mul(wasm_v128_load(q + k), w0));
    high = wasm_f32x4_add(high, wasm_f32x4_mul(wasm_v128_load(q + k + 4), w1));
  }
  if (k + 4 <= n) {
    const v128_t w0 = wasm_f32x4_add(wasm_v128_load(p + k), wasm_v128_load(z + k));
    low = wasm_f32x4_add(low, wasm_f32x4_mul(wasm_v128_load(q + k), w0));
    k += 4;
  }
  const v128_t folded = wasm_f32x4_add(low, high);
  float sum = (wasm_f32x4_extract_lane(folded, 0) + wasm_f32x4_extract_lane(folded, 1)) +
              (wasm_f32x4_extract_lane(folded, 2) + wasm_f32x4_extract_lane(folded, 3));
#else
  float partial[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
  for (; k + 8 <= n; k += 8)
    for (int j = 0; j < 8; ++j) partial[j] += q[k + j] * (p[k + j] + z[k + j]);
  if (k + 4 <= n) {
    for (int j = 0; j < 4; ++j) partial[j] += q[k + j] * (p[k + j] + z[k + j]);
    k += 4;
  }
  float folded[4];
  for (int j = 0; j < 4; ++j) folded[j] = partial[j] + partial[j + 4];
  float sum = (folded[0] + folded[1]) + (folded[2] + folded[3]);
#endif
  for (; k < n; ++k) sum += q[k] * (p[k] + z[k]);
  return sum;
}

}  // namespace kernels
}  // namespace cofi
