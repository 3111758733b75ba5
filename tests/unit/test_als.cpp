// "als" (explicit ALS-WR with biases): the user solve against the closed-form ridge solution
// computed here with Eigen, predictions from the factors, fold-in, loss, determinism, save/load.
#include <catch2/catch.hpp>

#include "support.h"

#include <Eigen/Dense>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/model_file.h"
#include "io/ratings_reader.h"
#include "models/als.h"
#include "models/model.h"

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

std::unique_ptr<Model> fit_als(std::shared_ptr<const Dataset> data, std::map<std::string, std::string> params,
                               uint64_t seed = 7) {
  auto m = cofi::make_model("als", Params(std::move(params)));
  m->fit(std::move(data), seed);
  return m;
}

const cofi::Als& als(const Model& m) { return dynamic_cast<const cofi::Als&>(m); }

using cofi::test::scores_of;

}  // namespace

TEST_CASE("als: each user's (bias, factors) is the ridge solution against the final items", "[als]") {
  const auto data = load(kRatings);
  const double reg = 0.1;
  const int k = 3;
  const auto model = fit_als(data, {{"factors", "3"}, {"epochs", "4"}, {"reg", "0.1"}});
  const cofi::Als& m = als(*model);
  const double mu = data->global_mean();
  for (int32_t u = 0; u < data->num_users(); ++u) {
    INFO("user " << u);
    const cofi::SparseRow row = data->by_user().row(u);
    // Features z_i = (1, q_i), targets r - mu - b_i; x = (Z^T Z + reg n_u I)^-1 Z^T t.
    Eigen::MatrixXd z(row.size, k + 1);
    Eigen::VectorXd t(row.size);
    for (int32_t r = 0; r < row.size; ++r) {
      const int32_t i = row.index[r];
      z(r, 0) = 1.0;
      for (int f = 0; f < k; ++f) z(r, f + 1) = m.item_factors()[static_cast<size_t>(i * k + f)];
      t(r) = row.value[r] - mu - m.item_bias()[static_cast<size_t>(i)];
    }
    const Eigen::MatrixXd a =
        z.transpose() * z + reg * row.size * Eigen::MatrixXd::Identity(k + 1, k + 1);
    const Eigen::VectorXd x = a.ldlt().solve(z.transpose() * t);
    CHECK(m.user_bias()[static_cast<size_t>(u)] == Approx(x(0)).margin(1e-5));
    for (int f = 0; f < k; ++f)
      CHECK(m.user_factors()[static_cast<size_t>(u * k + f)] == Approx(x(f + 1)).margin(1e-5));
  }
}

TEST_CASE("als: predict is mu + b_u + b_i + p_u.q_i, dropping unknown terms", "[als]") {
  const auto data = load(kRatings);
  const auto model = fit_als(data, {{"factors", "2"}, {"epochs", "3"}});
  const cofi::Als& m = als(*model);
  const float mu = static_cast<float>(data->global_mean());
  const int32_t u = 1, i = 3;
  const float* p = m.user_factors().data() + 2 * u;
  const float* q = m.item_factors().data() + 2 * i;
  const float expected = mu + m.user_bias()[1] + m.item_bias()[3] + p[0] * q[0] + p[1] * q[1];
  CHECK(model->predict(u, i).raw == Approx(expected).epsilon(1e-6));
  CHECK_FALSE(model->predict(u, i).fallback);
  const cofi::Prediction unknown_user = model->predict(-1, i);
  CHECK(unknown_user.fallback);
  CHECK(unknown_user.raw == Approx(mu + m.item_bias()[3]));
  const cofi::Prediction unknown_both = model->predict(-1, -1);
  CHECK(unknown_both.raw == Approx(mu));
  // The ranking score of a training user is the unclipped prediction.
  const std::vector<float> s = scores_of(*model, Profile::of_user(*data, u));
  for (int32_t j = 0; j < data->num_items(); ++j) CHECK(s[static_cast<size_t>(j)] == model->predict(u, j).raw);
}

