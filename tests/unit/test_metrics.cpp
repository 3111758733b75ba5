// evaluate_accuracy (RMSE, MAE, fallbacks) and evaluate_ranking (precision, recall, NDCG, hit rate
// at k), on cases small enough to work by hand.
#include <catch2/catch.hpp>

#include "support.h"

#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "eval/metrics.h"
#include "io/ratings_reader.h"
#include "models/model.h"

using cofi::Dataset;
using cofi::Params;
using cofi::Rating;

namespace {

using cofi::test::load;

std::unique_ptr<cofi::Model> fitted(const std::string& algo, std::map<std::string, std::string> params,
                                    std::shared_ptr<const Dataset> data) {
  auto m = cofi::make_model(algo, Params(std::move(params)));
  m->fit(std::move(data), 0);
  return m;
}

}  // namespace

TEST_CASE("evaluate_accuracy: RMSE and MAE of the clipped predictions", "[metrics]") {
  // Train: u1 a 4, b 2; u2 a 3 (mu = 3). Baseline, ALS one epoch, reg_u 2, reg_i 1:
  //   bi[a] = 1/3, bi[b] = -1/2, bu[u1] = 1/24, bu[u2] = -1/9   (see test_baselines.cpp)
  const auto train = load("user,item,rating\nu1,a,4\nu1,b,2\nu2,a,3\n");
  const auto model = fitted("baseline", {{"epochs", "1"}, {"reg_u", "2"}, {"reg_i", "1"}}, train);
  // Test: u1 b 5, u1 z 4 (z unknown), u2 a 1, u9 a 3 (u9 unknown).
  const auto test = load("user,item,rating\nu1,b,5\nu1,z,4\nu2,a,1\nu9,a,3\n");
  const std::vector<Rating> pairs = train->translate(*test);
  REQUIRE(pairs.size() == 4);
  // predictions and errors (prediction - truth):
  //   u1 b: 3 + 1/24 - 1/2 = 61/24            -> -59/24
  //   u1 z: 3 + 1/24 (item term dropped)      -> -23/24   fallback
  //   u2 a: 3 - 1/9 + 1/3 = 29/9              ->  20/9
  //   u9 a: 3 + 1/3 (user term dropped)       ->   1/3    fallback
  // squares: 3481/576 + 529/576 + 400/81 + 1/9 = 12.0111883; / 4 = 3.0027971; RMSE = 1.7328581
  // MAE = (59/24 + 23/24 + 20/9 + 1/3) / 4 = 215/144
  const cofi::AccuracyResult r = cofi::evaluate_accuracy(*model, pairs);
  const double sq = 3481.0 / 576 + 529.0 / 576 + 400.0 / 81 + 1.0 / 9;
  CHECK(r.rmse == Approx(std::sqrt(sq / 4)));
  CHECK(r.rmse == Approx(1.7328581));
  CHECK(r.mae == Approx(215.0 / 144.0));
  CHECK(r.predictions == 4);
  CHECK(r.fallbacks == 2);

  SECTION("an empty test set gives zeros") {
    const cofi::AccuracyResult none = cofi::evaluate_accuracy(*model, {});
    CHECK(none.rmse == 0.0);
    CHECK(none.mae == 0.0);
    CHECK(none.predictions == 0);
  }
}

TEST_CASE("evaluate_accuracy scores the clipped value, not the raw estimate", "[metrics]") {
  // knn-means user-based (msd) predicts u4 on e at 5.23, clipped to 5 (see test_models.cpp).
  const auto train = load(
      "user,item,rating\n"
      "u1,a,5\nu1,b,3\nu1,c,1\n"
      "u2,a,4\nu2,c,1\nu2,d,4\nu2,e,2\n"
      "u3,a,1\nu3,b,1\nu3,d,5\nu3,e,5\n"
      "u4,b,3\nu4,c,5\nu4,d,4\n");
  const auto model = fitted("knn-means", {}, train);
  const std::vector<Rating> test = {{3, 4, 5.0f}};
  CHECK(cofi::evaluate_accuracy(*model, test).rmse == Approx(0.0).margin(1e-12));
  const std::vector<Rating> low = {{3, 4, 4.0f}};
  CHECK(cofi::evaluate_accuracy(*model, low).mae == Approx(1.0));
}

TEST_CASE("evaluate_accuracy with the global mean", "[metrics]") {
  const auto train = load("user,item,rating\nu1,a,4\nu1,b,2\nu2,a,3\n");
  const auto model = fitted("global-mean", {}, train);
  // errors 3 - 5, 3 - 1, 3 - 3, 3 - 4 = -2, 2, 0, -1: RMSE sqrt(9/4) = 1.5, MAE 5/4
  const std::vector<Rating> test = {{0, 1, 5.0f}, {1, 0, 1.0f}, {-1, 0, 3.0f}, {0, -1, 4.0f}};
  const cofi::AccuracyResult r = cofi::evaluate_accuracy(*model, test);
  CHECK(r.rmse == Approx(1.5));
  CHECK(r.mae == Approx(1.25));
}

