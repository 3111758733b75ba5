// svd and svdpp: one svd epoch by hand and against a plain re-implementation with the same random
// draws; svdpp's O(|R| k) epoch against Surprise's literal per-rating y_j updates; determinism,
// decreasing loss, unknown users and items, the fold-in of a new person (normal equations and
// optimality), similar items, save/load bit for bit, parameters.
#include <algorithm>
#include <catch2/catch.hpp>

#include "support.h"
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/model_file.h"
#include "io/ratings_reader.h"
#include "models/model.h"
#include "models/svd.h"
#include "models/svdpp.h"
#include "util/rng.h"

using cofi::Dataset;
using cofi::Model;
using cofi::Params;
using cofi::Profile;

namespace {

using ParamMap = std::map<std::string, std::string>;

using cofi::test::load;

// Users A (0), B (1), C (2); items x (0), y (1), z (2).
//        x  y  z
//   A    4  2  .        mu = 18 / 6 = 3
//   B    5  .  3        all_ratings order: (A,x,4) (A,y,2) (B,x,5) (B,z,3) (C,y,1) (C,z,3)
//   C    .  1  3
const char* const kThree = "user,item,rating\nA,x,4\nA,y,2\nB,x,5\nB,z,3\nC,y,1\nC,z,3\n";

std::unique_ptr<Model> fitted(const std::string& algo, std::shared_ptr<const Dataset> data, ParamMap params,
                              uint64_t seed = 0) {
  auto m = cofi::make_model(algo, Params(std::move(params)));
  m->fit(std::move(data), seed);
  return m;
}

const cofi::Svd& as_svd(const std::unique_ptr<Model>& m) { return dynamic_cast<const cofi::Svd&>(*m); }
const cofi::SvdPP& as_svdpp(const std::unique_ptr<Model>& m) { return dynamic_cast<const cofi::SvdPP&>(*m); }

// Ratings from a planted low-rank taste model plus noise, rounded to 1..5.
std::shared_ptr<const Dataset> generated(int users, int items, double density, uint64_t seed) {
  cofi::Rng rng(seed);
  std::vector<double> taste(static_cast<size_t>(users) * 2), trait(static_cast<size_t>(items) * 2);
  for (auto& t : taste) t = rng.normal();
  for (auto& t : trait) t = rng.normal();
  std::string csv = "user,item,rating\n";
  for (int u = 0; u < users; ++u)
    for (int i = 0; i < items; ++i) {
      if (rng.uniform() >= density) continue;
      const double r =
          3.0 + 0.8 * (taste[2 * u] * trait[2 * i] + taste[2 * u + 1] * trait[2 * i + 1]) + 0.5 * rng.normal();
      const int rating = static_cast<int>(std::lround(std::min(5.0, std::max(1.0, r))));
      csv += "u" + std::to_string(u) + ",i" + std::to_string(i) + "," + std::to_string(rating) + "\n";
    }
  return load(csv);
}

// Surprise's SVD written plainly (float32, like the model), for comparison.
struct PlainSvd {
  std::vector<float> bu, bi, p, q;
};

PlainSvd plain_svd(const Dataset& d, int k, int epochs, float lr, float reg, double init_std, uint64_t seed,
                   bool biased) {
  PlainSvd s;
  s.bu.assign(static_cast<size_t>(d.num_users()), 0.0f);
  s.bi.assign(static_cast<size_t>(d.num_items()), 0.0f);
  s.p.resize(static_cast<size_t>(d.num_users() * k));
  s.q.resize(static_cast<size_t>(d.num_items() * k));
  cofi::Rng rng(seed);
  for (auto& x : s.p) x = static_cast<float>(init_std * rng.normal());
  for (auto& x : s.q) x = static_cast<float>(init_std * rng.normal());
  const float mu = biased ? static_cast<float>(d.global_mean()) : 0.0f;
  for (int e = 0; e < epochs; ++e)
    for (const cofi::Rating& r : d.ratings()) {
      float* p = &s.p[static_cast<size_t>(r.user * k)];
      float* q = &s.q[static_cast<size_t>(r.item * k)];
      float& bu = s.bu[static_cast<size_t>(r.user)];
      float& bi = s.bi[static_cast<size_t>(r.item)];
      float dot = 0.0f;
      for (int f = 0; f < k; ++f) dot += q[f] * p[f];
      const float err = r.value - (mu + bu + bi + dot);
      if (biased) {
        bu += lr * (err - reg * bu);
        bi += lr * (err - reg * bi);
      }
      for (int f = 0; f < k; ++f) {
        const float puf = p[f], qif = q[f];
        p[f] = puf + lr * (err * qif - reg * puf);
        q[f] = qif + lr * (err * puf - reg * qif);
      }
    }
  return s;
}

// Surprise's SVDpp written literally: z recomputed from the y_j for every rating and every y_j of
// the user updated after every rating (O(|N(u)|) per rating).
struct PlainSvdpp {
  std::vector<float> bu, bi, p, q, y;
};

PlainSvdpp plain_svdpp(const Dataset& d, int k, int epochs, float lr, float reg, uint64_t seed) {
  PlainSvdpp s;
  s.bu.assign(static_cast<size_t>(d.num_users()), 0.0f);
  s.bi.assign(static_cast<size_t>(d.num_items()), 0.0f);
  s.p.resize(static_cast<size_t>(d.num_users() * k));
  s.q.resize(static_cast<size_t>(d.num_items() * k));
  s.y.resize(static_cast<size_t>(d.num_items() * k));
  cofi::Rng rng(seed);
  for (auto& x : s.p) x = static_cast<float>(0.1 * rng.normal());
  for (auto& x : s.q) x = static_cast<float>(0.1 * rng.normal());
  for (auto& x : s.y) x = static_cast<float>(0.1 * rng.normal());
  const float mu = static_cast<float>(d.global_mean());
  std::vector<float> z(static_cast<size_t>(k));
  for (int e = 0; e < epochs; ++e)
    for (const cofi::Rating& r : d.ratings()) {
      const cofi::SparseRow row = d.by_user().row(r.user);
      const float sqrt_n = std::sqrt(static_cast<float>(row.size));
      for (int f = 0; f < k; ++f) {
        z[static_cast<size_t>(f)] = 0.0f;
        for (int32_t n = 0; n < row.size; ++n)
          z[static_cast<size_t>(f)] += s.y[static_cast<size_t>(row.index[n] * k + f)] / sqrt_n;
      }
      float* p = &s.p[static_cast<size_t>(r.user * k)];
      float* q = &s.q[static_cast<size_t>(r.item * k)];
      float dot = 0.0f;
      for (int f = 0; f < k; ++f) dot += q[f] * (p[f] + z[static_cast<size_t>(f)]);
      const float err = r.value - (mu + s.bu[static_cast<size_t>(r.user)] + s.bi[static_cast<size_t>(r.item)] + dot);
      s.bu[static_cast<size_t>(r.user)] += lr * (err - reg * s.bu[static_cast<size_t>(r.user)]);
      s.bi[static_cast<size_t>(r.item)] += lr * (err - reg * s.bi[static_cast<size_t>(r.item)]);
      for (int f = 0; f < k; ++f) {
        const float puf = p[f], qif = q[f];
        p[f] = puf + lr * (err * qif - reg * puf);
        q[f] = qif + lr * (err * (puf + z[static_cast<size_t>(f)]) - reg * qif);
        for (int32_t n = 0; n < row.size; ++n) {
          float& yj = s.y[static_cast<size_t>(row.index[n] * k + f)];
          yj += lr * (err * qif / sqrt_n - reg * yj);
        }
      }
    }
  return s;
}

std::vector<double> epoch_losses(Model& m, std::shared_ptr<const Dataset> data, uint64_t seed) {
  std::vector<double> losses;
  cofi::FitOptions options;
  options.seed = seed;
  options.on_epoch = [&](const cofi::EpochReport& r) {
    losses.push_back(r.loss);
    return true;
  };
  m.fit(std::move(data), options);
  return losses;
}

// The fold-in's objective sum_r (r - mu - b - b_i - q_i.(p + z))^2 + reg_b b^2 + reg_p |p|^2, in double.
double fold_in_objective(const Profile& person, float mu, const std::vector<float>& item_bias,
                         const std::vector<float>& item_factors, const std::vector<float>& z, int k, double b,
                         const float* p, double reg_b, double reg_p) {
  double total = reg_b * b * b;
  for (int f = 0; f < k; ++f) total += reg_p * p[f] * p[f];
  for (size_t r = 0; r < person.items.size(); ++r) {
    const size_t i = static_cast<size_t>(person.items[r]);
    double est = static_cast<double>(mu) + b + item_bias[i];
    for (int f = 0; f < k; ++f)
      est += static_cast<double>(item_factors[i * static_cast<size_t>(k) + static_cast<size_t>(f)]) *
             (p[f] + z[static_cast<size_t>(f)]);
    total += (person.ratings[r] - est) * (person.ratings[r] - est);
  }
  return total;
}

// Checks that (b, p) satisfies the fold-in's normal equations: the gradient of the objective above,
//   d/db = -2 sum_r e_r + 2 reg_b b,   d/dp = -2 sum_r e_r q_i + 2 reg_p p,
// vanishes (up to the rounding of b and p to float).
void check_normal_equations(const Profile& person, float mu, const std::vector<float>& item_bias,
                            const std::vector<float>& item_factors, const std::vector<float>& z, int k,
                            const cofi::FoldedUser& folded, bool with_bias, double reg_b, double reg_p) {
  std::vector<double> residual_sum_q(static_cast<size_t>(k), 0.0);
  double residual_sum = 0.0, scale = 0.0;
  for (size_t r = 0; r < person.items.size(); ++r) {
    const size_t i = static_cast<size_t>(person.items[r]);
    const float* q = item_factors.data() + i * static_cast<size_t>(k);
    double est = static_cast<double>(mu) + folded.bias + item_bias[i];
    for (int f = 0; f < k; ++f)
      est += static_cast<double>(q[f]) * (folded.factors[static_cast<size_t>(f)] + z[static_cast<size_t>(f)]);
    const double e = person.ratings[r] - est;
    residual_sum += e;
    for (int f = 0; f < k; ++f) residual_sum_q[static_cast<size_t>(f)] += e * q[f];
    scale += std::fabs(e);
  }
  INFO("sum of |residuals| " << scale);
  if (with_bias) CHECK(residual_sum == Approx(reg_b * folded.bias).margin(1e-4));
  for (int f = 0; f < k; ++f)
    CHECK(residual_sum_q[static_cast<size_t>(f)] ==
          Approx(reg_p * folded.factors[static_cast<size_t>(f)]).margin(1e-4));
}

}  // namespace

