// co-clustering: the averages and predictions on a fixed assignment worked by hand, one epoch
// against a brute-force reassignment, fallbacks, new people, loss, determinism, save/load,
// parameters.
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
#include "models/co_clustering.h"
#include "models/model.h"
#include "util/rng.h"

using cofi::CoClustering;
using cofi::Dataset;
using cofi::Model;
using cofi::Params;
using cofi::Profile;

namespace {

using ParamMap = std::map<std::string, std::string>;

using cofi::test::load;

// Users u1..u4 = 0..3, items a..d = 0..3.
//        a  b  c  d     user means: u1 10/3, u2 7/2, u3 7/2, u4 5/2
//   u1   5  3  2  .     item means: a 3, b 3, c 7/2, d 4
//   u2   3  4  .  .     global mean 29/9
//   u3   .  2  5  .
//   u4   1  .  .  4
const char* const kTiny =
    "user,item,rating\n"
    "u1,a,5\nu1,b,3\nu1,c,2\n"
    "u2,a,3\nu2,b,4\n"
    "u3,b,2\nu3,c,5\n"
    "u4,a,1\nu4,d,4\n";

std::unique_ptr<Model> fitted(std::shared_ptr<const Dataset> data, ParamMap params, uint64_t seed = 0) {
  auto m = cofi::make_model("co-clustering", Params(std::move(params)));
  m->fit(std::move(data), seed);
  return m;
}

CoClustering& as_cc(const std::unique_ptr<Model>& m) { return dynamic_cast<CoClustering&>(*m); }

std::shared_ptr<const Dataset> generated(int users, int items, double density, uint64_t seed) {
  cofi::Rng rng(seed);
  std::string csv = "user,item,rating\n";
  for (int u = 0; u < users; ++u)
    for (int i = 0; i < items; ++i)
      if (rng.uniform() < density)
        csv += "u" + std::to_string(u) + ",i" + std::to_string(i) + "," +
               std::to_string(1 + static_cast<int>((u % 2 * 2 + i % 3 + rng.below(2)) % 5)) + "\n";
  return load(csv);
}

// The model's formula, from its public state.
double formula(const CoClustering& m, const Dataset& data, int32_t item, int32_t uc, double user_mean) {
  const auto col = data.by_item().row(item);
  double item_mean = 0;
  for (int32_t k = 0; k < col.size; ++k) item_mean += col.value[k];
  item_mean /= col.size;
  const int32_t ic = m.item_cluster()[static_cast<size_t>(item)];
  return m.cocluster_mean()[static_cast<size_t>(uc * m.item_clusters() + ic)] +
         (user_mean - m.user_cluster_mean()[static_cast<size_t>(uc)]) +
         (item_mean - m.item_cluster_mean()[static_cast<size_t>(ic)]);
}

double mean_of_user(const Dataset& data, int32_t u) {
  const auto row = data.by_user().row(u);
  double s = 0;
  for (int32_t k = 0; k < row.size; ++k) s += row.value[k];
  return s / row.size;
}

}  // namespace

TEST_CASE("co-clustering: averages and predictions on a fixed assignment, by hand", "[co-clustering]") {
  const auto data = load(kTiny);
  auto m = fitted(data, {{"user_clusters", "2"}, {"item_clusters", "3"}, {"epochs", "0"}});
  auto& cc = as_cc(m);
  // Users u1, u3 -> 0 and u2, u4 -> 1; items a, d -> 0, b, c -> 1, item cluster 2 empty.
  cc.assign(*data, {0, 1, 0, 1}, {0, 1, 1, 0});
  // A(uc 0) = (5 + 3 + 2 + 2 + 5) / 5 = 17/5;  A(uc 1) = (3 + 4 + 1 + 4) / 4 = 3
  CHECK(cc.user_cluster_mean()[0] == Approx(3.4));
  CHECK(cc.user_cluster_mean()[1] == Approx(3.0));
  // A(ic 0) = (5 + 3 + 1 + 4) / 4 = 13/4;  A(ic 1) = (3 + 4 + 2 + 2 + 5) / 5 = 16/5;  empty: global mean
  CHECK(cc.item_cluster_mean()[0] == Approx(3.25));
  CHECK(cc.item_cluster_mean()[1] == Approx(3.2));
  CHECK(cc.item_cluster_mean()[2] == Approx(29.0 / 9.0));
  // Co-clusters (uc, ic): (0,0) u1a = 5; (0,1) u1b, u1c, u3b, u3c = 12/4; (1,0) u2a, u4a, u4d = 8/3;
  // (1,1) u2b = 4; (0,2), (1,2) empty: the global mean.
  const auto& co = cc.cocluster_mean();
  CHECK(co[0 * 3 + 0] == Approx(5.0));
  CHECK(co[0 * 3 + 1] == Approx(3.0));
  CHECK(co[0 * 3 + 2] == Approx(29.0 / 9.0));
  CHECK(co[1 * 3 + 0] == Approx(8.0 / 3.0));
  CHECK(co[1 * 3 + 1] == Approx(4.0));
  CHECK(co[1 * 3 + 2] == Approx(29.0 / 9.0));
  // u1, b: A(0,1) + (mu_u1 - A(uc 0)) + (mu_b - A(ic 1)) = 3 + (10/3 - 17/5) + (3 - 16/5) = 41/15
  CHECK(m->predict(0, 1).raw == Approx(41.0 / 15.0));
  CHECK_FALSE(m->predict(0, 1).fallback);
  // u4, c: A(1,1) + (5/2 - 3) + (7/2 - 16/5) = 4 - 1/2 + 3/10 = 19/5
  CHECK(m->predict(3, 2).raw == Approx(3.8));
}

