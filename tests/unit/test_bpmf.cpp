// "bpmf" (Bayesian PMF by Gibbs sampling): prediction as the average over kept samples, the
// fold-in of a new person against the posterior-mean formula computed here with Eigen, recovery
// of planted low-rank data and of its noise level, determinism, save/load, parameters.
#include <catch2/catch.hpp>

#include "support.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "io/model_file.h"
#include "io/ratings_reader.h"
#include "models/bpmf.h"
#include "models/model.h"
#include "util/rng.h"

using cofi::Dataset;
using cofi::Model;
using cofi::Params;
using cofi::Profile;

namespace {

using cofi::test::load;

// 5 users x 5 items, 17 ratings.
const char* const kRatings =
    "user,item,rating\n"
    "u1,a,5\nu1,b,3\nu1,c,1\nu1,e,4\n"
    "u2,a,4\nu2,c,1\nu2,d,4\nu2,e,2\n"
    "u3,a,1\nu3,b,1\nu3,d,5\nu3,e,5\n"
    "u4,b,3\nu4,c,5\nu4,d,4\n"
    "u5,a,2\nu5,d,3\n";

std::unique_ptr<Model> fit_bpmf(std::shared_ptr<const Dataset> data, std::map<std::string, std::string> params,
                                uint64_t seed = 7) {
  auto m = cofi::make_model("bpmf", Params(std::move(params)));
  m->fit(std::move(data), seed);
  return m;
}

const cofi::Bpmf& bpmf(const Model& m) { return dynamic_cast<const cofi::Bpmf&>(m); }

using cofi::test::scores_of;

// Planted data: r = 3 + u . v + N(0, noise^2), rank 2, each pair observed with probability 0.5;
// every fifth observed pair goes to `test` (as "user,item,rating" text both).
void planted(double noise, std::string& train, std::string& test) {
  cofi::Rng rng(42);
  const int users = 80, items = 50, rank = 2;
  std::vector<double> u(users * rank), v(items * rank);
  for (auto& x : u) x = 0.8 * rng.normal();
  for (auto& x : v) x = 0.8 * rng.normal();
  std::ostringstream tr, te;
  tr << "user,item,rating\n";
  te << "user,item,rating\n";
  int observed = 0;
  for (int a = 0; a < users; ++a)
    for (int b = 0; b < items; ++b) {
      if (rng.uniform() >= 0.5) continue;
      double r = 3.0 + noise * rng.normal();
      for (int f = 0; f < rank; ++f) r += u[a * rank + f] * v[b * rank + f];
      (observed++ % 5 == 4 ? te : tr) << "u" << a << ",i" << b << "," << r << "\n";
    }
  train = tr.str();
  test = te.str();
}

}  // namespace

TEST_CASE("bpmf: with one kept sample, predict is mu + b_u + b_i + p_u.q_i of that sample", "[bpmf]") {
  const auto data = load(kRatings);
  const auto model = fit_bpmf(data, {{"factors", "3"}, {"burnin", "5"}, {"samples", "1"}});
  const cofi::Bpmf& m = bpmf(*model);
  REQUIRE(m.kept_samples() == 1);
  const int d = 4;
  for (int32_t u = 0; u < data->num_users(); ++u)
    for (int32_t i = 0; i < data->num_items(); ++i) {
      const float* x = m.user_vectors().data() + u * d;
      const float* y = m.item_vectors().data() + i * d;
      double expected = m.mu() + x[0] + y[0];
      for (int f = 1; f < d; ++f) expected += static_cast<double>(x[f]) * y[f];
      CHECK(model->predict(u, i).raw == Approx(expected).margin(1e-5));
      CHECK_FALSE(model->predict(u, i).fallback);
    }
  // Unknown ids drop their terms and are flagged.
  CHECK(model->predict(-1, 2).raw == Approx(m.mu() + m.item_vectors()[2 * d]).margin(1e-6));
  CHECK(model->predict(-1, 2).fallback);
  CHECK(model->predict(-1, -1).raw == Approx(m.mu()).margin(1e-6));
}

TEST_CASE("bpmf: a new person is folded in as the posterior mean given the sample", "[bpmf]") {
  const auto data = load(kRatings);
  const auto model = fit_bpmf(data, {{"factors", "2"}, {"burnin", "3"}, {"samples", "1"}, {"sample_alpha", "true"}});
  const cofi::Bpmf& m = bpmf(*model);
  const int k = 2, d = 3;
  Profile person;
  person.items = {0, 2, 3};
  person.ratings = {5.0f, 1.0f, 4.0f};
  // x = (Lambda + alpha Z^T Z)^-1 (alpha Z^T t + Lambda m), z = (1, q_i), t = r - mu - b_i.
  Eigen::MatrixXd z(3, d);
  Eigen::VectorXd t(3);
  for (int r = 0; r < 3; ++r) {
    const float* y = m.item_vectors().data() + person.items[r] * d;
    z(r, 0) = 1.0;
    for (int f = 0; f < k; ++f) z(r, f + 1) = y[f + 1];
    t(r) = person.ratings[r] - m.mu() - y[0];
  }
  const Eigen::Map<const Eigen::MatrixXd> lambda(m.user_prior_precision().data(), d, d);
  const Eigen::Map<const Eigen::VectorXd> mean(m.user_prior_mean().data(), d);
  const Eigen::VectorXd x =
      (lambda + m.alpha() * z.transpose() * z).ldlt().solve(m.alpha() * z.transpose() * t + lambda * mean);
  const auto scores = scores_of(*model, person);
  for (int32_t i = 0; i < data->num_items(); ++i) {
    const float* y = m.item_vectors().data() + i * d;
    const double expected = m.mu() + x(0) + y[0] + x(1) * y[1] + x(2) * y[2];
    CHECK(scores[static_cast<size_t>(i)] == Approx(expected).margin(1e-4));
  }
}

