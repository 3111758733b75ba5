// A ceiling on the memory cofi may use, checked before the large allocations (a data set's
// sparse stores, a model's parameter arrays). Input that cannot fit is then refused up front with
// a message saying what it needs and what there is, instead of failing halfway with
// std::bad_alloc, or in WebAssembly growing the heap to its maximum first. Natively there is no
// ceiling unless a program sets one; the WebAssembly bindings set the module's maximum memory.
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

namespace cofi {

// What require_memory throws (the JS API turns it into a MemoryError).
class MemoryLimitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MemoryLimit {
  uint64_t max_bytes = 0;                // the most memory the process may hold; 0: no ceiling
  std::function<uint64_t()> used_bytes;  // what it holds now (empty: taken as 0)
};

// Replaces the process-wide ceiling. Not thread-safe: set it once at start-up (the WASM bindings
// do) or between fits. The checks below read it without a lock; they run on the thread that
// starts a fit or reads data, before any parallel_for (util/parallel.h), never inside one: rows
// solved in parallel allocate only small per-chunk scratch, which the estimates leave out.
void set_memory_limit(MemoryLimit limit);
const MemoryLimit& memory_limit();

// Bytes that may still be allocated under the ceiling (the maximum when there is none).
uint64_t free_memory_bytes();

// Throws MemoryLimitError when `needed` more bytes do not fit under the ceiling:
// "<who>: needs about 5.1 GB of memory for <what>; cofi can use at most 4.0 GB (2.3 GB free)".
void require_memory(uint64_t needed, const std::string& who, const std::string& what);

// "812 bytes", "1.5 KB", "20.0 MB", "4.0 GB" (binary multiples, one decimal).
std::string format_bytes(uint64_t bytes);

// Arithmetic for estimates that saturates instead of wrapping, so a hostile count cannot turn a
// huge estimate into a small one.
inline uint64_t add_saturating(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max() : a + b;
}
inline uint64_t mul_saturating(uint64_t a, uint64_t b) {
  return b != 0 && a > std::numeric_limits<uint64_t>::max() / b ? std::numeric_limits<uint64_t>::max() : a * b;
}

// Bytes of a rows x columns float32 array.
inline uint64_t float_array_bytes(uint64_t rows, uint64_t columns) {
  return mul_saturating(mul_saturating(rows, columns), sizeof(float));
}

}  // namespace cofi