// -------------------------------------------------------------------------------------------------
// svd

TEST_CASE("svd: one epoch by hand with constant starting factors", "[svd]") {
  // init_std 0: every factor starts at init_mean 0.1; k = 2, lr = 0.1, reg = 0.1.
  // (A,x,4): q.p = 2 * 0.01 = 0.02;  e = 4 - (3 + 0 + 0 + 0.02) = 0.98
  //   b_A = 0.1 * 0.98 = 0.098;  b_x = 0.098
  //   p_A = q_x = 0.1 + 0.1 (0.98 * 0.1 - 0.1 * 0.1) = 0.1088  (each of the 2 factors)
  // (A,y,2): q.p = 2 * 0.1088 * 0.1 = 0.02176;  e = 2 - (3 + 0.098 + 0 + 0.02176) = -1.11976
  //   b_A = 0.098 + 0.1 (-1.11976 - 0.1 * 0.098) = -0.014956
  //   p_A = 0.1088 + 0.1 (-1.11976 * 0.1 - 0.1 * 0.1088) = 0.0965144
  // A has no more ratings, so these are b_A and p_A after the epoch.
  const auto m = fitted(
      "svd", load(kThree),
      {{"factors", "2"}, {"epochs", "1"}, {"lr", "0.1"}, {"reg", "0.1"}, {"init_mean", "0.1"}, {"init_std", "0"}});
  const auto& svd = as_svd(m);
  CHECK(svd.mu() == 3.0f);
  CHECK(svd.user_bias()[0] == Approx(-0.014956).epsilon(1e-5));
  CHECK(svd.user_factors()[0] == Approx(0.0965144).epsilon(1e-5));
  CHECK(svd.user_factors()[1] == Approx(0.0965144).epsilon(1e-5));
}