TEST_CASE("bpmf: recovers planted low-rank data and learns its noise level", "[bpmf]") {
  std::string train_text, test_text;
  planted(0.3, train_text, test_text);
  const auto train = load(train_text);
  const auto test = train->translate(cofi::read_ratings(test_text, "test.csv").data);
  const auto model = fit_bpmf(train, {{"factors", "4"}, {"burnin", "30"}, {"samples", "60"}, {"sample_alpha", "true"}}, 3);
  double se = 0.0, se_mean = 0.0;
  for (const auto& r : test) {
    const double e = r.value - model->predict(r.user, r.item).raw;
    const double e0 = r.value - train->global_mean();
    se += e * e;
    se_mean += e0 * e0;
  }
  const double rmse = std::sqrt(se / test.size()), rmse_mean = std::sqrt(se_mean / test.size());
  INFO("bpmf " << rmse << ", global mean " << rmse_mean << ", alpha " << bpmf(*model).alpha());
  CHECK(rmse < 0.45);          // the noise is 0.3; the signal's spread is about 0.9
  CHECK(rmse_mean > 0.7);
  // The noise precision is 1 / 0.09 = 11; fitted residuals are a little smaller than the noise.
  CHECK(bpmf(*model).alpha() > 7.0);
  CHECK(bpmf(*model).alpha() < 25.0);
}

TEST_CASE("bpmf: the training RMSE of the samples falls from the random start", "[bpmf]") {
  std::string train_text, test_text;
  planted(0.3, train_text, test_text);
  const auto train = load(train_text);
  std::vector<double> losses;
  cofi::FitOptions options;
  options.seed = 1;
  options.on_epoch = [&](const cofi::EpochReport& r) {
    losses.push_back(r.loss);
    return true;
  };
  auto model = cofi::make_model("bpmf", Params(std::map<std::string, std::string>{{"factors", "4"}, {"burnin", "10"}, {"samples", "5"}}));
  model->fit(train, options);
  REQUIRE(losses.size() == 15);
  CHECK(losses.back() < 0.5 * losses.front());
  CHECK(bpmf(*model).kept_samples() == 5);
}

TEST_CASE("bpmf: deterministic for a seed, save and load predict bit-identically", "[bpmf]") {
  const auto data = load(kRatings);
  const std::map<std::string, std::string> params{{"factors", "3"}, {"burnin", "2"}, {"samples", "4"}};
  const auto a = fit_bpmf(data, params, 5);
  const auto b = fit_bpmf(data, params, 5);
  const auto c = fit_bpmf(data, params, 6);
  CHECK(bpmf(*a).user_vectors() == bpmf(*b).user_vectors());
  CHECK(bpmf(*a).item_vectors() == bpmf(*b).item_vectors());
  CHECK(bpmf(*a).user_vectors() != bpmf(*c).user_vectors());

  const auto loaded = cofi::load_model(cofi::save_model(*a), "bpmf.model");
  REQUIRE(loaded->algorithm() == "bpmf");
  for (int32_t u = 0; u < data->num_users(); ++u)
    for (int32_t i = 0; i < data->num_items(); ++i) CHECK(loaded->predict(u, i).raw == a->predict(u, i).raw);
  Profile person;
  person.items = {0, 3};
  person.ratings = {5.0f, 2.0f};
  CHECK(scores_of(*loaded, person) == scores_of(*a, person));
  Profile known = Profile::of_user(*data, 1);
  CHECK(scores_of(*loaded, known) == scores_of(*a, known));
}

