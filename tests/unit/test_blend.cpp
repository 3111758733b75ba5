#include <catch2/catch.hpp>

#include <cmath>

#include "eval/metrics.h"
#include "eval/split.h"
#include "io/model_file.h"
#include "models/blend.h"
#include "util/rng.h"

using namespace cofi;

namespace {

// Two taste groups over items of differing quality: item biases and neighbourhoods both carry signal.
std::shared_ptr<const Dataset> taste_groups(uint64_t seed) {
  IdMap users, items;
  std::vector<Rating> ratings;
  Rng rng(seed);
  for (int u = 0; u < 80; ++u) {
    const int32_t uid = users.intern("u" + std::to_string(u));
    for (int i = 0; i < 40; ++i) {
      if (rng.uniform() < 0.6) continue;
      const double mean = ((i % 2) == (u % 2) ? 3.7 : 2.3) + 0.5 * ((i % 5) - 2);
      ratings.push_back({uid, items.intern("i" + std::to_string(i)),
                         static_cast<float>(std::lround(std::min(5.0, std::max(1.0, mean + 0.6 * rng.normal()))))});
    }
  }
  return std::make_shared<const Dataset>(std::move(users), std::move(items), ratings, false);
}

}  // namespace

TEST_CASE("a blend's weights come from least squares on a held-out part of the training data", "[blend]") {
  const auto all = taste_groups(3);
  const Fold fold = train_test_split(*all, 0.2, 5);
  Params p;
  p.set("members", "global-mean|baseline|knn-means:k=20");
  auto blend = make_model("blend", p);
  blend->fit(fold.train, 1);
  const auto& weights = dynamic_cast<const Blend&>(*blend).weights();
  REQUIRE(weights.size() == 4);
  // global-mean is constant on the hold-out, so it only competes with the intercept: the ridge
  // penalty drives its weight toward 0 while the informative members get the weight.
  CHECK(std::fabs(weights[1]) < 0.1);
  CHECK(weights[2] + weights[3] > 0.7);

  const double blended = evaluate_accuracy(*blend, fold.test).rmse;
  for (const char* name : {"baseline", "knn-means"}) {
    Params mp;
    if (std::string(name) == "knn-means") mp.set("k", "20");
    auto member = make_model(name, mp);
    member->fit(fold.train, 1);
    CHECK(blended < evaluate_accuracy(*member, fold.test).rmse + 1e-9);
  }
}

TEST_CASE("a blend is deterministic for a seed and round-trips through a model file", "[blend]") {
  const auto data = taste_groups(8);
  Params p;
  p.set("members", "baseline|knn-baseline:user_based=false,similarity=pearson_baseline");
  auto a = make_model("blend", p);
  auto b = make_model("blend", p);
  a->fit(data, 4);
  b->fit(data, 4);
  const auto loaded = load_model(save_model(*a), "blend.cofi");
  for (int32_t u = 0; u < data->num_users(); u += 7)
    for (int32_t i = 0; i < data->num_items(); i += 3) {
      CHECK(a->predict(u, i).raw == b->predict(u, i).raw);
      CHECK(a->predict(u, i).raw == loaded->predict(u, i).raw);
    }
}

TEST_CASE("a blend refuses unknown members, bad member parameters and nested blends up front", "[blend]") {
  Params p;
  p.set("members", "baseline|svm");
  CHECK_THROWS_WITH(make_model("blend", p), Catch::Contains("unknown algorithm 'svm'"));
  p.set("members", "knn-basic:k=many");
  CHECK_THROWS_WITH(make_model("blend", p), Catch::Contains("parameter k=many"));
  p.set("members", "baseline:reg_u");
  CHECK_THROWS_WITH(make_model("blend", p), Catch::Contains("expected key=value"));
  p.set("members", "blend");
  CHECK_THROWS_WITH(make_model("blend", p), Catch::Contains("cannot contain a blend"));
}
