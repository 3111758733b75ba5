// Nanoseconds per call of the vector kernels (src/kernels/vector_ops.h) against plain scalar loops
// doing the same arithmetic, for vector lengths 20, 64 and 100 (svdpp's and svd's factor counts):
// dot, axpy, sgd_update, and update+dot (sgd_update_dot, svd's inner step: the update, then the
// next rating's dot product with the updated p).
// One program, built twice:
//
//   g++ -O3 -std=c++17 -Isrc bench/kernels.cpp -o build/kernels-bench/kernels-native
//   NODE_PATH=/usr/share/nodejs em++ -O3 -msimd128 -std=c++17 -Isrc bench/kernels.cpp -sENVIRONMENT=node
//       -sSINGLE_FILE=1 -o build/kernels-bench/kernels-wasm.cjs
//   build/kernels-bench/kernels-native --json;  node build/kernels-bench/kernels-wasm.cjs --json
//
// `node bench/kernels.mjs` does all of that and prints one table: native and WASM side by side with
// the plain/kernel ratios. Without --json this program prints its own table.
//
// Each measurement cycles through 512 vector pairs laid out contiguously like factor rows (small
// enough to stay in cache, as the factor rows mostly do during training), calls the function
// enough times to take about 10 ms, and keeps the best of 9 such runs; the whole table is measured
// 5 times over and each cell keeps its fastest round (the machine may be shared). The "plain" loops
// are what one would write without the kernels; the compiler is free to vectorise them (it does so
// for the elementwise ones, but cannot for a single-accumulator float sum without -ffast-math).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/vector_ops.h"
#include "util/rng.h"

