// nmf: one multiplicative step worked by hand (unbiased and biased), the seeded start, fallbacks,
// folding in a new person, loss, determinism, save/load, parameters.
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
#include "models/nmf.h"
#include "util/rng.h"

using cofi::Dataset;
using cofi::Model;
using cofi::Params;
using cofi::Profile;

namespace {

using ParamMap = std::map<std::string, std::string>;

using cofi::test::load;

// Users u1 (0), u2 (1); items a (0), b (1).   u1: a 4, b 2    u2: a 5     mu = 11/3
const char* const kTiny = "user,item,rating\nu1,a,4\nu1,b,2\nu2,a,5\n";

std::unique_ptr<Model> fitted(std::shared_ptr<const Dataset> data, ParamMap params, uint64_t seed = 0) {
  auto m = cofi::make_model("nmf", Params(std::move(params)));
  m->fit(std::move(data), seed);
  return m;
}

const cofi::Nmf& as_nmf(const std::unique_ptr<Model>& m) { return dynamic_cast<const cofi::Nmf&>(*m); }

std::shared_ptr<const Dataset> generated(int users, int items, double density, uint64_t seed) {
  cofi::Rng rng(seed);
  std::string csv = "user,item,rating\n";
  for (int u = 0; u < users; ++u)
    for (int i = 0; i < items; ++i)
      if (rng.uniform() < density)
        csv += "u" + std::to_string(u) + ",i" + std::to_string(i) + "," +
               std::to_string(1 + static_cast<int>((u % 3 + i % 4 + rng.below(2)) % 5)) + "\n";
  return load(csv);
}

}  // namespace

TEST_CASE("nmf: one epoch of multiplicative updates by hand", "[nmf]") {
  // Every factor starts at 1 (init_low = init_high = 1); 2 factors, so every estimate is 1*1 + 1*1 = 2.
  const auto m = fitted(load(kTiny), {{"factors", "2"}, {"epochs", "1"}, {"init_low", "1"}, {"init_high", "1"}});
  const auto& nmf = as_nmf(m);
  for (int f = 0; f < 2; ++f) {
    // u1: num = q_a 4 + q_b 2 = 6;  denom = q_a 2 + q_b 2 + |I_u1| reg_pu p = 4 + 2 * 0.06 = 4.12
    CHECK(nmf.user_factor(0, f) == Approx(6.0 / 4.12));
    // u2: num = 5;  denom = 2 + 1 * 0.06 = 2.06
    CHECK(nmf.user_factor(1, f) == Approx(5.0 / 2.06));
    // a (with the OLD user factors): num = 4 + 5 = 9;  denom = 2 + 2 + 2 * 0.06 = 4.12
    CHECK(nmf.item_factor(0, f) == Approx(9.0 / 4.12));
    // b: num = 2;  denom = 2 + 1 * 0.06 = 2.06
    CHECK(nmf.item_factor(1, f) == Approx(2.0 / 2.06));
  }
  CHECK(nmf.user_bias(0) == 0.0f);  // unbiased: no biases
  // Prediction q_i . p_u, unclipped in raw.
  CHECK(m->predict(0, 1).raw == Approx(2.0 * (6.0 / 4.12) * (2.0 / 2.06)));
  CHECK(m->predict(1, 0).raw == Approx(2.0 * (5.0 / 2.06) * (9.0 / 4.12)));
}

