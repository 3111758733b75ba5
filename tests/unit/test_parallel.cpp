// util/parallel.h: parallel_for covers a range exactly once, runs inline with one thread and
// passes a worker's exception to the caller; and the models that use it (als, ials, item and
// user kNN) fit bit-identical models whatever the thread count.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "io/model_file.h"
#include "models/model.h"
#include "support.h"
#include "util/parallel.h"
#include "util/rng.h"

using namespace cofi;

namespace {

// Counts how often each index of [begin, end) was visited, and which threads ran bodies.
struct Visits {
  explicit Visits(int64_t begin, int64_t end) : begin(begin), counts(static_cast<size_t>(end - begin)) {}
  int64_t begin;
  std::vector<std::atomic<int>> counts;
  std::mutex mutex;
  std::set<std::thread::id> threads;
  int calls = 0;

  void run(int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) counts[static_cast<size_t>(i - begin)].fetch_add(1);
    std::lock_guard<std::mutex> lock(mutex);
    threads.insert(std::this_thread::get_id());
    ++calls;
  }
  bool each_once() const {
    for (const auto& c : counts)
      if (c.load() != 1) return false;
    return true;
  }
};

}  // namespace

TEST_CASE("parallel_for visits every index exactly once at 1, 2, 3, 4 and 8 threads", "[parallel]") {
  for (int threads : {1, 2, 3, 4, 8}) {
    ScopedThreadCount scope(threads);
    for (int64_t n : {0, 1, 2, 5, 64, 1001}) {
      INFO("threads " << threads << ", n " << n);
      Visits v(10, 10 + n);
      parallel_for(10, 10 + n, [&](int64_t lo, int64_t hi) {
        REQUIRE(lo < hi);
        v.run(lo, hi);
      });
      CHECK(v.each_once());
      if (n == 0) CHECK(v.calls == 0);
    }
  }
}

TEST_CASE("parallel_for runs inline as one call with one thread", "[parallel]") {
  ScopedThreadCount scope(1);
  Visits v(0, 500);
  parallel_for(0, 500, [&](int64_t lo, int64_t hi) {
    CHECK(lo == 0);
    CHECK(hi == 500);
    v.run(lo, hi);
  });
  CHECK(v.calls == 1);
  REQUIRE(v.threads.size() == 1);
  CHECK(*v.threads.begin() == std::this_thread::get_id());
  CHECK(v.each_once());
}

TEST_CASE("parallel_for splits the range over several threads", "[parallel]") {
  ScopedThreadCount scope(4);
  Visits v(0, 4000);
  // Bodies that take a moment, so that every helper has started before the range is used up.
  parallel_for(0, 4000, [&](int64_t lo, int64_t hi) {
    v.run(lo, hi);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  });
  CHECK(v.each_once());
  CHECK(v.calls > 4);  // chunks, not one share per thread
  CHECK(v.threads.size() > 1);
  CHECK(v.threads.size() <= 4);
}

TEST_CASE("parallel_for rethrows a worker's exception on the calling thread", "[parallel]") {
  for (int threads : {1, 2, 4}) {
    INFO("threads " << threads);
    ScopedThreadCount scope(threads);
    std::atomic<int> after{0};
    // Index 700 throws, whichever thread holds it; the error arrives here with its message.
    CHECK_THROWS_WITH(parallel_for(0, 1000,
                                   [&](int64_t lo, int64_t hi) {
                                     for (int64_t i = lo; i < hi; ++i)
                                       if (i == 700) throw std::runtime_error("row 700 failed");
                                     after.fetch_add(1);
                                   }),
                      "row 700 failed");
    // The pool is usable afterwards.
    Visits v(0, 100);
    parallel_for(0, 100, [&](int64_t lo, int64_t hi) { v.run(lo, hi); });
    CHECK(v.each_once());
  }
}

TEST_CASE("a parallel_for inside a parallel_for body runs inline on that body's thread", "[parallel]") {
  ScopedThreadCount scope(4);
  std::vector<std::atomic<int>> counts(64 * 50);
  std::atomic<int> nested_calls{0};
  std::atomic<bool> inline_everywhere{true};
  parallel_for(0, 64, [&](int64_t lo, int64_t hi) {
    for (int64_t outer = lo; outer < hi; ++outer) {
      const auto me = std::this_thread::get_id();
      parallel_for(0, 50, [&](int64_t inner_lo, int64_t inner_hi) {
        nested_calls.fetch_add(1);
        if (inner_lo != 0 || inner_hi != 50 || std::this_thread::get_id() != me) inline_everywhere = false;
        for (int64_t inner = inner_lo; inner < inner_hi; ++inner) counts[static_cast<size_t>(outer * 50 + inner)].fetch_add(1);
      });
    }
  });
  CHECK(nested_calls.load() == 64);
  CHECK(inline_everywhere.load());
  for (const auto& c : counts) REQUIRE(c.load() == 1);
}

