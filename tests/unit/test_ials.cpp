// "ials" (implicit ALS, Hu, Koren and Volinsky 2008): the conjugate-gradient solves against the exact
// solution of the implicit normal equations computed here with Eigen, fold-in, loss, a planted
// preference, determinism, save/load.
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
#include "models/ials.h"
#include "models/model.h"

using cofi::Dataset;
using cofi::Model;
using cofi::Params;
using cofi::Profile;

namespace {

using cofi::test::load;

// Two taste groups: users g0..g5 watch items 0..5, users h0..h5 items 6..11. g0 has not seen
// item 5 and h0 has not seen item 11.
std::string planted() {
  std::string csv = "user,item,rating\n";
  for (int u = 0; u < 6; ++u)
    for (int i = 0; i < 6; ++i) {
      if (!(u == 0 && i == 5))
        csv += "g" + std::to_string(u) + ",i" + std::to_string(i) + "," + std::to_string(3 + (u + i) % 3) + "\n";
      if (!(u == 0 && i == 5))
        csv += "h" + std::to_string(u) + ",i" + std::to_string(i + 6) + "," + std::to_string(3 + (u * i) % 3) + "\n";
    }
  return csv;
}

std::unique_ptr<Model> fit_ials(std::shared_ptr<const Dataset> data, std::map<std::string, std::string> params,
                                uint64_t seed = 7) {
  auto m = cofi::make_model("ials", Params(std::move(params)));
  m->fit(std::move(data), seed);
  return m;
}

const cofi::Ials& ials(const Model& m) { return dynamic_cast<const cofi::Ials&>(m); }

using cofi::test::scores_of;

// The exact user factors against the model's items: (Y^T C_u Y + reg I)^-1 Y^T C_u p_u.
Eigen::VectorXd exact_user(const cofi::Ials& m, const Dataset& data, int32_t u) {
  const int k = m.factors();
  const int32_t n = data.num_items();
  Eigen::MatrixXd y(n, k);
  for (int32_t i = 0; i < n; ++i)
    for (int f = 0; f < k; ++f) y(i, f) = m.item_factors()[static_cast<size_t>(i * k + f)];
  Eigen::VectorXd c = Eigen::VectorXd::Ones(n), p = Eigen::VectorXd::Zero(n);
  const cofi::SparseRow row = data.by_user().row(u);
  for (int32_t r = 0; r < row.size; ++r) {
    c(row.index[r]) = m.confidence(row.value[r]);
    p(row.index[r]) = 1.0;
  }
  const Eigen::MatrixXd a = y.transpose() * c.asDiagonal() * y + m.reg() * Eigen::MatrixXd::Identity(k, k);
  return a.ldlt().solve(y.transpose() * c.asDiagonal() * p);
}

double distance_to_exact(const cofi::Ials& m, const Dataset& data) {
  double worst = 0.0;
  const int k = m.factors();
  for (int32_t u = 0; u < data.num_users(); ++u) {
    const Eigen::VectorXd x = exact_user(m, data, u);
    for (int f = 0; f < k; ++f)
      worst = std::max(worst, std::abs(m.user_factors()[static_cast<size_t>(u * k + f)] - x(f)));
  }
  return worst;
}

}  // namespace

TEST_CASE("ials: conjugate gradient converges to the exact solve of the implicit normal equations", "[ials]") {
  const auto data = load(planted());
  const std::map<std::string, std::string> base = {{"factors", "4"}, {"epochs", "3"}, {"reg", "0.5"}, {"alpha", "2"}};
  SECTION("cg_steps = 0 solves exactly") {
    auto params = base;
    params["cg_steps"] = "0";
    const auto model = fit_ials(data, params);
    CHECK(distance_to_exact(ials(*model), *data) < 1e-5);
  }
  SECTION("as many CG steps as factors reach the exact solution (a k-dimensional system)") {
    auto params = base;
    params["cg_steps"] = "4";
    const auto model = fit_ials(data, params);
    CHECK(distance_to_exact(ials(*model), *data) < 1e-4);
  }
  SECTION("one warm-started CG step per epoch is only an approximation") {
    auto params = base;
    params["cg_steps"] = "1";
    const auto model = fit_ials(data, params);
    CHECK(distance_to_exact(ials(*model), *data) > 1e-3);
  }
}

TEST_CASE("ials: confidence is 1 + alpha r, or 1 + alpha with binary=true", "[ials]") {
  const auto rated = cofi::make_model("ials", Params(std::map<std::string, std::string>{{"alpha", "3"}}));
  CHECK(ials(*rated).confidence(4.0f) == Approx(13.0));
  const auto binary = cofi::make_model("ials", Params({{"alpha", "3"}, {"binary", "true"}}));
  CHECK(binary->algorithm() == "ials");
  CHECK(ials(*binary).confidence(4.0f) == Approx(4.0));
}

