// The vector kernels (src/kernels/vector_ops.h) against plain loops, on lengths that exercise every
// path: below 4, between the 4- and 8-element blocks, and odd tails. The elementwise kernels must
// match the plain formula bit for bit; dot must match its documented summation order bit for bit
// (that order is what makes native and WASM agree; bench/kernels.cpp checks the WASM side).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/vector_ops.h"
#include "util/rng.h"

namespace kernels = cofi::kernels;

namespace {

const std::vector<int> kLengths = {0, 1, 2, 3, 4, 5, 7, 8, 9, 11, 12, 13, 15, 17, 20, 31, 33, 63, 64, 65, 99, 100, 101};

std::vector<float> random_vector(cofi::Rng& rng, int n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = static_cast<float>(rng.normal());
  return v;
}

uint32_t bits(float x) {
  uint32_t b;
  std::memcpy(&b, &x, 4);
  return b;
}

// dot's documented order, written out independently: 8 partial sums over the 8-blocks, one more
// 4-block into sums 0..3, fold s_j + s_{j+4}, then (t0 + t1) + (t2 + t3), then the tail in order.
float documented_dot(const std::vector<float>& a, const std::vector<float>& b) {
  const int n = static_cast<int>(a.size());
  float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const int blocks8 = n / 8;
  for (int blk = 0; blk < blocks8; ++blk)
    for (int j = 0; j < 8; ++j) s[j] = s[j] + a[static_cast<size_t>(8 * blk + j)] * b[static_cast<size_t>(8 * blk + j)];
  int done = 8 * blocks8;
  if (n - done >= 4) {
    for (int j = 0; j < 4; ++j) s[j] = s[j] + a[static_cast<size_t>(done + j)] * b[static_cast<size_t>(done + j)];
    done += 4;
  }
  const float t0 = s[0] + s[4], t1 = s[1] + s[5], t2 = s[2] + s[6], t3 = s[3] + s[7];
  float sum = (t0 + t1) + (t2 + t3);
  for (int k = done; k < n; ++k) sum = sum + a[static_cast<size_t>(k)] * b[static_cast<size_t>(k)];
  return sum;
}

}  // namespace

TEST_CASE("dot equals a plain loop up to rounding, and its documented order exactly", "[kernels]") {
  cofi::Rng rng(11);
  for (int n : kLengths) {
    INFO("n = " << n);
    const auto a = random_vector(rng, n);
    const auto b = random_vector(rng, n);
    double exact = 0.0, magnitude = 0.0;
    for (int k = 0; k < n; ++k) {
      exact += static_cast<double>(a[static_cast<size_t>(k)]) * b[static_cast<size_t>(k)];
      magnitude += std::fabs(static_cast<double>(a[static_cast<size_t>(k)]) * b[static_cast<size_t>(k)]);
    }
    const float got = kernels::dot(a.data(), b.data(), n);
    CHECK(std::fabs(got - exact) <= 1e-6 * magnitude + 1e-30);
    CHECK(bits(got) == bits(documented_dot(a, b)));
  }
}

TEST_CASE("dot of a hand example", "[kernels]") {
  // 9 elements: one 8-block and a tail of 1; every product an exact small integer.
  const std::vector<float> a = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<float> b = {1, 1, 1, 1, 2, 2, 2, 2, -3};
  CHECK(kernels::dot(a.data(), b.data(), 9) == 1 + 2 + 3 + 4 + 10 + 12 + 14 + 16 - 27);
  CHECK(kernels::dot(a.data(), b.data(), 0) == 0.0f);
}

TEST_CASE("axpy and scale_add equal their plain formulas bit for bit", "[kernels]") {
  cofi::Rng rng(12);
  for (int n : kLengths) {
    INFO("n = " << n);
    const auto x = random_vector(rng, n);
    const auto y0 = random_vector(rng, n);
    auto y = y0;
    kernels::axpy(0.37f, x.data(), y.data(), n);
    auto z = y0;
    kernels::scale_add(0.93f, z.data(), -1.7f, x.data(), n);
    for (int k = 0; k < n; ++k) {
      const size_t i = static_cast<size_t>(k);
      CHECK(bits(y[i]) == bits(y0[i] + 0.37f * x[i]));
      CHECK(bits(z[i]) == bits(0.93f * y0[i] + -1.7f * x[i]));
    }
  }
}

