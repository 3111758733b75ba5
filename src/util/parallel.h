// Optional multi-threading for the per-row work of model fits (ALS and iALS row solves, the rows
// of a kNN similarity matrix).
//
// One process-wide thread count, 1 by default: with 1 nothing creates a thread, and cofi runs
// exactly as a single-threaded program. Natively any count works; in WebAssembly only the
// threaded build (-pthread, dist/cofi-core-threads.mjs) can run more than one, and its JS loader
// sets the count together with the size of the pthread pool (see js/index.js).
//
// Results do not depend on the thread count, bit for bit: parallel_for is only used where each
// index (row) reads shared inputs and writes only its own outputs, so the arithmetic of every row
// is the same whichever thread runs it. Sums over rows (a loss) stay serial, or are kept per row
// and added in row order afterwards.
#pragma once
#include <cstdint>
#include <memory>
#include <type_traits>

namespace cofi {

// The most threads set_thread_count accepts (far above any machine cofi runs on; a bound so that
// a mistyped count cannot try to start millions of threads).
constexpr int kMaxThreads = 256;

// The number of threads parallel_for uses (the calling thread included). Default 1.
int thread_count();

// Sets the thread count for the whole process. Throws std::invalid_argument outside
// 1..kMaxThreads. Not to be called while a parallel_for runs (set it between fits).
void set_thread_count(int threads);

// Calls body(lo, hi) on disjoint, contiguous sub-ranges [lo, hi) that together cover [begin, end)
// exactly once. With one thread (or fewer than two indices) that is a single inline call
// body(begin, end), with no thread started. Otherwise the calling thread and up to
// thread_count() - 1 new threads take chunks of the range in turn until it is used up (chunks
// rather than one equal share each, because rows differ in cost: a popular item has thousands of
// ratings), so a body must not depend on which chunk or thread it gets. Scratch space belongs
// inside the body (one per call), never shared between calls.
//
// If a body throws, the remaining chunks are skipped, every thread is joined, and the first
// exception is rethrown on the calling thread. A parallel_for reached from inside a body runs
// inline on that body's thread (no threads of threads).
template <typename Body>
void parallel_for(int64_t begin, int64_t end, Body&& body);

namespace detail {
// The body behind a plain function pointer rather than a std::function: the single-threaded
// WebAssembly core then carries no type-erasure code for it (its download size is budgeted).
// The range goes by reference: a function pointer type with 64-bit arguments would add a JS
// wrapper (a dynCall) to the Emscripten glue.
struct Range {
  int64_t lo, hi;
};
using RangeFunction = void (*)(const void* body, const Range& range);
void parallel_for(int64_t begin, int64_t end, RangeFunction call, const void* body);
}  // namespace detail

template <typename Body>
void parallel_for(int64_t begin, int64_t end, Body&& body) {
  using B = std::remove_reference_t<Body>;
  detail::parallel_for(
      begin, end,
      [](const void* b, const detail::Range& r) { (*static_cast<B*>(const_cast<void*>(b)))(r.lo, r.hi); },
      static_cast<const void*>(std::addressof(body)));
}

// Sets the thread count for one scope and restores the previous count when it ends (tests).
class ScopedThreadCount {
 public:
  explicit ScopedThreadCount(int threads) : previous_(thread_count()) { set_thread_count(threads); }
  ~ScopedThreadCount() { set_thread_count(previous_); }
  ScopedThreadCount(const ScopedThreadCount&) = delete;
  ScopedThreadCount& operator=(const ScopedThreadCount&) = delete;

 private:
  int previous_;
};

}  // namespace cofi
