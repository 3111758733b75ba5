// The memory ceiling (util/memory.h): data sets and models that cannot fit are refused before
// their large allocations, with a message saying what they need and what there is.
#include <catch2/catch.hpp>

#include <functional>
#include <limits>
#include <string>

#include "io/ratings_reader.h"
#include "models/model.h"
#include "support.h"
#include "util/memory.h"

using namespace cofi;

namespace {

// Sets a ceiling for one test and lifts it afterwards, whatever happens.
struct ScopedLimit {
  ScopedLimit(uint64_t max_bytes, uint64_t used) {
    MemoryLimit limit;
    limit.max_bytes = max_bytes;
    limit.used_bytes = [used] { return used; };
    set_memory_limit(limit);
  }
  ~ScopedLimit() { set_memory_limit(MemoryLimit{}); }
};

std::string ratings_csv(int rows) {
  std::string csv = "user,item,rating\n";
  for (int r = 0; r < rows; ++r)
    csv += "u" + std::to_string(r % 97) + ",i" + std::to_string(r % 89) + "," + std::to_string(1 + r % 5) + "\n";
  return csv;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const MemoryLimitError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("format_bytes and the saturating estimates", "[memory]") {
  CHECK(format_bytes(0) == "0 bytes");
  CHECK(format_bytes(1023) == "1023 bytes");
  CHECK(format_bytes(1536) == "1.5 KB");
  CHECK(format_bytes(20ull << 20) == "20.0 MB");
  CHECK(format_bytes(4ull << 30) == "4.0 GB");
  CHECK(format_bytes(5476083302ull) == "5.1 GB");
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  CHECK(mul_saturating(1ull << 40, 1ull << 40) == max);
  CHECK(add_saturating(max - 1, 2) == max);
  CHECK(mul_saturating(3, 4) == 12);
  // Counts no file could hold still give a huge estimate, never a wrapped small one.
  CHECK(dataset_build_bytes(1ull << 62, 1, 1) == max);
  CHECK(float_array_bytes(1ull << 62, 1ull << 10) == max);
  CHECK(dataset_build_bytes(1000, 10, 20) == 1000 * 28 + 30 * 120);
}

TEST_CASE("without a ceiling nothing is refused", "[memory]") {
  REQUIRE(memory_limit().max_bytes == 0);
  CHECK(free_memory_bytes() == std::numeric_limits<uint64_t>::max());
  CHECK_NOTHROW(require_memory(std::numeric_limits<uint64_t>::max(), "x", "y"));
  CHECK(read_ratings(ratings_csv(3000), "big.csv").data.num_ratings() > 0);
}

TEST_CASE("a ratings file too big for the ceiling is refused up front, saying what it needs", "[memory]") {
  const std::string csv = ratings_csv(5000);  // 5000 rows: the estimate at row 1024 already exceeds 64 KB
  ScopedLimit limit(64 * 1024, 0);
  const std::string message = error_of([&] { read_ratings(csv, "big.csv"); });
  INFO(message);
  CHECK(message.rfind("big.csv: needs about ", 0) == 0);
  CHECK(message.find(" of memory for about ") != std::string::npos);
  CHECK(message.find(" ratings; cofi can use at most 64.0 KB (64.0 KB free)") != std::string::npos);
  // The estimate is of the right size: the whole file's ratings, not the 1024 read so far.
  const size_t about = message.find("for about ") + 10;
  const uint64_t estimated = std::stoull(message.substr(about));
  CHECK(estimated >= 4500);
  CHECK(estimated <= 5500);
}

TEST_CASE("a small file is checked with its exact counts before the data set is built", "[memory]") {
  const std::string csv = "user,item,rating\n1,a,4\n2,b,3\n2,a,5\n";
  const uint64_t needed = dataset_build_bytes(3, 2, 2);
  {
    ScopedLimit limit(needed + 100, 101);  // one byte short
    CHECK(error_of([&] { read_ratings(csv, "small.csv"); }) ==
          "small.csv: needs about " + format_bytes(needed) + " of memory for 3 ratings; cofi can use at most " +
              format_bytes(needed + 100) + " (" + format_bytes(needed - 1) + " free)");
  }
  {
    ScopedLimit limit(needed + 100, 100);  // just enough
    CHECK(read_ratings(csv, "small.csv").data.num_ratings() == 3);
  }
  {
    ScopedLimit limit(1000, 5000);  // more in use than the ceiling: nothing is free
    CHECK(free_memory_bytes() == 0);
    CHECK(error_of([&] { read_ratings(csv, "small.csv"); }).find("(0 bytes free)") != std::string::npos);
  }
}

TEST_CASE("a model too large for the ceiling is refused before fitting, the fitted model is kept", "[memory]") {
  const auto data = test::load("user,item,rating\n1,a,4\n1,b,2\n2,a,5\n2,c,1\n3,b,4\n3,c,3\n");
  Params params;
  params.set("factors", "4096");
  params.set("epochs", "2");
  auto model = make_model("svd", params);
  model->fit(data, 1);
  const float before = model->predict(0, 1).value;
  // svd keeps a bias and 4096 factors per user and item: 6 x 4097 x 4 bytes.
  const uint64_t needed = 6ull * 4097 * 4;
  {
    ScopedLimit limit(needed, 1);
    CHECK(error_of([&] { model->fit(data, 2); }) ==
          "svd: needs about " + format_bytes(needed) + " of memory for its parameters on 3 users and 3 items; " +
              "cofi can use at most " + format_bytes(needed) + " (" + format_bytes(needed - 1) + " free)");
  }
  REQUIRE(model->fitted());
  CHECK(model->predict(0, 1).value == before);
  ScopedLimit limit(needed, 0);
  CHECK_NOTHROW(model->fit(data, 2));
}