TEST_CASE("svd: epochs equal a plain implementation with the same random draws", "[svd]") {
  const auto data = load(kThree);
  for (bool biased : {true, false}) {
    INFO("biased " << biased);
    // k = 3 < 4: the kernels' dot reduces to the plain running sum, so the results agree bit for bit.
    const auto m = fitted(
        "svd", data,
        {{"factors", "3"}, {"epochs", "2"}, {"lr", "0.05"}, {"reg", "0.1"}, {"biased", biased ? "true" : "false"}}, 42);
    const PlainSvd want = plain_svd(*data, 3, 2, 0.05f, 0.1f, 0.1, 42, biased);
    const auto& svd = as_svd(m);
    CHECK(svd.user_bias() == want.bu);
    CHECK(svd.item_bias() == want.bi);
    CHECK(svd.user_factors() == want.p);
    CHECK(svd.item_factors() == want.q);
    if (!biased) {
      for (float b : svd.user_bias()) CHECK(b == 0.0f);
    }
  }
  // With more factors the dot's summation order differs from the running sum: agreement to rounding.
  const auto big = generated(30, 25, 0.4, 3);
  const auto m = fitted("svd", big, {{"factors", "13"}, {"epochs", "3"}}, 9);
  const PlainSvd want = plain_svd(*big, 13, 3, 0.005f, 0.02f, 0.1, 9, true);
  const auto& got = as_svd(m).user_factors();
  for (size_t x = 0; x < got.size(); ++x) CHECK(got[x] == Approx(want.p[x]).margin(1e-5));
}