TEST_CASE("nmf: biased epoch by hand (SGD biases inside the pass, est with the biases)", "[nmf]") {
  const auto m = fitted(load(kTiny), {{"factors", "1"}, {"epochs", "1"}, {"init_low", "1"}, {"init_high", "1"},
                                      {"biased", "true"}, {"lr_bu", "0.1"}, {"lr_bi", "0.2"},
                                      {"reg_bu", "0.5"}, {"reg_bi", "0.25"}});
  const auto& nmf = as_nmf(m);
  const double mu = 11.0 / 3.0, reg = 0.06;
  double bu1 = 0, bu2 = 0, ba = 0, bb = 0;
  // (u1, a, 4)
  const double est1 = mu + bu1 + ba + 1.0;
  bu1 += 0.1 * ((4 - est1) - 0.5 * bu1);
  ba += 0.2 * ((4 - est1) - 0.25 * ba);
  // (u1, b, 2)
  const double est2 = mu + bu1 + bb + 1.0;
  bu1 += 0.1 * ((2 - est2) - 0.5 * bu1);
  bb += 0.2 * ((2 - est2) - 0.25 * bb);
  // (u2, a, 5)
  const double est3 = mu + bu2 + ba + 1.0;
  bu2 += 0.1 * ((5 - est3) - 0.5 * bu2);
  ba += 0.2 * ((5 - est3) - 0.25 * ba);
  CHECK(nmf.user_bias(0) == Approx(bu1));
  CHECK(nmf.user_bias(1) == Approx(bu2));
  CHECK(nmf.item_bias(0) == Approx(ba));
  CHECK(nmf.item_bias(1) == Approx(bb));
  // Factors (all 1 before the epoch): num = sum r, denom = sum est + n reg.
  const double pu1 = 6.0 / (est1 + est2 + 2 * reg), pu2 = 5.0 / (est3 + reg);
  const double qa = 9.0 / (est1 + est3 + 2 * reg), qb = 2.0 / (est2 + reg);
  CHECK(nmf.user_factor(0, 0) == Approx(pu1));
  CHECK(nmf.user_factor(1, 0) == Approx(pu2));
  CHECK(nmf.item_factor(0, 0) == Approx(qa));
  CHECK(nmf.item_factor(1, 0) == Approx(qb));
  CHECK(m->predict(0, 1).raw == Approx(mu + bu1 + bb + pu1 * qb));
  // Unknown user or item: mu plus the biases that are known.
  CHECK(m->predict(-1, 1).raw == Approx(mu + bb));
  CHECK(m->predict(0, -1).raw == Approx(mu + bu1));
  CHECK(m->predict(-1, -1).raw == Approx(mu));
  CHECK(m->predict(-1, 1).fallback);
}

TEST_CASE("nmf: the start is uniform from init_low up to init_high, from the seed, users then items", "[nmf]") {
  const auto data = load(kTiny);
  const auto m = fitted(data, {{"factors", "3"}, {"epochs", "0"}, {"init_low", "0.5"}, {"init_high", "2"}}, 42);
  const auto& nmf = as_nmf(m);
  cofi::Rng rng(42);
  for (int u = 0; u < 2; ++u)
    for (int f = 0; f < 3; ++f) CHECK(nmf.user_factor(u, f) == static_cast<float>(0.5 + 1.5 * rng.uniform()));
  for (int i = 0; i < 2; ++i)
    for (int f = 0; f < 3; ++f) CHECK(nmf.item_factor(i, f) == static_cast<float>(0.5 + 1.5 * rng.uniform()));
}

TEST_CASE("nmf: unknown user or item falls back to the global mean when unbiased", "[nmf]") {
  const auto m = fitted(load(kTiny), {});
  for (auto [user, item] : {std::pair<int, int>{-1, 0}, {0, -1}, {-1, -1}}) {
    const auto p = m->predict(user, item);
    CHECK(p.fallback);
    CHECK(p.raw == Approx(11.0 / 3.0));
  }
  CHECK_FALSE(m->predict(0, 0).fallback);
}

TEST_CASE("nmf: a new person is folded in by the same updates on their factors alone", "[nmf]") {
  const auto data = load(kTiny);
  // One fold-in iteration from factors 1: p_f = sum q_jf r_j / (sum q_jf est_j + n reg_pu).
  const auto m = fitted(data, {{"factors", "2"}, {"epochs", "1"}, {"init_low", "1"}, {"init_high", "1"}});
  const auto& nmf = as_nmf(m);
  Profile person;
  person.items = {1};
  person.ratings = {3.0f};
  const double qb0 = nmf.item_factor(1, 0), qb1 = nmf.item_factor(1, 1);
  const double est = qb0 + qb1;
  const double p0 = qb0 * 3.0 / (qb0 * est + 0.06), p1 = qb1 * 3.0 / (qb1 * est + 0.06);
  std::vector<float> scores;
  m->score(person, scores);
  REQUIRE(scores.size() == 2);
  CHECK(scores[0] == Approx(p0 * nmf.item_factor(0, 0) + p1 * nmf.item_factor(0, 1)));
  CHECK(scores[1] == Approx(p0 * qb0 + p1 * qb1));

  // With the defaults (random start from the model's seed) the fold-in is deterministic and
  // fits the person: their own ratings are reproduced better than by the global mean.
  const auto big = generated(60, 30, 0.5, 3);
  const auto model = fitted(big, {});
  Profile someone;
  for (int32_t i = 0; i < 30; i += 2) {
    someone.items.push_back(i);
    someone.ratings.push_back(static_cast<float>(1 + (i % 5)));
  }
  std::vector<float> first, second;
  model->score(someone, first);
  model->score(someone, second);
  CHECK(first == second);
  double fit_sq = 0, mean_sq = 0;
  for (size_t k = 0; k < someone.items.size(); ++k) {
    fit_sq += std::pow(first[static_cast<size_t>(someone.items[k])] - someone.ratings[k], 2);
    mean_sq += std::pow(big->global_mean() - someone.ratings[k], 2);
  }
  CHECK(fit_sq < mean_sq);
  // A training user's scores are their predictions.
  model->score(Profile::of_user(*big, 5), first);
  for (int32_t i = 0; i < 30; ++i) CHECK(first[static_cast<size_t>(i)] == model->predict(5, i).raw);
}