TEST_CASE("sgd_update uses the old p in q's update, elementwise exactly", "[kernels]") {
  cofi::Rng rng(13);
  const float err = 0.8f, lr_p = 0.01f, reg_p = 0.05f, lr_q = 0.02f, reg_q = 0.03f;
  for (int n : kLengths) {
    INFO("n = " << n);
    const auto p0 = random_vector(rng, n);
    const auto q0 = random_vector(rng, n);
    auto p = p0, q = q0;
    kernels::sgd_update(p.data(), q.data(), n, err, lr_p, reg_p, lr_q, reg_q);
    for (int k = 0; k < n; ++k) {
      const size_t i = static_cast<size_t>(k);
      CHECK(bits(p[i]) == bits(p0[i] + lr_p * (err * q0[i] - reg_p * p0[i])));
      CHECK(bits(q[i]) == bits(q0[i] + lr_q * (err * p0[i] - reg_q * q0[i])));
    }
  }
  // By hand: p = 1, q = 2, err = 1, lr = 0.5, reg = 0.25:
  //   p' = 1 + 0.5 (1*2 - 0.25*1) = 1.875;  q' = 2 + 0.5 (1*1 - 0.25*2) = 2.25 (the old p = 1).
  float p = 1.0f, q = 2.0f;
  kernels::sgd_update(&p, &q, 1, 1.0f, 0.5f, 0.25f, 0.5f, 0.25f);
  CHECK(p == 1.875f);
  CHECK(q == 2.25f);
}

TEST_CASE("sgd_update_dot is sgd_update followed by dot with the next item", "[kernels]") {
  cofi::Rng rng(14);
  for (int n : kLengths) {
    INFO("n = " << n);
    const auto p0 = random_vector(rng, n);
    const auto q0 = random_vector(rng, n);
    const auto next = random_vector(rng, n);
    auto p1 = p0, q1 = q0, p2 = p0, q2 = q0;
    kernels::sgd_update(p1.data(), q1.data(), n, -0.6f, 0.005f, 0.02f, 0.007f, 0.03f);
    const float expected = kernels::dot(next.data(), p1.data(), n);
    const float got =
        kernels::sgd_update_dot(p2.data(), q2.data(), next.data(), n, -0.6f, 0.005f, 0.02f, 0.007f, 0.03f);
    CHECK(bits(got) == bits(expected));
    for (int k = 0; k < n; ++k) {
      CHECK(bits(p2[static_cast<size_t>(k)]) == bits(p1[static_cast<size_t>(k)]));
      CHECK(bits(q2[static_cast<size_t>(k)]) == bits(q1[static_cast<size_t>(k)]));
    }
  }
}

TEST_CASE("svdpp_update and dot_offset equal their plain formulas", "[kernels]") {
  cofi::Rng rng(15);
  const float err = 1.3f, lr_p = 0.007f, reg_p = 0.02f, lr_q = 0.006f, reg_q = 0.03f;
  const float decay = 0.99f, z_step = 0.004f, a_step = 0.001f;
  for (int n : kLengths) {
    INFO("n = " << n);
    const auto p0 = random_vector(rng, n), q0 = random_vector(rng, n), z0 = random_vector(rng, n),
               a0 = random_vector(rng, n);
    // dot_offset: q . (p + z) in dot's order.
    std::vector<float> w(static_cast<size_t>(n));
    for (size_t i = 0; i < w.size(); ++i) w[i] = p0[i] + z0[i];
    CHECK(bits(kernels::dot_offset(q0.data(), p0.data(), z0.data(), n)) == bits(documented_dot(q0, w)));

    auto p = p0, q = q0, z = z0, a = a0;
    kernels::svdpp_update(p.data(), q.data(), z.data(), a.data(), n, err, lr_p, reg_p, lr_q, reg_q, decay, z_step,
                          a_step);
    for (size_t i = 0; i < p.size(); ++i) {
      CHECK(bits(p[i]) == bits(p0[i] + lr_p * (err * q0[i] - reg_p * p0[i])));
      CHECK(bits(q[i]) == bits(q0[i] + lr_q * (err * (p0[i] + z0[i]) - reg_q * q0[i])));
      CHECK(bits(z[i]) == bits(decay * z0[i] + z_step * q0[i]));
      CHECK(bits(a[i]) == bits(decay * a0[i] + a_step * q0[i]));
    }
  }
}

TEST_CASE("kernels leave memory outside the first n elements alone", "[kernels]") {
  // Guards against a vector body running past the end: 13 elements inside 16-element buffers.
  std::vector<float> p(16, 1.0f), q(16, 2.0f), next(16, 3.0f);
  kernels::sgd_update(p.data(), q.data(), 13, 1.0f, 0.5f, 0.0f, 0.5f, 0.0f);
  kernels::sgd_update_dot(p.data(), q.data(), next.data(), 13, 1.0f, 0.5f, 0.0f, 0.5f, 0.0f);
  kernels::axpy(1.0f, next.data(), p.data(), 13);
  for (size_t i = 13; i < 16; ++i) {
    CHECK(p[i] == 1.0f);
    CHECK(q[i] == 2.0f);
  }
}
