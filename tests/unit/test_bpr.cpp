// "bpr" (Bayesian Personalised Ranking): the loss falls, a planted preference ranks first for
// training users and folded-in people, positives by threshold, determinism, save/load.
#include <catch2/catch.hpp>

#include "support.h"

#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/model_file.h"
#include "io/ratings_reader.h"
#include "models/bpr.h"
#include "models/model.h"

using cofi::Dataset;
using cofi::Model;
using cofi::Params;
using cofi::Profile;

namespace {

using cofi::test::load;

// Two taste groups of 8 users: g* watch items i0..i7, h* watch i8..i15; g0 has not seen i7 and
// h0 has not seen i15. Item popularity is the same in both groups, so only the taste separates them.
std::string planted() {
  std::string csv = "user,item,rating\n";
  for (int u = 0; u < 8; ++u)
    for (int i = 0; i < 8; ++i) {
      if (u == 0 && i == 7) continue;
      csv += "g" + std::to_string(u) + ",i" + std::to_string(i) + ",5\n";
      csv += "h" + std::to_string(u) + ",i" + std::to_string(i + 8) + ",5\n";
    }
  csv += "h0,i8,5\n";  // repeated pair: the last wins, still one rating
  return csv;
}

std::unique_ptr<Model> fit_bpr(std::shared_ptr<const Dataset> data, std::map<std::string, std::string> params,
                               uint64_t seed = 7) {
  auto m = cofi::make_model("bpr", Params(std::move(params)));
  m->fit(std::move(data), seed);
  return m;
}

const cofi::Bpr& bpr(const Model& m) { return dynamic_cast<const cofi::Bpr&>(m); }

using cofi::test::scores_of;

const std::map<std::string, std::string> kSmall = {{"factors", "8"}, {"epochs", "150"}, {"lr", "0.05"}, {"reg", "0.01"}};

}  // namespace

TEST_CASE("bpr: the loss falls and the planted preference ranks first", "[bpr]") {
  const auto data = load(planted());
  std::vector<double> losses;
  cofi::FitOptions options;
  options.seed = 3;
  options.on_epoch = [&](const cofi::EpochReport& r) {
    losses.push_back(r.loss);
    return true;
  };
  auto model = cofi::make_model("bpr", Params(kSmall));
  model->fit(data, options);
  REQUIRE(losses.size() == 150);
  // The first epoch starts near ln 2 (random scores); the last ones are far below it.
  CHECK(losses.front() == Approx(std::log(2.0)).margin(0.05));
  double last10 = 0.0;
  for (size_t e = losses.size() - 10; e < losses.size(); ++e) last10 += losses[e] / 10.0;
  CHECK(last10 < 0.2);
  CHECK(last10 < losses.front() / 3.0);

  const auto top_g = model->recommend(Profile::of_user(*data, data->users().find("g0")), 1);
  REQUIRE(top_g.size() == 1);
  CHECK(data->items().id(top_g[0].item) == "i7");
  const auto top_h = model->recommend(Profile::of_user(*data, data->users().find("h0")), 1);
  REQUIRE(top_h.size() == 1);
  CHECK(data->items().id(top_h[0].item) == "i15");
}

TEST_CASE("bpr: a folded-in person gets their group's missing items first, the same each time", "[bpr]") {
  const auto data = load(planted());
  const auto model = fit_bpr(data, kSmall);
  Profile person;  // likes i8..i12 like the h group
  for (int i = 8; i <= 12; ++i) {
    person.items.push_back(data->items().find("i" + std::to_string(i)));
    person.ratings.push_back(5.0f);
  }
  const auto top = model->recommend(person, 3);
  REQUIRE(top.size() == 3);
  for (const auto& s : top) {
    const std::string id = data->items().id(s.item);
    CHECK((id == "i13" || id == "i14" || id == "i15"));
  }
  CHECK(scores_of(*model, person) == scores_of(*model, person));
  // A person whose ratings are all below the threshold has no positives: zero factors, so
  // their scores are the item biases.
  const auto thresholded = fit_bpr(data, {{"factors", "4"}, {"epochs", "5"}, {"threshold", "6"}});
  const std::vector<float> s = scores_of(*thresholded, person);
  for (int32_t i = 0; i < data->num_items(); ++i)
    CHECK(s[static_cast<size_t>(i)] == bpr(*thresholded).item_bias()[static_cast<size_t>(i)]);
}

TEST_CASE("bpr: only pairs rated at or above the threshold are positives", "[bpr]") {
  // u1 rated a 5 and b 1; with threshold 4 only (u1, a) is a positive, so u2 (who rated only
  // b 2) keeps zero factors, and a's bias rises above b's.
  const auto data = load("user,item,rating\nu1,a,5\nu1,b,1\nu2,b,2\nu3,a,4\nu3,c,3\n");
  const auto model = fit_bpr(data, {{"factors", "3"}, {"epochs", "20"}, {"threshold", "4"}});
  const cofi::Bpr& m = bpr(*model);
  for (int f = 0; f < 3; ++f) CHECK(m.user_factors()[static_cast<size_t>(3 + f)] == 0.0f);
  CHECK(m.item_bias()[0] > 0.0f);
  CHECK(m.item_bias()[0] > m.item_bias()[1]);
  // Without the threshold u2 has a positive and moves away from zero.
  const auto all = fit_bpr(data, {{"factors", "3"}, {"epochs", "20"}});
  CHECK(bpr(*all).user_factors()[3] != 0.0f);
}

TEST_CASE("bpr: predict is b_i + p_u.q_i unclipped in raw", "[bpr]") {
  const auto data = load(planted());
  const auto model = fit_bpr(data, {{"factors", "2"}, {"epochs", "3"}});
  const cofi::Bpr& m = bpr(*model);
  const float* p = m.user_factors().data() + 2 * 1;
  const float* q = m.item_factors().data() + 2 * 5;
  CHECK(model->predict(1, 5).raw == Approx(m.item_bias()[5] + p[0] * q[0] + p[1] * q[1]));
  CHECK(model->predict(-1, 5).fallback);
  CHECK(model->predict(1, -1).fallback);
}

TEST_CASE("bpr: deterministic for a seed, save and load predict and fold in bit-identically", "[bpr]") {
  const auto data = load(planted());
  const std::map<std::string, std::string> params = {{"factors", "4"}, {"epochs", "4"}};
  const auto a = fit_bpr(data, params, 5);
  const auto b = fit_bpr(data, params, 5);
  const auto c = fit_bpr(data, params, 6);
  CHECK(bpr(*a).user_factors() == bpr(*b).user_factors());
  CHECK(bpr(*a).item_factors() == bpr(*b).item_factors());
  CHECK(bpr(*a).item_bias() == bpr(*b).item_bias());
  CHECK(bpr(*a).item_factors() != bpr(*c).item_factors());

  const auto loaded = cofi::load_model(cofi::save_model(*a), "bpr.model");
  REQUIRE(loaded->algorithm() == "bpr");
  for (int32_t u = 0; u < data->num_users(); ++u)
    for (int32_t i = 0; i < data->num_items(); ++i) CHECK(loaded->predict(u, i).raw == a->predict(u, i).raw);
  Profile person;
  person.items = {0, 3, 9};
  person.ratings = {5.0f, 4.0f, 5.0f};
  CHECK(scores_of(*loaded, person) == scores_of(*a, person));
}
