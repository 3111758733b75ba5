// slope-one: the deviation matrix and predictions worked by hand, against a brute-force
// computation on generated data, fallbacks, new people, the size limit, save/load.
#include <catch2/catch.hpp>

#include "support.h"

#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/model_file.h"
#include "io/ratings_reader.h"
#include "models/model.h"
#include "models/slope_one.h"
#include "util/rng.h"

using cofi::Dataset;
using cofi::Model;
using cofi::Params;
using cofi::Profile;

namespace {

using ParamMap = std::map<std::string, std::string>;

using cofi::test::load;

// Users u1..u4 = 0..3, items a..d = 0..3 (in order of first appearance).
//        a  b  c  d     user means: u1 10/3, u2 7/2, u3 7/2, u4 4
//   u1   5  3  2  .     global mean 28/8 = 7/2
//   u2   3  4  .  .
//   u3   .  2  5  .
//   u4   .  .  .  4
// dev(a,b) = ((5-3) + (3-4)) / 2 = 1/2   card 2
// dev(a,c) = (5-2) / 1 = 3               card 1
// dev(b,c) = ((3-2) + (2-5)) / 2 = -1    card 2
// d shares no rater with a, b or c.
const char* const kTiny =
    "user,item,rating\n"
    "u1,a,5\nu1,b,3\nu1,c,2\n"
    "u2,a,3\nu2,b,4\n"
    "u3,b,2\nu3,c,5\n"
    "u4,d,4\n";
enum { u1, u2, u3, u4 };
enum { a, b, c, d };

std::unique_ptr<Model> fitted(std::shared_ptr<const Dataset> data, ParamMap params = {}) {
  auto m = cofi::make_model("slope-one", Params(std::move(params)));
  m->fit(std::move(data), 0);
  return m;
}

// Generated ratings: each of `users` rates each of `items` with probability `density`.
std::shared_ptr<const Dataset> generated(int users, int items, double density, uint64_t seed) {
  cofi::Rng rng(seed);
  std::string csv = "user,item,rating\n";
  for (int u = 0; u < users; ++u)
    for (int i = 0; i < items; ++i)
      if (rng.uniform() < density)
        csv += "u" + std::to_string(u) + ",i" + std::to_string((i * 7) % items) + "," +
               std::to_string(1 + static_cast<int>(rng.below(5))) + "\n";
  return load(csv);
}

}  // namespace

TEST_CASE("slope-one: deviations by hand", "[slope-one]") {
  const auto m = fitted(load(kTiny));
  const auto& s = dynamic_cast<const cofi::SlopeOne&>(*m);
  CHECK(s.deviation(a, b) == Approx(0.5));
  CHECK(s.deviation(b, a) == Approx(-0.5));
  CHECK(s.deviation(a, c) == Approx(3.0));
  CHECK(s.deviation(c, a) == Approx(-3.0));
  CHECK(s.deviation(b, c) == Approx(-1.0));
  CHECK(s.deviation(c, b) == Approx(1.0));
  for (int i = a; i <= d; ++i) CHECK(s.deviation(i, i) == 0.0f);
  for (int i = a; i <= c; ++i) {
    CHECK(std::isnan(s.deviation(i, d)));
    CHECK(std::isnan(s.deviation(d, i)));
  }
}

TEST_CASE("slope-one: predictions by hand (Surprise's user-mean-centred formula)", "[slope-one]") {
  const auto m = fitted(load(kTiny));
  // u2, c: mu = 7/2; R_c(u2) = {a, b}: dev(c,a) = -3, dev(c,b) = 1, mean -1  ->  5/2
  auto p = m->predict(u2, c);
  CHECK(p.raw == Approx(2.5));
  CHECK_FALSE(p.fallback);
  // u3, a: mu = 7/2; R_a(u3) = {b, c}: dev(a,b) = 1/2, dev(a,c) = 3, mean 7/4  ->  21/4 (clipped to 5)
  p = m->predict(u3, a);
  CHECK(p.raw == Approx(5.25));
  CHECK(p.value == Approx(5.0));
  // u1, a (a rated item counts itself, dev 0): R_a(u1) = {a, b, c}: (0 + 1/2 + 3) / 3 = 7/6  ->  10/3 + 7/6 = 9/2
  CHECK(m->predict(u1, a).raw == Approx(4.5));
  // u1, d: no item of u1 shares a rater with d: the user's mean, flagged.
  p = m->predict(u1, d);
  CHECK(p.fallback);
  CHECK(p.raw == Approx(10.0 / 3.0));
  // u4, a: likewise (u4 rated only d).
  p = m->predict(u4, a);
  CHECK(p.fallback);
  CHECK(p.raw == Approx(4.0));
}

TEST_CASE("slope-one: unknown user or item gets the global mean", "[slope-one]") {
  const auto m = fitted(load(kTiny));
  for (auto [user, item] : {std::pair<int, int>{-1, a}, {u1, -1}, {-1, -1}}) {
    const auto p = m->predict(user, item);
    CHECK(p.fallback);
    CHECK(p.raw == Approx(3.5));
  }
}

