#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "eval/search.h"
#include "util/rng.h"

using namespace cofi;

namespace {

// Users in two taste groups over 30 items of differing quality, with noise: neighbourhoods help,
// and item biases carry the quality, so regularising them away hurts.
Dataset taste_groups() {
  IdMap users, items;
  std::vector<Rating> ratings;
  Rng rng(4);
  for (int u = 0; u < 60; ++u) {
    const int32_t uid = users.intern("u" + std::to_string(u));
    for (int i = 0; i < 30; ++i) {
      if (rng.uniform() < 0.5) continue;
      const bool liked = (i % 2) == (u % 2);
      const double quality = 0.6 * ((i % 5) - 2);
      const double mean = (liked ? 3.6 : 2.4) + quality;
      const float r = static_cast<float>(std::lround(std::min(5.0, std::max(1.0, mean + rng.normal() * 0.5))));
      ratings.push_back({uid, items.intern("i" + std::to_string(i)), r});
    }
  }
  return Dataset(std::move(users), std::move(items), ratings, false);
}

}  // namespace

TEST_CASE("a grid search tries every combination of the listed values", "[search]") {
  SearchOptions o;
  o.algorithm = "knn-basic";
  o.dimensions = {{"k", "1,5,20"}, {"similarity", "msd,cosine"}};
  const auto candidates = search_candidates(o);
  REQUIRE(candidates.size() == 6);
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& c : candidates) seen.insert({c.at("k"), c.at("similarity")});
  CHECK(seen.size() == 6);
  CHECK(seen.count({"20", "cosine"}) == 1);
}

TEST_CASE("random search draws within the distributions, the same draws for the same seed", "[search]") {
  SearchOptions o;
  o.algorithm = "baseline";
  o.random_candidates = 50;
  o.seed = 9;
  o.dimensions = {{"reg_u", "loguniform:0.1:100"}, {"epochs", "int:2:4"}, {"method", "als"}};
  const auto a = search_candidates(o);
  const auto b = search_candidates(o);
  REQUIRE(a.size() == 50);
  CHECK(a == b);
  std::set<std::string> epochs;
  for (const auto& c : a) {
    const double reg = std::stod(c.at("reg_u"));
    CHECK(reg >= 0.1);
    CHECK(reg <= 100.0);
    epochs.insert(c.at("epochs"));
    CHECK(c.at("method") == "als");
  }
  CHECK(epochs == std::set<std::string>{"2", "3", "4"});
  o.seed = 10;
  CHECK(search_candidates(o) != a);
}

TEST_CASE("search picks the candidate with the best cross-validated score", "[search]") {
  const Dataset data = taste_groups();
  SearchOptions o;
  o.algorithm = "baseline";
  o.dimensions = {{"reg_i", "1000000,5"}};
  o.folds = 3;
  o.seed = 1;
  const SearchResult r = search(data, o);
  REQUIRE(r.candidates.size() == 2);
  CHECK(r.lower_is_better);
  CHECK(r.candidates[r.best].params.at("reg_i") == "5");
  CHECK(r.candidates[1].mean < r.candidates[0].mean);
  for (const auto& c : r.candidates) {
    REQUIRE(c.fold_scores.size() == 3);
    CHECK(c.mean == Approx((c.fold_scores[0] + c.fold_scores[1] + c.fold_scores[2]) / 3));
    CHECK(c.rmse == Approx(c.mean));
  }

  // With a ranking measure, higher is better.
  o.algorithm = "knn-means";
  o.dimensions = {{"k", "1,30"}};
  o.measure = "ndcg";
  const SearchResult ranked = search(data, o);
  CHECK_FALSE(ranked.lower_is_better);
  const auto& best = ranked.candidates[ranked.best];
  for (const auto& c : ranked.candidates) CHECK(best.mean >= c.mean);
}

TEST_CASE("search refuses bad specs and unknown parameters before fitting anything", "[search]") {
  const Dataset data = taste_groups();
  SearchOptions o;
  o.algorithm = "baseline";
  o.dimensions = {{"reg_u", "uniform:1:5"}};
  CHECK_THROWS_WITH(search(data, o), Catch::Contains("a grid needs a list of values"));
  o.dimensions = {{"reg_u", "normal:1:5"}};
  o.random_candidates = 3;
  CHECK_THROWS_WITH(search(data, o), Catch::Contains("expected a list (a,b,c) or uniform:LOW:HIGH"));
  o.dimensions = {{"nope", "1,2"}};
  o.random_candidates = 0;
  CHECK_THROWS_WITH(search(data, o), Catch::Contains("unknown parameter 'nope' for baseline"));
  o.dimensions = {{"reg_u", "1,2"}};
  o.measure = "accuracy";
  CHECK_THROWS_WITH(search(data, o), Catch::Contains("unknown search measure 'accuracy'"));
}

TEST_CASE("the progress callback sees every candidate and can stop the search", "[search]") {
  const Dataset data = taste_groups();
  SearchOptions o;
  o.algorithm = "baseline";
  o.dimensions = {{"reg_u", "1,2,3,4"}};
  size_t calls = 0;
  const SearchResult r = search(data, o, [&](size_t done, size_t total, const SearchCandidate&) {
    ++calls;
    CHECK(total == 4);
    return done < 2;
  });
  CHECK(calls == 2);
  CHECK(r.candidates.size() == 2);
}