TEST_CASE("co-clustering: unknown user, item or both fall back", "[co-clustering]") {
  const auto m = fitted(load(kTiny), {{"user_clusters", "2"}, {"item_clusters", "2"}});
  auto p = m->predict(-1, 3);  // unknown user: the item's mean (d: 4)
  CHECK(p.fallback);
  CHECK(p.raw == Approx(4.0));
  p = m->predict(3, -1);  // unknown item: the user's mean (u4: 5/2)
  CHECK(p.fallback);
  CHECK(p.raw == Approx(2.5));
  p = m->predict(-1, -1);  // both: the global mean
  CHECK(p.fallback);
  CHECK(p.raw == Approx(29.0 / 9.0));
}

TEST_CASE("co-clustering: one epoch moves users, then items, by least squared error", "[co-clustering]") {
  const auto data = generated(30, 20, 0.5, 4);
  const uint64_t seed = 12;
  // The start: users then items uniform in [0, n) from the seed.
  cofi::Rng rng(seed);
  std::vector<int32_t> users(30), items(20);
  for (auto& c : users) c = static_cast<int32_t>(rng.below(3));
  for (auto& c : items) c = static_cast<int32_t>(rng.below(2));
  auto zero = fitted(data, {{"user_clusters", "3"}, {"item_clusters", "2"}, {"epochs", "0"}}, seed);
  CHECK(as_cc(zero).user_cluster() == users);
  CHECK(as_cc(zero).item_cluster() == items);
  const CoClustering& start = as_cc(zero);

  // Brute force: each user to the cluster with the least squared error (first on ties) under the
  // start's averages; then each item, with the users' new clusters and the same averages.
  std::vector<int32_t> new_users(30), new_items(20);
  for (int32_t u = 0; u < 30; ++u) {
    const auto row = data->by_user().row(u);
    double best = INFINITY;
    for (int32_t uc = 0; uc < 3; ++uc) {
      double err = 0;
      for (int32_t k = 0; k < row.size; ++k)
        err += std::pow(row.value[k] - formula(start, *data, row.index[k], uc, mean_of_user(*data, u)), 2);
      if (err < best) {
        best = err;
        new_users[static_cast<size_t>(u)] = uc;
      }
    }
  }
  for (int32_t i = 0; i < 20; ++i) {
    const auto col = data->by_item().row(i);
    double best = INFINITY;
    for (int32_t ic = 0; ic < 2; ++ic) {
      double err = 0;
      for (int32_t k = 0; k < col.size; ++k) {
        const int32_t u = col.index[k];
        const int32_t uc = new_users[static_cast<size_t>(u)];
        double item_mean = 0;
        for (int32_t q = 0; q < col.size; ++q) item_mean += col.value[q];
        item_mean /= col.size;
        const double est = start.cocluster_mean()[static_cast<size_t>(uc * 2 + ic)] +
                           (mean_of_user(*data, u) - start.user_cluster_mean()[static_cast<size_t>(uc)]) +
                           (item_mean - start.item_cluster_mean()[static_cast<size_t>(ic)]);
        err += std::pow(col.value[k] - est, 2);
      }
      if (err < best) {
        best = err;
        new_items[static_cast<size_t>(i)] = ic;
      }
    }
  }
  auto one = fitted(data, {{"user_clusters", "3"}, {"item_clusters", "2"}, {"epochs", "1"}}, seed);
  CHECK(as_cc(one).user_cluster() == new_users);
  CHECK(as_cc(one).item_cluster() == new_items);
  CHECK(new_users != users);  // the example does move someone
  // And the averages are recomputed from the new clusters.
  auto check = fitted(data, {{"user_clusters", "3"}, {"item_clusters", "2"}, {"epochs", "0"}});
  as_cc(check).assign(*data, new_users, new_items);
  CHECK(as_cc(one).cocluster_mean() == as_cc(check).cocluster_mean());
  CHECK(as_cc(one).user_cluster_mean() == as_cc(check).user_cluster_mean());
  CHECK(as_cc(one).item_cluster_mean() == as_cc(check).item_cluster_mean());
}

