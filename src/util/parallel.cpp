#include "util/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

// COFI_SINGLE_THREADED (the default WebAssembly module, built without -pthread): the count stays 1
// and parallel_for only ever runs inline, so none of the thread code below is linked in.

namespace cofi {

namespace {

// Atomic although it is only written between fits: a relaxed load costs nothing, and a stray
// read from a worker thread can then never be a data race.
std::atomic<int> g_threads{1};

#ifndef COFI_SINGLE_THREADED
// Chunks per thread: enough for uneven rows to even out, few enough that taking a chunk (one
// atomic add) costs nothing next to solving its rows.
constexpr int64_t kChunksPerThread = 8;

// True on a thread while it runs chunks of a parallel_for: a parallel_for reached from inside a
// body then runs inline instead of starting threads of its own (in WebAssembly those would need
// Workers beyond the pool, and wait for them forever).
thread_local bool t_in_parallel_region = false;

// Sets the flag for one scope on the current thread.
struct InParallelRegion {
  bool previous = t_in_parallel_region;
  InParallelRegion() { t_in_parallel_region = true; }
  ~InParallelRegion() { t_in_parallel_region = previous; }
};
#endif

}  // namespace

int thread_count() { return g_threads.load(std::memory_order_relaxed); }

void set_thread_count(int threads) {
  if (threads < 1 || threads > kMaxThreads)
    throw std::invalid_argument("thread count must be between 1 and " + std::to_string(kMaxThreads) + ", got " +
                                std::to_string(threads));
#ifdef COFI_SINGLE_THREADED
  if (threads != 1) throw std::invalid_argument("this cofi build is single-threaded: the thread count must be 1");
#endif
  g_threads.store(threads, std::memory_order_relaxed);
}

namespace detail {

void parallel_for(int64_t begin, int64_t end, RangeFunction call, const void* context) {
  const auto body = [call, context](int64_t lo, int64_t hi) { call(context, Range{lo, hi}); };
  if (end <= begin) return;
#ifdef COFI_SINGLE_THREADED
  body(begin, end);
#else
  const int64_t n = end - begin;
  const int threads = static_cast<int>(std::min<int64_t>(thread_count(), n));
  if (threads <= 1 || t_in_parallel_region) {
    body(begin, end);
    return;
  }

  const int64_t chunk = std::max<int64_t>(1, (n + threads * kChunksPerThread - 1) / (threads * kChunksPerThread));
  std::atomic<int64_t> next{begin};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;

  auto work = [&]() noexcept {
    const InParallelRegion region;
    try {
      while (!failed.load(std::memory_order_relaxed)) {
        const int64_t lo = next.fetch_add(chunk, std::memory_order_relaxed);
        if (lo >= end) break;
        body(lo, std::min(end, lo + chunk));
      }
    } catch (...) {
      // Keep the first error; the others stop at their next chunk.
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!first_error) first_error = std::current_exception();
      failed.store(true, std::memory_order_relaxed);
    }
  };

  std::vector<std::thread> helpers;
  helpers.reserve(static_cast<size_t>(threads - 1));
  try {
    for (int t = 1; t < threads; ++t) helpers.emplace_back(work);
  } catch (...) {
    // A thread could not be started (std::system_error): stop the ones that did, then report it.
    failed.store(true, std::memory_order_relaxed);
    for (std::thread& h : helpers) h.join();
    throw;
  }
  work();  // the calling thread takes chunks too
  for (std::thread& h : helpers) h.join();
  if (first_error) std::rethrow_exception(first_error);
#endif
}

}  // namespace detail

}  // namespace cofi