TEST_CASE("svd: predictions, unknown users and items", "[svd]") {
  const auto data = load(kThree);
  const auto m = fitted("svd", data, {{"factors", "3"}, {"epochs", "5"}}, 1);
  const auto& s = as_svd(m);
  const auto dot = [&](int u, int i) {
    float sum = 0.0f;
    for (int f = 0; f < 3; ++f)
      sum += s.item_factors()[static_cast<size_t>(i * 3 + f)] * s.user_factors()[static_cast<size_t>(u * 3 + f)];
    return sum;
  };
  const cofi::Prediction known = m->predict(0, 2);
  CHECK_FALSE(known.fallback);
  CHECK(known.raw == s.mu() + s.user_bias()[0] + s.item_bias()[2] + dot(0, 2));
  // As Surprise: an unknown user keeps mu + b_i, an unknown item mu + b_u; both are flagged.
  CHECK(m->predict(-1, 2).raw == s.mu() + s.item_bias()[2]);
  CHECK(m->predict(-1, 2).fallback);
  CHECK(m->predict(1, -1).raw == s.mu() + s.user_bias()[1]);
  CHECK(m->predict(-1, -1).raw == s.mu());
  // Unbiased: the global mean, flagged.
  const auto u = fitted("svd", data, {{"factors", "3"}, {"biased", "false"}}, 1);
  CHECK(u->predict(-1, 0).raw == 3.0f);
  CHECK(u->predict(-1, 0).fallback);
  CHECK(u->predict(0, 0).raw == as_svd(u).item_factors()[0] * as_svd(u).user_factors()[0] +
                                    as_svd(u).item_factors()[1] * as_svd(u).user_factors()[1] +
                                    as_svd(u).item_factors()[2] * as_svd(u).user_factors()[2]);
}

TEST_CASE("svd and svdpp: the same seed gives the same model, another seed another", "[svd]") {
  const auto data = generated(25, 20, 0.5, 5);
  for (const char* algo : {"svd", "svdpp"}) {
    INFO(algo);
    const auto a = fitted(algo, data, {{"factors", "8"}, {"epochs", "4"}}, 123);
    const auto b = fitted(algo, data, {{"factors", "8"}, {"epochs", "4"}}, 123);
    const auto c = fitted(algo, data, {{"factors", "8"}, {"epochs", "4"}}, 124);
    bool differs = false;
    for (int32_t u = 0; u < data->num_users(); ++u)
      for (int32_t i = 0; i < data->num_items(); ++i) {
        CHECK(a->predict(u, i).raw == b->predict(u, i).raw);
        differs = differs || a->predict(u, i).raw != c->predict(u, i).raw;
      }
    CHECK(differs);
  }
}

TEST_CASE("svd and svdpp: the training loss decreases every epoch", "[svd]") {
  const auto data = generated(60, 40, 0.4, 8);
  for (const char* algo : {"svd", "svdpp"}) {
    INFO(algo);
    auto m = cofi::make_model(algo, Params(ParamMap{{"epochs", "15"}}));
    const auto losses = epoch_losses(*m, data, 2);
    REQUIRE(losses.size() == 15);
    for (size_t e = 1; e < losses.size(); ++e) {
      INFO("epoch " << e + 1 << ": " << losses[e - 1] << " -> " << losses[e]);
      CHECK(losses[e] < losses[e - 1]);
    }
    CHECK(losses.back() < 0.8 * losses.front());
  }
}