namespace {

float plain_dot(const float* a, const float* b, int n) {
  float sum = 0.0f;
  for (int k = 0; k < n; ++k) sum += a[k] * b[k];
  return sum;
}

void plain_axpy(float alpha, const float* x, float* y, int n) {
  for (int k = 0; k < n; ++k) y[k] += alpha * x[k];
}

void plain_sgd_update(float* p, float* q, int n, float err, float lr_p, float reg_p, float lr_q, float reg_q) {
  for (int k = 0; k < n; ++k) {
    const float pk = p[k];
    const float qk = q[k];
    p[k] = pk + lr_p * (err * qk - reg_p * pk);
    q[k] = qk + lr_q * (err * pk - reg_q * qk);
  }
}

constexpr int kPairs = 512;

struct Pool {
  int n;
  std::vector<float> a, b;
  explicit Pool(int length) : n(length), a(static_cast<size_t>(kPairs) * length), b(a.size()) {
    cofi::Rng rng(42);
    for (auto& x : a) x = static_cast<float>(0.1 * rng.normal());
    for (auto& x : b) x = static_cast<float>(0.1 * rng.normal());
  }
  float* row_a(int r) { return a.data() + static_cast<size_t>(r) * n; }
  float* row_b(int r) { return b.data() + static_cast<size_t>(r) * n; }
};

volatile float g_sink;

// The timed loop, kept out of line: V8 runs a WebAssembly function in its baseline compiler
// (Liftoff) until the function is called again after getting hot, and it cannot switch a running
// call over to optimised code, so the loop must be a function that is entered many times.
template <typename Body>
__attribute__((noinline)) void run_calls(Pool& pool, Body& body, long calls) {
  for (long c = 0; c < calls; ++c) body(pool, static_cast<int>(c % kPairs));
}

// Best-of-9 nanoseconds per call of body(pool, row), after a warm-up long enough for V8 to have
// optimised run_calls.
template <typename Body>
double time_per_call(Pool& pool, Body body) {
  using clock = std::chrono::steady_clock;
  long calls = 1024;  // grown until one run takes about 10 ms
  for (;;) {
    const auto t0 = clock::now();
    run_calls(pool, body, calls);
    const double s = std::chrono::duration<double>(clock::now() - t0).count();
    if (s > 0.01 || calls > (1L << 30)) break;
    calls *= 2;
  }
  for (int warm = 0; warm < 3; ++warm) run_calls(pool, body, calls);
  double best = 1e300;
  for (int run = 0; run < 9; ++run) {
    const auto t0 = clock::now();
    run_calls(pool, body, calls);
    best = std::min(best, std::chrono::duration<double>(clock::now() - t0).count());
  }
  return best * 1e9 / static_cast<double>(calls);
}

// A hash of the bits of every kernel's results on fixed inputs of every length 0..130: equal
// between the native and the WASM build exactly when the two give bit-identical numbers.
uint64_t results_checksum() {
  uint64_t hash = 1469598103934665603ULL;  // FNV-1a
  auto mix = [&](float x) {
    uint32_t b;
    std::memcpy(&b, &x, 4);
    for (int byte = 0; byte < 4; ++byte) hash = (hash ^ ((b >> (8 * byte)) & 0xFF)) * 1099511628211ULL;
  };
  cofi::Rng rng(7);
  for (int n = 0; n <= 130; ++n) {
    std::vector<float> v[5];
    for (auto& x : v) {
      x.resize(static_cast<size_t>(n));
      for (auto& e : x) e = static_cast<float>(rng.normal());
    }
    mix(cofi::kernels::dot(v[0].data(), v[1].data(), n));
    mix(cofi::kernels::dot_offset(v[0].data(), v[1].data(), v[2].data(), n));
    cofi::kernels::axpy(0.3f, v[0].data(), v[1].data(), n);
    cofi::kernels::scale_add(0.9f, v[2].data(), -0.2f, v[0].data(), n);
    cofi::kernels::sgd_update(v[0].data(), v[1].data(), n, 0.7f, 0.005f, 0.02f, 0.006f, 0.03f);
    mix(cofi::kernels::sgd_update_dot(v[0].data(), v[1].data(), v[2].data(), n, -0.4f, 0.005f, 0.02f, 0.006f, 0.03f));
    cofi::kernels::svdpp_update(v[0].data(), v[1].data(), v[2].data(), v[3].data(), n, 0.9f, 0.007f, 0.02f, 0.007f,
                                0.02f, 0.9998f, 0.0063f, 0.0007f);
    for (const auto& x : v)
      for (float e : x) mix(e);
  }
  return hash;
}

struct Row {
  const char* kernel;
  int n;
  double plain_ns, kernel_ns;
};

// One round: every kernel and length once.
std::vector<Row> measure_round() {
  // Read the lengths through a volatile so that the compiler cannot specialise the loops for them
  // (in the models the factor count is a run-time parameter too).
  volatile int lengths[3] = {20, 64, 100};
  // SGD constants of the kind the models use; small enough that repeated updates neither blow up
  // nor decay into denormals during a run.
  const float err = 0.01f, lr = 0.005f, reg = 0.02f;
  std::vector<Row> rows;
  for (int li = 0; li < 3; ++li) {
    const int n = lengths[li];
    Pool pool(n);
    float acc = 0.0f;
    const double dot_plain =
        time_per_call(pool, [&](Pool& p, int r) { acc += plain_dot(p.row_a(r), p.row_b(r), p.n); });
    const double dot_kernel =
        time_per_call(pool, [&](Pool& p, int r) { acc += cofi::kernels::dot(p.row_a(r), p.row_b(r), p.n); });
    g_sink = acc;
    rows.push_back({"dot", n, dot_plain, dot_kernel});
    const double axpy_plain =
        time_per_call(pool, [&](Pool& p, int r) { plain_axpy(1e-4f, p.row_a(r), p.row_b(r), p.n); });
    const double axpy_kernel =
        time_per_call(pool, [&](Pool& p, int r) { cofi::kernels::axpy(-1e-4f, p.row_a(r), p.row_b(r), p.n); });
    rows.push_back({"axpy", n, axpy_plain, axpy_kernel});
    const double sgd_plain = time_per_call(
        pool, [&](Pool& p, int r) { plain_sgd_update(p.row_a(r), p.row_b(r), p.n, err, lr, reg, lr, reg); });
    const double sgd_kernel = time_per_call(
        pool, [&](Pool& p, int r) { cofi::kernels::sgd_update(p.row_a(r), p.row_b(r), p.n, err, lr, reg, lr, reg); });
    rows.push_back({"sgd_update", n, sgd_plain, sgd_kernel});
    // svd's inner step: the update, then the next rating's dot product with the updated p.
    const double step_plain = time_per_call(pool, [&](Pool& p, int r) {
      plain_sgd_update(p.row_a(r), p.row_b(r), p.n, err, lr, reg, lr, reg);
      acc += plain_dot(p.row_b((r + 1) % kPairs), p.row_a(r), p.n);
    });
    const double step_kernel = time_per_call(pool, [&](Pool& p, int r) {
      acc +=
          cofi::kernels::sgd_update_dot(p.row_a(r), p.row_b(r), p.row_b((r + 1) % kPairs), p.n, err, lr, reg, lr, reg);
    });
    g_sink = acc;
    rows.push_back({"update+dot", n, step_plain, step_kernel});
    g_sink = pool.a[0] + pool.b[0];
  }
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  const bool json = argc > 1 && std::strcmp(argv[1], "--json") == 0;
  // The machine may be shared: several rounds spread over time, keeping each cell's fastest.
  constexpr int kRounds = 5;
  std::vector<Row> rows = measure_round();
  for (int round = 1; round < kRounds; ++round) {
    const std::vector<Row> again = measure_round();
    for (size_t r = 0; r < rows.size(); ++r) {
      rows[r].plain_ns = std::min(rows[r].plain_ns, again[r].plain_ns);
      rows[r].kernel_ns = std::min(rows[r].kernel_ns, again[r].kernel_ns);
    }
  }
#ifdef __wasm_simd128__
  const char* target = "wasm-simd128";
#else
  const char* target = "native";
#endif
  if (json) {
    std::printf("{\"target\":\"%s\",\"checksum\":\"%016llx\",\"rows\":[", target,
                static_cast<unsigned long long>(results_checksum()));
    for (size_t r = 0; r < rows.size(); ++r)
      std::printf("%s{\"kernel\":\"%s\",\"n\":%d,\"plain_ns\":%.3f,\"kernel_ns\":%.3f}", r ? "," : "", rows[r].kernel,
                  rows[r].n, rows[r].plain_ns, rows[r].kernel_ns);
    std::printf("]}\n");
  } else {
    std::printf("%s (results checksum %016llx)\n", target, static_cast<unsigned long long>(results_checksum()));
    std::printf("%-11s %4s %10s %10s %7s\n", "kernel", "n", "plain ns", "kernel ns", "ratio");
    for (const Row& r : rows)
      std::printf("%-11s %4d %10.2f %10.2f %7.2f\n", r.kernel, r.n, r.plain_ns, r.kernel_ns, r.plain_ns / r.kernel_ns);
  }
  return 0;
}