TEST_CASE("set_thread_count refuses counts outside 1 to kMaxThreads and keeps the old one", "[parallel]") {
  ScopedThreadCount scope(3);
  CHECK_THROWS_AS(set_thread_count(0), std::invalid_argument);
  CHECK_THROWS_WITH(set_thread_count(-2), Catch::Contains("between 1 and 256"));
  CHECK_THROWS_AS(set_thread_count(kMaxThreads + 1), std::invalid_argument);
  CHECK(thread_count() == 3);
  set_thread_count(kMaxThreads);
  CHECK(thread_count() == kMaxThreads);
}

TEST_CASE("ScopedThreadCount restores the previous count", "[parallel]") {
  const int before = thread_count();
  {
    ScopedThreadCount scope(5);
    CHECK(thread_count() == 5);
  }
  CHECK(thread_count() == before);
}

namespace {

// Random ratings with uneven rows: a few popular items and heavy users, so that chunks differ in
// cost and in how many rows they hold. Every user and item has at least one rating.
std::string random_ratings(int users, int items, uint64_t seed) {
  Rng rng(seed);
  std::string csv = "user,item,rating\n";
  for (int u = 0; u < users; ++u) {
    const int n = 2 + static_cast<int>(rng.uniform() * (u % 10 == 0 ? items / 2 : 12));
    std::set<int> seen;
    for (int k = 0; k < n; ++k) {
      // Squared uniform: low item numbers are rated far more often.
      const double r = rng.uniform();
      const int i = static_cast<int>(r * r * items);
      if (!seen.insert(i).second) continue;
      csv += "u" + std::to_string(u) + ",i" + std::to_string(i) + "," + std::to_string(1 + (u * 7 + i * 3) % 5) + "\n";
    }
  }
  for (int i = 0; i < items; ++i) csv += "u" + std::to_string(i % users) + "x,i" + std::to_string(i) + ",4\n";
  return csv;
}

// The saved model file (parameters, seed, training data and every learned number) fitted at
// `threads` threads, its predictions of every pair and its ranking scores for one user.
struct Fitted {
  std::string bytes;
  std::vector<float> scores;
};

Fitted fit_with(const std::string& algorithm, const std::map<std::string, std::string>& params,
                const std::shared_ptr<const Dataset>& data, int threads) {
  ScopedThreadCount scope(threads);
  auto model = make_model(algorithm, Params(params));
  model->fit(data, 11);
  Fitted f;
  f.bytes = save_model(*model);
  // Every user's prediction of every item: kNN saves no state (its similarities are rebuilt on
  // load), so for it these are what show the similarities are the same.
  for (int32_t u = 0; u < data->num_users(); ++u)
    for (int32_t i = 0; i < data->num_items(); ++i) f.scores.push_back(model->predict(u, i).raw);
  Profile p;
  p.user = 3;
  for (float s : test::scores_of(*model, p)) f.scores.push_back(s);
  return f;
}

void check_identical(const std::string& algorithm, const std::map<std::string, std::string>& params) {
  const auto data = test::load(random_ratings(300, 120, 5));
  const Fitted one = fit_with(algorithm, params, data, 1);
  REQUIRE(one.bytes.size() > 1000);
  REQUIRE(one.scores.size() > 30000);
  for (int threads : {2, 4}) {
    INFO(algorithm << " at " << threads << " threads");
    const Fitted many = fit_with(algorithm, params, data, threads);
    CHECK(many.bytes == one.bytes);
    // NaN != NaN, so compare the bits.
    REQUIRE(many.scores.size() == one.scores.size());
    CHECK(std::memcmp(many.scores.data(), one.scores.data(), one.scores.size() * sizeof(float)) == 0);
  }
}

}  // namespace

TEST_CASE("als fits the same model at 1, 2 and 4 threads", "[parallel]") {
  check_identical("als", {{"factors", "8"}, {"epochs", "4"}});
}

TEST_CASE("ials fits the same model at 1, 2 and 4 threads (conjugate gradient and exact)", "[parallel]") {
  check_identical("ials", {{"factors", "8"}, {"epochs", "4"}});
  check_identical("ials", {{"factors", "6"}, {"epochs", "3"}, {"cg_steps", "0"}});
}

TEST_CASE("item kNN fits the same similarities at 1, 2 and 4 threads (dense and pruned)", "[parallel]") {
  check_identical("knn-basic", {{"user_based", "false"}, {"similarity", "cosine"}});
  check_identical("knn-baseline", {{"user_based", "false"}, {"similarity", "pearson_baseline"}});
  // max_dense_mb 0: every row keeps only its kept_neighbors best.
  check_identical("knn-means", {{"user_based", "false"}, {"similarity", "msd"}, {"max_dense_mb", "0"}, {"kept_neighbors", "10"}});
}

TEST_CASE("user kNN fits the same similarities at 1, 2 and 4 threads", "[parallel]") {
  check_identical("knn-zscore", {{"user_based", "true"}, {"similarity", "pearson"}});
}