TEST_CASE("svd: with fold_in=ridge a new person is folded in by ridge regression", "[svd]") {
  const auto data = generated(40, 30, 0.5, 21);
  for (bool biased : {true, false}) {
    INFO("biased " << biased);
    const auto m = fitted("svd", data, {{"factors", "6"}, {"epochs", "10"}, {"biased", biased ? "true" : "false"}, {"fold_in", "ridge"}}, 4);
    const auto& s = as_svd(m);
    const std::vector<float> no_offset(6, 0.0f);
    for (int32_t user : {0, 7, 19}) {
      INFO("user " << user);
      // The user's own ratings as a new person: a different problem from the SGD fit (batch ridge
      // versus a few SGD epochs with the items moving), so the solutions differ; but the fold-in
      // must solve its own problem exactly and do at least as well on it as the learned (b_u, p_u).
      Profile person = Profile::of_user(*data, user);
      person.user = -1;
      const cofi::FoldedUser folded = s.fold_in(person);
      check_normal_equations(person, s.mu(), s.item_bias(), s.item_factors(), no_offset, 6, folded, biased, 0.02, 0.02);
      const double at_fold_in = fold_in_objective(person, s.mu(), s.item_bias(), s.item_factors(), no_offset, 6,
                                                  folded.bias, folded.factors.data(), biased ? 0.02 : 0.0, 0.02);
      const double at_learned = fold_in_objective(
          person, s.mu(), s.item_bias(), s.item_factors(), no_offset, 6, s.user_bias()[static_cast<size_t>(user)],
          &s.user_factors()[static_cast<size_t>(user * 6)], biased ? 0.02 : 0.0, 0.02);
      CHECK(at_fold_in <= at_learned + 1e-9);
      if (!biased) CHECK(folded.bias == 0.0f);
      // score() uses the folded-in person for every item; the known user's scores use the learned factors.
      std::vector<float> scores, known_scores;
      m->score(person, scores);
      m->score(Profile::of_user(*data, user), known_scores);
      for (int32_t i = 0; i < data->num_items(); ++i) {
        float dot = 0.0f, dot_known = 0.0f;
        for (int f = 0; f < 6; ++f) {
          dot += s.item_factors()[static_cast<size_t>(i * 6 + f)] * folded.factors[static_cast<size_t>(f)];
          dot_known +=
              s.item_factors()[static_cast<size_t>(i * 6 + f)] * s.user_factors()[static_cast<size_t>(user * 6 + f)];
        }
        CHECK(scores[static_cast<size_t>(i)] ==
              Approx(s.mu() + folded.bias + s.item_bias()[static_cast<size_t>(i)] + dot).margin(1e-5));
        CHECK(known_scores[static_cast<size_t>(i)] == m->predict(user, i).raw);
        CHECK(known_scores[static_cast<size_t>(i)] == Approx(s.mu() + s.user_bias()[static_cast<size_t>(user)] +
                                                             s.item_bias()[static_cast<size_t>(i)] + dot_known)
                                                          .margin(1e-5));
      }
    }
  }
  // By hand, one factor, no bias: ratings r_a = 2 of item a with q_a = 1 -> p = q r / (q^2 + reg).
  const auto tiny = load(kThree);
  const auto m = fitted("svd", tiny, {{"factors", "1"}, {"epochs", "0"}, {"biased", "false"}, {"reg_pu", "0.5"}, {"fold_in", "ridge"}}, 3);
  const float q0 = as_svd(m).item_factors()[0];
  Profile person;
  person.items = {0};
  person.ratings = {2.0f};
  CHECK(as_svd(m).fold_in(person).factors[0] == Approx(q0 * 2.0 / (q0 * q0 + 0.5)));
}