TEST_CASE("co-clustering: the loss is the training RMSE after each epoch, and falls", "[co-clustering]") {
  const auto data = generated(40, 30, 0.5, 8);
  auto m = cofi::make_model("co-clustering", Params());
  std::vector<double> losses;
  cofi::FitOptions options;
  options.seed = 2;
  options.on_epoch = [&](const cofi::EpochReport& r) {
    losses.push_back(r.loss);
    return true;
  };
  m->fit(data, options);
  REQUIRE(losses.size() == 20);
  CHECK(losses.back() <= losses.front());
  double sq = 0;
  for (const auto& r : data->ratings()) sq += std::pow(m->predict(r.user, r.item).raw - r.value, 2);
  CHECK(std::sqrt(sq / static_cast<double>(data->num_ratings())) == Approx(losses.back()).epsilon(1e-5));
}

TEST_CASE("co-clustering: a new person joins the user cluster that fits their ratings best", "[co-clustering]") {
  const auto data = generated(40, 30, 0.5, 8);
  const auto m = fitted(data, {});
  const auto& cc = as_cc(m);
  Profile person;
  person.items = {0, 4, 7, 12, 20};
  person.ratings = {5.0f, 1.0f, 4.0f, 2.0f, 5.0f};
  const double mean = 17.0 / 5.0;
  int32_t best_uc = 0;
  double best = INFINITY;
  for (int32_t uc = 0; uc < cc.user_clusters(); ++uc) {
    double err = 0;
    for (size_t k = 0; k < person.items.size(); ++k)
      err += std::pow(person.ratings[k] - formula(cc, *data, person.items[k], uc, mean), 2);
    if (err < best) {
      best = err;
      best_uc = uc;
    }
  }
  std::vector<float> scores;
  m->score(person, scores);
  REQUIRE(scores.size() == 30);
  for (int32_t i = 0; i < 30; ++i)
    CHECK(scores[static_cast<size_t>(i)] == Approx(formula(cc, *data, i, best_uc, mean)).margin(1e-5));
  // A training user keeps their cluster and mean: scores are their predictions.
  m->score(Profile::of_user(*data, 3), scores);
  for (int32_t i = 0; i < 30; ++i) CHECK(scores[static_cast<size_t>(i)] == m->predict(3, i).raw);
}

TEST_CASE("co-clustering: deterministic for a seed, a saved model predicts bit-identically", "[co-clustering]") {
  const auto data = generated(40, 30, 0.5, 6);
  const auto first = fitted(data, {{"n_cltr_u", "4"}}, 5);
  const auto again = fitted(data, {{"n_cltr_u", "4"}}, 5);
  CHECK(as_cc(first).user_clusters() == 4);
  CHECK(as_cc(first).user_cluster() == as_cc(again).user_cluster());
  CHECK(as_cc(first).item_cluster() == as_cc(again).item_cluster());
  const auto loaded = cofi::load_model(cofi::save_model(*first), "cc.model");
  REQUIRE(loaded->algorithm() == "co-clustering");
  for (int32_t u = 0; u < data->num_users(); ++u)
    for (int32_t i = 0; i < data->num_items(); ++i) {
      const float want = first->predict(u, i).raw;
      CHECK(again->predict(u, i).raw == want);
      CHECK(loaded->predict(u, i).raw == want);
    }
  Profile person;
  person.items = {1, 2};
  person.ratings = {4.0f, 2.0f};
  std::vector<float> a, b;
  first->score(person, a);
  loaded->score(person, b);
  CHECK(a == b);
}

TEST_CASE("co-clustering: parameters are checked, Surprise's names accepted", "[co-clustering]") {
  auto error_of = [](ParamMap params) -> std::string {
    try {
      cofi::make_model("co-clustering", Params(std::move(params)));
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK_THAT(error_of({{"clusters", "3"}}), Catch::Contains("'clusters'"));
  CHECK_THAT(error_of({{"user_clusters", "0"}}), Catch::Contains("user_clusters"));
  CHECK_THAT(error_of({{"user_clusters", "3"}, {"n_cltr_u", "3"}}), Catch::Contains("n_cltr_u"));
  CHECK(error_of({{"n_cltr_u", "5"}, {"n_cltr_i", "2"}, {"epochs", "3"}}) == "no error");
  CHECK(error_of({{"user_clusters", "5"}, {"item_clusters", "2"}}) == "no error");
  const auto m = cofi::make_model("co-clustering", Params(ParamMap{{"n_cltr_i", "7"}}));
  CHECK(dynamic_cast<const CoClustering&>(*m).item_clusters() == 7);
  // assign() refuses clusters out of range.
  const auto data = load(kTiny);
  auto fit = fitted(data, {{"user_clusters", "2"}, {"item_clusters", "2"}});
  CHECK_THROWS_AS(as_cc(fit).assign(*data, {0, 1, 2, 0}, {0, 0, 0, 0}), std::invalid_argument);
  CHECK_THROWS_AS(as_cc(fit).assign(*data, {0, 1}, {0, 0, 0, 0}), std::invalid_argument);
}