TEST_CASE("bpmf: implicit feedback keeps z_u = |N(u)|^-1/2 sum w_j and predicts from p_u + z_u", "[bpmf]") {
  std::string train_text, test_text;
  planted(0.3, train_text, test_text);
  const auto train = load(train_text);
  const auto model = fit_bpmf(train, {{"factors", "3"}, {"burnin", "6"}, {"samples", "1"}, {"implicit", "true"}}, 4);
  const cofi::Bpmf& m = bpmf(*model);
  const int k = 3, d = 4;
  REQUIRE(m.implicit_vectors().size() == static_cast<size_t>(train->num_items() * k));
  double largest_w = 0.0;
  for (float w : m.implicit_vectors()) largest_w = std::max(largest_w, std::fabs(static_cast<double>(w)));
  CHECK(largest_w > 1e-3);  // the w_j were sampled, not left at their zero start
  for (int32_t u = 0; u < train->num_users(); ++u) {
    const cofi::SparseRow row = train->by_user().row(u);
    const float* x = m.user_vectors().data() + u * d;
    const float* eff = m.effective_user_vectors().data() + u * d;
    CHECK(eff[0] == x[0]);
    for (int f = 0; f < k; ++f) {
      double z = 0.0;
      for (int32_t r = 0; r < row.size; ++r) z += m.implicit_vectors()[static_cast<size_t>(row.index[r] * k + f)];
      z /= std::sqrt(static_cast<double>(row.size));
      CHECK(eff[f + 1] == Approx(x[f + 1] + z).margin(1e-4));  // the incremental updates did not drift
    }
    for (int32_t i = 0; i < train->num_items(); i += 7) {
      const float* y = m.item_vectors().data() + i * d;
      double expected = m.mu() + eff[0] + y[0];
      for (int f = 1; f < d; ++f) expected += static_cast<double>(eff[f]) * y[f];
      CHECK(model->predict(u, i).raw == Approx(expected).margin(1e-4));
    }
  }
  // A new person: z from their items' w_j, then (b, p) the posterior mean with targets shifted by q_i . z.
  Profile person;
  person.items = {0, 2, 5};
  person.ratings = {5.0f, 1.0f, 4.0f};
  Eigen::VectorXd z = Eigen::VectorXd::Zero(k);
  for (int32_t j : person.items)
    for (int f = 0; f < k; ++f) z(f) += m.implicit_vectors()[static_cast<size_t>(j * k + f)];
  z /= std::sqrt(3.0);
  Eigen::MatrixXd zf(3, d);
  Eigen::VectorXd t(3);
  for (int r = 0; r < 3; ++r) {
    const float* y = m.item_vectors().data() + person.items[r] * d;
    zf(r, 0) = 1.0;
    for (int f = 0; f < k; ++f) zf(r, f + 1) = y[f + 1];
    t(r) = person.ratings[r] - m.mu() - y[0] - zf.row(r).tail(k).dot(z);
  }
  const Eigen::Map<const Eigen::MatrixXd> lambda(m.user_prior_precision().data(), d, d);
  const Eigen::Map<const Eigen::VectorXd> mean(m.user_prior_mean().data(), d);
  const Eigen::VectorXd x =
      (lambda + m.alpha() * zf.transpose() * zf).ldlt().solve(m.alpha() * zf.transpose() * t + lambda * mean);
  const auto scores = scores_of(*model, person);
  for (int32_t i = 0; i < train->num_items(); ++i) {
    const float* y = m.item_vectors().data() + i * d;
    double expected = m.mu() + x(0) + y[0];
    for (int f = 0; f < k; ++f) expected += (x(f + 1) + z(f)) * y[f + 1];
    CHECK(scores[static_cast<size_t>(i)] == Approx(expected).margin(1e-4));
  }
  // Save and load keep the implicit state.
  const auto loaded = cofi::load_model(cofi::save_model(*model), "bpmf.model");
  CHECK(scores_of(*loaded, person) == scores);
  CHECK(loaded->predict(3, 4).raw == model->predict(3, 4).raw);
}

TEST_CASE("bpmf: implicit feedback still recovers planted low-rank data", "[bpmf]") {
  std::string train_text, test_text;
  planted(0.3, train_text, test_text);
  const auto train = load(train_text);
  const auto test = train->translate(cofi::read_ratings(test_text, "test.csv").data);
  const auto model = fit_bpmf(
      train, {{"factors", "4"}, {"burnin", "30"}, {"samples", "60"}, {"sample_alpha", "true"}, {"implicit", "true"}}, 3);
  double se = 0.0;
  for (const auto& r : test) {
    const double e = r.value - model->predict(r.user, r.item).raw;
    se += e * e;
  }
  CHECK(std::sqrt(se / test.size()) < 0.45);
}

TEST_CASE("bpmf: parameters are checked", "[bpmf]") {
  CHECK_THROWS_AS(cofi::make_model("bpmf", Params(std::map<std::string, std::string>{{"factors", "0"}})), std::invalid_argument);
  CHECK_THROWS_AS(cofi::make_model("bpmf", Params(std::map<std::string, std::string>{{"samples", "0"}})), std::invalid_argument);
  CHECK_THROWS_AS(cofi::make_model("bpmf", Params(std::map<std::string, std::string>{{"alpha", "-1"}})), std::invalid_argument);
  CHECK_THROWS_AS(cofi::make_model("bpmf", Params(std::map<std::string, std::string>{{"regularisation", "1"}})), std::invalid_argument);
  CHECK_NOTHROW(cofi::make_model("bpmf", Params(std::map<std::string, std::string>{{"n_factors", "5"}, {"sample_alpha", "true"}, {"beta0", "1"}})));
}