TEST_CASE("svd: a new person is folded in by the training SGD, items fixed", "[svd]") {
  const auto data = generated(40, 30, 0.5, 23);
  for (bool biased : {true, false}) {
    INFO("biased " << biased);
    const auto m = fitted("svd", data, {{"factors", "4"}, {"epochs", "7"}, {"lr", "0.01"}, {"reg_pu", "0.05"},
                                        {"biased", biased ? "true" : "false"}}, 2);
    const auto& s = as_svd(m);
    Profile person;
    person.items = {4, 1, 9, 2};  // not in index order: the steps follow the person's order
    person.ratings = {5.0f, 2.0f, 4.5f, 1.0f};
    // The epochs written out in double (the model steps in float): b and p from 0, q and b_i fixed.
    double b = 0.0;
    std::vector<double> p(4, 0.0);
    for (int epoch = 0; epoch < 7; ++epoch)
      for (size_t r = 0; r < person.items.size(); ++r) {
        const size_t i = static_cast<size_t>(person.items[r]);
        double est = s.mu() + b + s.item_bias()[i];
        for (size_t f = 0; f < 4; ++f) est += s.item_factors()[i * 4 + f] * p[f];
        const double err = person.ratings[r] - est;
        if (biased) b += 0.01 * (err - 0.02 * b);
        for (size_t f = 0; f < 4; ++f) p[f] += 0.01 * (err * s.item_factors()[i * 4 + f] - 0.05 * p[f]);
      }
    const cofi::FoldedUser folded = s.fold_in(person);
    CHECK(folded.bias == Approx(b).margin(1e-5));
    for (size_t f = 0; f < 4; ++f) CHECK(folded.factors[f] == Approx(p[f]).margin(1e-5));
    if (!biased) CHECK(folded.bias == 0.0f);
    // The steps moved the person toward their ratings: closer than the item biases alone.
    double before = 0.0, after = 0.0;
    for (size_t r = 0; r < person.items.size(); ++r) {
      const size_t i = static_cast<size_t>(person.items[r]);
      double est = s.mu() + folded.bias + s.item_bias()[i];
      for (size_t f = 0; f < 4; ++f) est += s.item_factors()[i * 4 + f] * folded.factors[f];
      before += std::pow(person.ratings[r] - (s.mu() + s.item_bias()[i]), 2);
      after += std::pow(person.ratings[r] - est, 2);
    }
    CHECK(after < before);
  }
  // No epochs: nothing learned, the person is the average person.
  const auto none = fitted("svd", data, {{"factors", "4"}, {"epochs", "0"}}, 2);
  Profile someone;
  someone.items = {3};
  someone.ratings = {5.0f};
  const cofi::FoldedUser zero = as_svd(none).fold_in(someone);
  CHECK(zero.bias == 0.0f);
  CHECK(zero.factors == std::vector<float>(4, 0.0f));
  CHECK_THROWS_AS(fitted("svd", data, {{"fold_in", "exact"}}, 1), std::invalid_argument);
}

TEST_CASE("svd and svdpp: recommend for a new person without retraining", "[svd]") {
  const auto data = generated(40, 30, 0.5, 22);
  for (const char* algo : {"svd", "svdpp"}) {
    INFO(algo);
    const auto m = fitted(algo, data, {{"factors", "5"}}, 1);
    Profile person;
    person.items = {0, 3, 5};
    person.ratings = {5.0f, 1.0f, 4.0f};
    const auto top = m->recommend(person, 5);
    REQUIRE(top.size() == 5);
    for (const auto& s : top) {
      CHECK(s.item != 0);
      CHECK(s.item != 3);
      CHECK(s.item != 5);
      CHECK(std::isfinite(s.score));
    }
    for (size_t r = 1; r < top.size(); ++r) CHECK(top[r - 1].score >= top[r].score);
  }
}

TEST_CASE("svd and svdpp: similar items and item_similarity by cosine of the item factors", "[svd]") {
  const auto data = generated(30, 20, 0.5, 23);
  for (const char* algo : {"svd", "svdpp"}) {
    INFO(algo);
    const auto m = fitted(algo, data, {{"factors", "4"}}, 2);
    const std::vector<float>& q = std::string(algo) == "svd" ? as_svd(m).item_factors() : as_svdpp(m).item_factors();
    const auto cosine = [&](int a, int b) {
      double ab = 0, aa = 0, bb = 0;
      for (int f = 0; f < 4; ++f) {
        const double x = q[static_cast<size_t>(a * 4 + f)], y = q[static_cast<size_t>(b * 4 + f)];
        ab += x * y;
        aa += x * x;
        bb += y * y;
      }
      return ab / std::sqrt(aa * bb);
    };
    const auto similar = m->similar_items(3, 50);
    REQUIRE(similar.size() == static_cast<size_t>(data->num_items() - 1));
    double best = -2.0;
    int32_t best_item = -1;
    for (int32_t j = 0; j < data->num_items(); ++j)
      if (j != 3 && cosine(3, j) > best) best = cosine(3, j), best_item = j;
    CHECK(similar[0].item == best_item);
    for (const auto& s : similar) {
      CHECK(s.item != 3);
      CHECK(s.score == Approx(cosine(3, s.item)).margin(1e-5));
      // Explanations use the same similarity.
      CHECK(m->item_similarity(3, s.item) == s.score);
    }
    for (size_t r = 1; r < similar.size(); ++r) CHECK(similar[r - 1].score >= similar[r].score);
    CHECK(m->similar_items(3, 2).size() == 2);
    CHECK_THROWS_AS(m->similar_items(99, 2), std::out_of_range);
  }
}