TEST_CASE("slope-one: a new person is scored with their own mean and items", "[slope-one]") {
  const auto m = fitted(load(kTiny));
  Profile person;
  person.items = {a, c};
  person.ratings = {4.0f, 2.0f};  // mean 3
  std::vector<float> scores;
  m->score(person, scores);
  REQUIRE(scores.size() == 4);
  // a: R = {a, c}: (0 + 3) / 2  ->  9/2
  CHECK(scores[a] == Approx(4.5));
  // b: R = {a, c}: dev(b,a) = -1/2, dev(b,c) = -1, mean -3/4  ->  9/4
  CHECK(scores[b] == Approx(2.25));
  // c: R = {a, c}: dev(c,a) = -3, 0, mean -3/2  ->  3/2
  CHECK(scores[c] == Approx(1.5));
  CHECK(std::isnan(scores[d]));  // no evidence for d
  const auto top = m->recommend(person, 5);
  REQUIRE(top.size() == 1);
  CHECK(top[0].item == b);

  // A training user's scores are their predictions.
  m->score(Profile::of_user(m->train(), u2), scores);
  CHECK(scores[c] == Approx(2.5));
  CHECK(std::isnan(scores[d]));
}

TEST_CASE("slope-one: deviations and predictions match a brute-force computation", "[slope-one]") {
  const auto data = generated(40, 25, 0.3, 7);
  const auto m = fitted(data);
  const auto& s = dynamic_cast<const cofi::SlopeOne&>(*m);
  const int n = data->num_items();
  // Brute force: for every pair of items, the users who rated both.
  std::vector<double> sum(static_cast<size_t>(n * n), 0.0);
  std::vector<int> card(static_cast<size_t>(n * n), 0);
  for (int32_t u = 0; u < data->num_users(); ++u) {
    const auto row = data->by_user().row(u);
    for (int32_t x = 0; x < row.size; ++x)
      for (int32_t y = 0; y < row.size; ++y) {
        sum[static_cast<size_t>(row.index[x] * n + row.index[y])] += row.value[x] - row.value[y];
        card[static_cast<size_t>(row.index[x] * n + row.index[y])] += 1;
      }
  }
  int compared = 0, empty = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const size_t k = static_cast<size_t>(i * n + j);
      if (card[k] == 0) {
        ++empty;
        CHECK(std::isnan(s.deviation(i, j)));
      } else {
        ++compared;
        CHECK(s.deviation(i, j) == Approx(sum[k] / card[k]).margin(1e-6));
      }
    }
  CHECK(compared > 100);
  CHECK(empty > 0);
  // Predictions by the formula.
  for (int32_t u = 0; u < data->num_users(); ++u) {
    const auto row = data->by_user().row(u);
    double mean = 0.0;
    for (int32_t x = 0; x < row.size; ++x) mean += row.value[x];
    mean /= row.size;
    for (int32_t i = 0; i < n; ++i) {
      double dev_sum = 0.0;
      int relevant = 0;
      for (int32_t x = 0; x < row.size; ++x)
        if (card[static_cast<size_t>(i * n + row.index[x])] > 0) {
          dev_sum += sum[static_cast<size_t>(i * n + row.index[x])] / card[static_cast<size_t>(i * n + row.index[x])];
          ++relevant;
        }
      const auto p = m->predict(u, i);
      CHECK(p.fallback == (relevant == 0));
      CHECK(p.raw == Approx(relevant ? mean + dev_sum / relevant : mean).margin(1e-5));
    }
  }
}

TEST_CASE("slope-one: deterministic, and a saved model predicts bit-identically", "[slope-one]") {
  const auto data = generated(30, 20, 0.4, 11);
  const auto first = fitted(data);
  const auto second = fitted(data);
  const auto loaded = cofi::load_model(cofi::save_model(*first), "slope-one.model");
  REQUIRE(loaded->algorithm() == "slope-one");
  for (int32_t u = 0; u < data->num_users(); ++u)
    for (int32_t i = 0; i < data->num_items(); ++i) {
      const float want = first->predict(u, i).raw;
      CHECK(second->predict(u, i).raw == want);
      CHECK(loaded->predict(u, i).raw == want);
    }
}

TEST_CASE("slope-one: the dense size limit and unknown parameters are refused", "[slope-one]") {
  const auto data = load(kTiny);
  // 4 items: 6 pairs of 4 bytes; max_dense_mb=0 allows none.
  CHECK(cofi::SlopeOne::matrix_bytes(4) == 24);
  CHECK(cofi::SlopeOne::matrix_bytes(100000) == 100000ULL * 99999ULL / 2 * 4);
  auto m = cofi::make_model("slope-one", Params(ParamMap{{"max_dense_mb", "0"}}));
  try {
    m->fit(data, 0);
    FAIL("expected the fit to be refused");
  } catch (const std::invalid_argument& e) {
    CHECK_THAT(e.what(), Catch::Contains("4 items") && Catch::Contains("max_dense_mb=0"));
  }
  CHECK_FALSE(m->fitted());
  CHECK_THROWS_AS(cofi::make_model("slope-one", Params(ParamMap{{"k", "5"}})), std::invalid_argument);
  CHECK_THROWS_AS(cofi::make_model("slope-one", Params(ParamMap{{"max_dense_mb", "-1"}})), std::invalid_argument);
}