TEST_CASE("evaluate_ranking on a ranking we control (popular)", "[metrics]") {
  // Train counts: p 4, q 3, r 2, s 1, t 1; popular ranks p q r s t (s before t: lower index).
  //   u1 rated p q       -> candidates r s t
  //   u2 rated p q r     -> candidates s t
  //   u3 rated p r s
  //   u4 rated p q t     -> candidates r s
  const auto train = load(
      "user,item,rating\n"
      "u1,p,5\nu1,q,4\n"
      "u2,p,3\nu2,q,4\nu2,r,2\n"
      "u3,p,4\nu3,r,5\nu3,s,3\n"
      "u4,p,2\nu4,q,1\nu4,t,4\n");
  const auto model = fitted("popular", {}, train);
  // Test (threshold 4): u1 r 5 and z 5 relevant (z unknown to training), s 2 not;
  // u2 t 4 relevant; u3 q 3 not relevant (u3 is not evaluated); u4 y 5 relevant (unknown item);
  // u9 is unknown to training (not evaluated).
  const auto test = load(
      "user,item,rating\n"
      "u1,r,5\nu1,s,2\nu1,z,5\n"
      "u2,t,4\n"
      "u3,q,3\n"
      "u4,y,5\n"
      "u9,p,5\n");
  const std::vector<Rating> pairs = train->translate(*test);

  SECTION("k = 2") {
    cofi::RankingOptions o;
    o.k = 2;
    o.threshold = 4.0;
    const cofi::RankingResult r = cofi::evaluate_ranking(*model, pairs, o);
    // u1: top r, s; hit r at rank 1. precision 1/2, recall 1/2 (z counts), DCG 1,
    //     ideal for min(2, 2) = 2 hits: 1 + 1/log2(3); NDCG 1 / (1 + 1/log2 3) = 0.6131472
    // u2: top s, t; hit t at rank 2. precision 1/2, recall 1/1, DCG 1/log2(3), ideal 1: NDCG 0.6309298
    // u4: top r, s; no hit. precision 0, recall 0/1, NDCG 0
    CHECK(r.users == 3);
    CHECK(r.precision == Approx((0.5 + 0.5 + 0.0) / 3));
    CHECK(r.recall == Approx((0.5 + 1.0 + 0.0) / 3));
    const double ndcg_u1 = 1.0 / (1.0 + 1.0 / std::log2(3.0));
    const double ndcg_u2 = 1.0 / std::log2(3.0);
    CHECK(r.ndcg == Approx((ndcg_u1 + ndcg_u2 + 0.0) / 3));
    CHECK(r.ndcg == Approx(0.4146923));
    CHECK(r.hit_rate == Approx(2.0 / 3.0));
  }
  SECTION("k = 1") {
    cofi::RankingOptions o;
    o.k = 1;
    const cofi::RankingResult r = cofi::evaluate_ranking(*model, pairs, o);
    // u1: r (hit): precision 1, recall 1/2, NDCG 1/1 (ideal for min(2, 1) = 1 hit)
    // u2: s (miss); u4: r (miss)
    CHECK(r.users == 3);
    CHECK(r.precision == Approx(1.0 / 3));
    CHECK(r.recall == Approx(0.5 / 3));
    CHECK(r.ndcg == Approx(1.0 / 3));
    CHECK(r.hit_rate == Approx(1.0 / 3));
  }
  SECTION("precision divides by k even when fewer items can be recommended") {
    cofi::RankingOptions o;
    o.k = 5;
    const cofi::RankingResult r = cofi::evaluate_ranking(*model, pairs, o);
    // u1: r s t -> 1 hit: 1/5; u2: s t -> 1 hit: 1/5; u4: r s -> 0
    CHECK(r.precision == Approx((0.2 + 0.2) / 3));
    CHECK(r.recall == Approx((0.5 + 1.0) / 3));
    CHECK(r.hit_rate == Approx(2.0 / 3.0));
  }
  SECTION("a higher threshold leaves fewer users") {
    cofi::RankingOptions o;
    o.k = 2;
    o.threshold = 4.5;
    const cofi::RankingResult r = cofi::evaluate_ranking(*model, pairs, o);
    // relevant: u1 r, z; u4 y (u2's t 4 drops out)
    CHECK(r.users == 2);
    CHECK(r.recall == Approx((0.5 + 0.0) / 2));
    CHECK(r.hit_rate == Approx(0.5));
  }
  SECTION("no relevant test rating: no users, zeros") {
    const cofi::RankingResult r = cofi::evaluate_ranking(*model, {{0, 2, 1.0f}}, cofi::RankingOptions());
    CHECK(r.users == 0);
    CHECK(r.precision == 0.0);
    CHECK(r.ndcg == 0.0);
  }
}