TEST_CASE("svd and svdpp: save_model/load_model predict bit for bit", "[svd]") {
  const auto data = generated(30, 25, 0.4, 24);
  for (const char* algo : {"svd", "svdpp"}) {
    INFO(algo);
    const auto m = fitted(algo, data, {{"factors", "7"}, {"epochs", "3"}, {"lr", "0.01"}}, 77);
    const auto loaded = cofi::load_model(cofi::save_model(*m), "svd.model");
    REQUIRE(loaded->algorithm() == algo);
    for (int32_t u = -1; u < data->num_users(); ++u)
      for (int32_t i = -1; i < data->num_items(); ++i) {
        const float want = m->predict(u, i).raw, got = loaded->predict(u, i).raw;
        CHECK(std::memcmp(&want, &got, sizeof want) == 0);
      }
    Profile person;
    person.items = {1, 2, 4};
    person.ratings = {4.0f, 2.0f, 5.0f};
    std::vector<float> before, after;
    m->score(person, before);
    loaded->score(person, after);
    CHECK(before == after);
    CHECK(m->similar_items(0, 3)[0].item == loaded->similar_items(0, 3)[0].item);
  }
}

TEST_CASE("svd and svdpp: parameters", "[svd]") {
  const auto error_of = [](const std::string& algo, ParamMap params) -> std::string {
    try {
      cofi::make_model(algo, Params(std::move(params)));
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no error";
  };
  for (const char* algo : {"svd", "svdpp"}) {
    INFO(algo);
    CHECK_THAT(error_of(algo, {{"n_factor", "3"}}), Catch::Contains("n_factor"));
    CHECK_THAT(error_of(algo, {{"lr_all", "0.01"}}), Catch::Contains("lr_all"));
    CHECK_THAT(error_of(algo, {{"factors", "3"}, {"n_factors", "3"}}), Catch::Contains("not both"));
    CHECK_THAT(error_of(algo, {{"lr", "-1"}}), Catch::Contains("lr"));
    CHECK_THAT(error_of(algo, {{"factors", "0"}}), Catch::Contains("factors"));
    CHECK(error_of(algo, {{"n_factors", "3"},
                          {"epochs", "2"},
                          {"lr", "0.01"},
                          {"lr_bu", "0.1"},
                          {"lr_bi", "0.1"},
                          {"lr_pu", "0.1"},
                          {"lr_qi", "0.1"},
                          {"reg", "0.1"},
                          {"reg_bu", "0.1"},
                          {"reg_bi", "0.1"},
                          {"reg_pu", "0.1"},
                          {"reg_qi", "0.1"},
                          {"init_mean", "0"},
                          {"init_std", "0.2"}}) == "no error");
  }
  CHECK(error_of("svd", {{"biased", "false"}}) == "no error");
  CHECK_THAT(error_of("svd", {{"lr_yj", "0.1"}}), Catch::Contains("lr_yj"));
  CHECK(error_of("svdpp", {{"lr_yj", "0.1"}, {"reg_yj", "0.1"}}) == "no error");
  CHECK_THAT(error_of("svdpp", {{"biased", "false"}}), Catch::Contains("biased"));
  // n_factors is factors: the same model.
  const auto data = load(kThree);
  const auto a = fitted("svd", data, {{"n_factors", "3"}}, 5);
  const auto b = fitted("svd", data, {{"factors", "3"}}, 5);
  CHECK(as_svd(a).user_factors() == as_svd(b).user_factors());
  CHECK(as_svd(fitted("svd", data, {}, 5)).factors() == 100);
  CHECK(as_svdpp(fitted("svdpp", data, {}, 5)).factors() == 20);
}

// -------------------------------------------------------------------------------------------------
// svdpp

TEST_CASE("svdpp: the O(|R| k) epoch equals Surprise's literal per-rating y_j updates", "[svd]") {
  const auto data = generated(20, 15, 0.5, 31);
  const int k = 5;
  const auto m = fitted("svdpp", data, {{"factors", "5"}, {"epochs", "3"}, {"lr", "0.02"}, {"reg", "0.05"}}, 17);
  const PlainSvdpp want = plain_svdpp(*data, k, 3, 0.02f, 0.05f, 17);
  const auto& s = as_svdpp(m);
  // Same algorithm, different float rounding (reorganised sums): agreement to about 1e-6.
  for (size_t x = 0; x < want.bu.size(); ++x) CHECK(s.user_bias()[x] == Approx(want.bu[x]).margin(2e-5));
  for (size_t x = 0; x < want.bi.size(); ++x) CHECK(s.item_bias()[x] == Approx(want.bi[x]).margin(2e-5));
  for (size_t x = 0; x < want.p.size(); ++x) CHECK(s.user_factors()[x] == Approx(want.p[x]).margin(2e-5));
  for (size_t x = 0; x < want.q.size(); ++x) CHECK(s.item_factors()[x] == Approx(want.q[x]).margin(2e-5));
  for (size_t x = 0; x < want.y.size(); ++x) CHECK(s.implicit_factors()[x] == Approx(want.y[x]).margin(2e-5));
  // And the predictions: mu + b_u + b_i + q_i . (p_u + |N(u)|^-1/2 sum y_j).
  const cofi::SparseRow row = data->by_user().row(4);
  float z[5] = {0, 0, 0, 0, 0};
  for (int32_t n = 0; n < row.size; ++n)
    for (int f = 0; f < k; ++f)
      z[f] += want.y[static_cast<size_t>(row.index[n] * k + f)] / std::sqrt(static_cast<float>(row.size));
  float dot = 0.0f;
  for (int f = 0; f < k; ++f)
    dot += want.q[static_cast<size_t>(2 * k + f)] * (want.p[static_cast<size_t>(4 * k + f)] + z[f]);
  CHECK(m->predict(4, 2).raw == Approx(s.mu() + want.bu[4] + want.bi[2] + dot).margin(1e-4));
}

TEST_CASE("svdpp: unknown users and items drop their terms", "[svd]") {
  const auto data = load(kThree);
  const auto m = fitted("svdpp", data, {{"factors", "2"}, {"epochs", "3"}}, 1);
  const auto& s = as_svdpp(m);
  CHECK(m->predict(-1, 1).raw == s.mu() + s.item_bias()[1]);
  CHECK(m->predict(-1, 1).fallback);
  CHECK(m->predict(2, -1).raw == s.mu() + s.user_bias()[2]);
  CHECK_FALSE(m->predict(2, 1).fallback);
}

TEST_CASE("svdpp: a new person is folded in with their implicit feedback", "[svd]") {
  const auto data = generated(40, 30, 0.5, 41);
  const auto m = fitted("svdpp", data, {{"factors", "6"}, {"epochs", "10"}}, 4);
  const auto& s = as_svdpp(m);
  for (int32_t user : {1, 12}) {
    INFO("user " << user);
    Profile person = Profile::of_user(*data, user);
    person.user = -1;
    std::vector<float> z;
    const cofi::FoldedUser folded = s.fold_in(person, &z);
    // z = |N|^-1/2 sum of the y_j of the person's items.
    for (int f = 0; f < 6; ++f) {
      double sum = 0.0;
      for (int32_t i : person.items) sum += s.implicit_factors()[static_cast<size_t>(i * 6 + f)];
      CHECK(z[static_cast<size_t>(f)] ==
            Approx(sum / std::sqrt(static_cast<double>(person.items.size()))).margin(1e-5));
    }
    check_normal_equations(person, s.mu(), s.item_bias(), s.item_factors(), z, 6, folded, true, 0.02, 0.02);
    const double at_fold_in = fold_in_objective(person, s.mu(), s.item_bias(), s.item_factors(), z, 6, folded.bias,
                                                folded.factors.data(), 0.02, 0.02);
    const double at_learned = fold_in_objective(person, s.mu(), s.item_bias(), s.item_factors(), z, 6,
                                                s.user_bias()[static_cast<size_t>(user)],
                                                &s.user_factors()[static_cast<size_t>(user * 6)], 0.02, 0.02);
    CHECK(at_fold_in <= at_learned + 1e-9);
    std::vector<float> scores;
    m->score(person, scores);
    for (int32_t i = 0; i < data->num_items(); ++i) {
      double est = s.mu() + folded.bias + s.item_bias()[static_cast<size_t>(i)];
      for (int f = 0; f < 6; ++f)
        est += s.item_factors()[static_cast<size_t>(i * 6 + f)] *
               (folded.factors[static_cast<size_t>(f)] + z[static_cast<size_t>(f)]);
      CHECK(scores[static_cast<size_t>(i)] == Approx(est).margin(1e-5));
    }
  }
}