TEST_CASE("als: folding in a copy of a training user gives that user's scores exactly", "[als]") {
  const auto data = load(kRatings);
  const auto model = fit_als(data, {{"factors", "4"}, {"epochs", "5"}});
  for (int32_t u = 0; u < data->num_users(); ++u) {
    Profile copy = Profile::of_user(*data, u);
    copy.user = -1;
    CHECK(scores_of(*model, copy) == scores_of(*model, Profile::of_user(*data, u)));
  }
  // A new person with different ratings gets different scores.
  Profile other;
  other.items = {0, 1};
  other.ratings = {1.0f, 5.0f};
  CHECK(scores_of(*model, other) != scores_of(*model, Profile::of_user(*data, 0)));
}

TEST_CASE("als: the regularised loss never increases and fits low-rank data", "[als]") {
  // Ratings from a rank-1 pattern plus biases: users like either the first or the second half.
  std::string csv = "user,item,rating\n";
  for (int u = 0; u < 30; ++u)
    for (int i = 0; i < 20; ++i) {
      if ((u * 7 + i * 3) % 4 == 0) continue;  // leave some pairs out
      const bool likes = (u % 2 == 0) == (i < 10);
      csv += "u" + std::to_string(u) + ",i" + std::to_string(i) + "," + (likes ? "5" : "1") + "\n";
    }
  const auto data = load(csv);
  std::vector<double> losses;
  cofi::FitOptions options;
  options.seed = 3;
  options.on_epoch = [&](const cofi::EpochReport& r) {
    losses.push_back(r.loss);
    return true;
  };
  auto model = cofi::make_model("als", Params({{"factors", "2"}, {"epochs", "10"}, {"reg", "0.01"}}));
  model->fit(data, options);
  REQUIRE(losses.size() == 10);
  for (size_t e = 1; e < losses.size(); ++e) CHECK(losses[e] <= losses[e - 1] * (1.0 + 1e-6));
  // The loss is mostly the regularisation by now; the fit itself is close.
  CHECK(losses.back() < 0.2);
  double sq = 0.0;
  for (const cofi::Rating& r : data->ratings()) {
    const double err = model->predict(r.user, r.item).raw - r.value;
    sq += err * err;
  }
  CHECK(std::sqrt(sq / static_cast<double>(data->num_ratings())) < 0.15);
  CHECK(model->predict(0, 0).value == Approx(5.0f).margin(0.2));
  CHECK(model->predict(0, 15).value == Approx(1.0f).margin(0.2));
}

TEST_CASE("als: deterministic for a seed, save and load predict bit-identically", "[als]") {
  const auto data = load(kRatings);
  const auto a = fit_als(data, {{"factors", "3"}, {"epochs", "3"}}, 5);
  const auto b = fit_als(data, {{"factors", "3"}, {"epochs", "3"}}, 5);
  const auto c = fit_als(data, {{"factors", "3"}, {"epochs", "3"}}, 6);
  CHECK(als(*a).user_factors() == als(*b).user_factors());
  CHECK(als(*a).item_factors() == als(*b).item_factors());
  CHECK(als(*a).user_factors() != als(*c).user_factors());

  const auto loaded = cofi::load_model(cofi::save_model(*a), "als.model");
  REQUIRE(loaded->algorithm() == "als");
  for (int32_t u = 0; u < data->num_users(); ++u)
    for (int32_t i = 0; i < data->num_items(); ++i) CHECK(loaded->predict(u, i).raw == a->predict(u, i).raw);
  Profile person;
  person.items = {0, 3};
  person.ratings = {5.0f, 2.0f};
  CHECK(scores_of(*loaded, person) == scores_of(*a, person));
}

TEST_CASE("als: parameters are checked", "[als]") {
  CHECK_THROWS_AS(cofi::make_model("als", Params(std::map<std::string, std::string>{{"factors", "0"}})), std::invalid_argument);
  CHECK_THROWS_AS(cofi::make_model("als", Params(std::map<std::string, std::string>{{"reg", "-1"}})), std::invalid_argument);
  CHECK_THROWS_AS(cofi::make_model("als", Params(std::map<std::string, std::string>{{"lr", "0.1"}})), std::invalid_argument);
  CHECK_NOTHROW(cofi::make_model("als", Params({{"factors", "8"}, {"epochs", "2"}, {"reg", "0.2"}, {"init_std", "0.05"}})));
}