TEST_CASE("ials: folding in a copy of a training user", "[ials]") {
  const auto data = load(planted());
  SECTION("equals the training solve exactly when training solves exactly") {
    const auto model = fit_ials(data, {{"factors", "5"}, {"epochs", "4"}, {"cg_steps", "0"}});
    for (int32_t u = 0; u < data->num_users(); ++u) {
      Profile copy = Profile::of_user(*data, u);
      copy.user = -1;
      CHECK(scores_of(*model, copy) == scores_of(*model, Profile::of_user(*data, u)));
    }
  }
  SECTION("is close to the CG-trained user") {
    const auto model = fit_ials(data, {{"factors", "5"}, {"epochs", "10"}});
    for (int32_t u = 0; u < data->num_users(); ++u) {
      Profile copy = Profile::of_user(*data, u);
      copy.user = -1;
      const std::vector<float> folded = scores_of(*model, copy), trained = scores_of(*model, Profile::of_user(*data, u));
      for (size_t i = 0; i < folded.size(); ++i) CHECK(folded[i] == Approx(trained[i]).margin(0.02));
    }
  }
}

TEST_CASE("ials: the loss never increases and the planted preference ranks first", "[ials]") {
  const auto data = load(planted());
  for (const char* steps : {"0", "3"}) {
    INFO("cg_steps " << steps);
    std::vector<double> losses;
    cofi::FitOptions options;
    options.seed = 1;
    options.on_epoch = [&](const cofi::EpochReport& r) {
      losses.push_back(r.loss);
      return true;
    };
    auto model = cofi::make_model("ials", Params({{"factors", "4"}, {"epochs", "8"}, {"cg_steps", steps}, {"reg", "0.1"}}));
    model->fit(data, options);
    REQUIRE(losses.size() == 8);
    for (size_t e = 1; e < losses.size(); ++e) CHECK(losses[e] <= losses[e - 1] * (1.0 + 1e-6));
    const int32_t g0 = data->users().find("g0"), h0 = data->users().find("h0");
    const auto top_g = model->recommend(Profile::of_user(*data, g0), 1);
    const auto top_h = model->recommend(Profile::of_user(*data, h0), 1);
    REQUIRE(top_g.size() == 1);
    REQUIRE(top_h.size() == 1);
    CHECK(data->items().id(top_g[0].item) == "i5");
    CHECK(data->items().id(top_h[0].item) == "i11");
    // A new person who saw most of the second group's items gets the rest of them.
    Profile person;
    for (const char* item : {"i6", "i7", "i8", "i9"}) {
      person.items.push_back(data->items().find(item));
      person.ratings.push_back(5.0f);
    }
    const auto top = model->recommend(person, 2);
    REQUIRE(top.size() == 2);
    const std::string first = data->items().id(top[0].item), second = data->items().id(top[1].item);
    CHECK(((first == "i10" && second == "i11") || (first == "i11" && second == "i10")));
  }
}

TEST_CASE("ials: predict is x_u.y_i unclipped in raw, clipped in value", "[ials]") {
  const auto data = load(planted());
  const auto model = fit_ials(data, {{"factors", "3"}, {"epochs", "3"}});
  const cofi::Ials& m = ials(*model);
  const float* x = m.user_factors().data() + 3 * 2;
  const float* y = m.item_factors().data() + 3 * 4;
  const cofi::Prediction p = model->predict(2, 4);
  CHECK(p.raw == Approx(x[0] * y[0] + x[1] * y[1] + x[2] * y[2]));
  CHECK(p.raw < 1.5f);  // a preference near 0..1, not a rating
  CHECK(p.value == Approx(std::max(p.raw, data->rating_min())));
  CHECK(model->predict(-1, 4).fallback);
  CHECK(model->predict(-1, 4).raw == 0.0f);
}

TEST_CASE("ials: deterministic for a seed, save and load predict bit-identically", "[ials]") {
  const auto data = load(planted());
  const auto a = fit_ials(data, {{"factors", "4"}, {"epochs", "3"}}, 5);
  const auto b = fit_ials(data, {{"factors", "4"}, {"epochs", "3"}}, 5);
  const auto c = fit_ials(data, {{"factors", "4"}, {"epochs", "3"}}, 6);
  CHECK(ials(*a).user_factors() == ials(*b).user_factors());
  CHECK(ials(*a).item_factors() == ials(*b).item_factors());
  CHECK(ials(*a).user_factors() != ials(*c).user_factors());

  const auto loaded = cofi::load_model(cofi::save_model(*a), "ials.model");
  REQUIRE(loaded->algorithm() == "ials");
  for (int32_t u = 0; u < data->num_users(); ++u)
    for (int32_t i = 0; i < data->num_items(); ++i) CHECK(loaded->predict(u, i).raw == a->predict(u, i).raw);
  Profile person;
  person.items = {0, 3};
  person.ratings = {5.0f, 2.0f};
  CHECK(scores_of(*loaded, person) == scores_of(*a, person));
}