TEST_CASE("nmf: the training loss falls over the epochs", "[nmf]") {
  const auto data = generated(50, 40, 0.4, 5);
  auto m = cofi::make_model("nmf", Params());
  std::vector<double> losses;
  cofi::FitOptions options;
  options.seed = 1;
  options.on_epoch = [&](const cofi::EpochReport& r) {
    losses.push_back(r.loss);
    return true;
  };
  m->fit(data, options);
  REQUIRE(losses.size() == 50);
  CHECK(losses.back() < losses.front() * 0.8);
  CHECK(losses[10] < losses[1]);
  // The loss is the RMSE of the estimates the epoch computed, i.e. of the factors it started
  // from: epoch 11's loss is the training RMSE of a model fitted for 10 epochs.
  const auto ten = fitted(data, {{"epochs", "10"}}, 1);
  double sq = 0;
  for (const auto& r : data->ratings()) sq += std::pow(ten->predict(r.user, r.item).raw - r.value, 2);
  CHECK(std::sqrt(sq / static_cast<double>(data->num_ratings())) == Approx(losses[10]));
}

TEST_CASE("nmf: deterministic for a seed, a saved model predicts and folds in bit-identically", "[nmf]") {
  const auto data = generated(40, 25, 0.4, 9);
  for (const char* biased : {"false", "true"}) {
    INFO("biased " << biased);
    const auto first = fitted(data, {{"biased", biased}}, 7);
    const auto again = fitted(data, {{"biased", biased}}, 7);
    const auto other = fitted(data, {{"biased", biased}}, 8);
    const auto loaded = cofi::load_model(cofi::save_model(*first), "nmf.model");
    REQUIRE(loaded->algorithm() == "nmf");
    bool differs = false;
    for (int32_t u = 0; u < data->num_users(); ++u)
      for (int32_t i = 0; i < data->num_items(); ++i) {
        const float want = first->predict(u, i).raw;
        CHECK(again->predict(u, i).raw == want);
        CHECK(loaded->predict(u, i).raw == want);
        differs = differs || other->predict(u, i).raw != want;
      }
    CHECK(differs);
    Profile person;
    person.items = {0, 3, 4};
    person.ratings = {5.0f, 1.0f, 4.0f};
    std::vector<float> a, b;
    first->score(person, a);
    loaded->score(person, b);
    CHECK(a == b);
  }
}

TEST_CASE("nmf: parameters are checked", "[nmf]") {
  auto error_of = [](ParamMap params) -> std::string {
    try {
      cofi::make_model("nmf", Params(std::move(params)));
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK_THAT(error_of({{"n_factors", "10"}}), Catch::Contains("n_factors"));
  CHECK_THAT(error_of({{"init_low", "-0.1"}}), Catch::Contains("init_low"));
  CHECK_THAT(error_of({{"init_low", "2"}, {"init_high", "1"}}), Catch::Contains("init_high"));
  CHECK_THAT(error_of({{"factors", "0"}}), Catch::Contains("factors"));
  CHECK(error_of({{"factors", "4"}, {"epochs", "3"}, {"biased", "true"}, {"reg_pu", "0.1"}, {"reg_qi", "0.1"},
                  {"reg_bu", "0.1"}, {"reg_bi", "0.1"}, {"lr_bu", "0.01"}, {"lr_bi", "0.01"}, {"init_low", "0.1"},
                  {"init_high", "0.9"}}) == "no error");
}
