#include "models/imported_als.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "io/binary.h"
#include "kernels/vector_ops.h"
#include "models/svd.h"

namespace cofi {

ImportedAls::ImportedAls(const Params& params)
    : spark_(params.get_choice("convention", "spark", {"spark", "implicit"}) == "spark"),
      // The library implicit only trains implicit-feedback models.
      implicit_(params.get_bool("implicit", false) || !spark_),
      reg_(params.get_double("reg", 0.1, 0.0, 1e9)),
      alpha_(params.get_double("alpha", 1.0, 0.0, 1e9)) {
  params.finish(algorithm());
}

void ImportedAls::do_fit(const Dataset&, uint64_t) {
  throw std::invalid_argument(
      "imported-als is trained elsewhere (Spark, implicit): import its item factors instead of fitting it");
}

Prediction ImportedAls::do_predict(int32_t, int32_t) const {
  // No training users: a rating for a known user cannot be asked; score a profile instead.
  Prediction p;
  p.fallback = true;
  return p;
}

namespace {

// Solves a x = b in place for symmetric positive definite a (n x n, row-major; only the lower
// triangle is read) by Cholesky. Plain loops rather than Eigen: one small solve per request, and
// a page downloads every template instantiation.
bool cholesky_solve(std::vector<double>& a, std::vector<double>& b, int n) {
  for (int j = 0; j < n; ++j) {
    double d = a[static_cast<size_t>(j * n + j)];
    for (int k = 0; k < j; ++k) d -= a[static_cast<size_t>(j * n + k)] * a[static_cast<size_t>(j * n + k)];
    if (!(d > 0.0)) return false;
    d = std::sqrt(d);
    a[static_cast<size_t>(j * n + j)] = d;
    for (int i = j + 1; i < n; ++i) {
      double s = a[static_cast<size_t>(i * n + j)];
      for (int k = 0; k < j; ++k) s -= a[static_cast<size_t>(i * n + k)] * a[static_cast<size_t>(j * n + k)];
      a[static_cast<size_t>(i * n + j)] = s / d;
    }
  }
  for (int i = 0; i < n; ++i) {  // L z = b
    double s = b[static_cast<size_t>(i)];
    for (int k = 0; k < i; ++k) s -= a[static_cast<size_t>(i * n + k)] * b[static_cast<size_t>(k)];
    b[static_cast<size_t>(i)] = s / a[static_cast<size_t>(i * n + i)];
  }
  for (int i = n - 1; i >= 0; --i) {  // L^T x = z
    double s = b[static_cast<size_t>(i)];
    for (int k = i + 1; k < n; ++k) s -= a[static_cast<size_t>(k * n + i)] * b[static_cast<size_t>(k)];
    b[static_cast<size_t>(i)] = s / a[static_cast<size_t>(i * n + i)];
  }
  return true;
}

// a += w y y^T (lower triangle), y of length n in float.
void add_outer(std::vector<double>& a, const float* y, double w, int n) {
  for (int i = 0; i < n; ++i) {
    const double wy = w * y[i];
    for (int j = 0; j <= i; ++j) a[static_cast<size_t>(i * n + j)] += wy * y[j];
  }
}

}  // namespace

std::vector<double> item_gram(const std::vector<float>& item_factors, int k) {
  std::vector<double> gram(static_cast<size_t>(k) * static_cast<size_t>(k), 0.0);
  const size_t items = item_factors.size() / static_cast<size_t>(k);
  for (size_t i = 0; i < items; ++i) add_outer(gram, item_factors.data() + i * static_cast<size_t>(k), 1.0, k);
  return gram;
}

std::vector<double> weighted_fold_in(const std::vector<float>& item_factors, int k, const std::vector<double>* gram,
                                     const std::vector<int32_t>& items, const std::vector<double>& weights,
                                     const std::vector<double>& targets, double lambda) {
  std::vector<double> a = gram ? *gram : std::vector<double>(static_cast<size_t>(k) * static_cast<size_t>(k), 0.0);
  std::vector<double> b(static_cast<size_t>(k), 0.0);
  bool any_target = false;
  for (size_t r = 0; r < items.size(); ++r) {
    const float* y = item_factors.data() + static_cast<size_t>(items[r]) * static_cast<size_t>(k);
    add_outer(a, y, weights[r], k);
    if (targets[r] != 0.0) {
      any_target = true;
      for (int f = 0; f < k; ++f) b[static_cast<size_t>(f)] += targets[r] * y[f];
    }
  }
  for (int f = 0; f < k; ++f) a[static_cast<size_t>(f * k + f)] += lambda;
  if (!any_target) return std::vector<double>(static_cast<size_t>(k), 0.0);
  if (!cholesky_solve(a, b, k)) throw std::invalid_argument("the fold-in system is singular: give reg > 0");
  return b;
}

std::vector<double> ImportedAls::fold_in(const Profile& person) const {
  const size_t n = person.items.size();
  std::vector<double> weights(n), targets(n);
  double weight_count = 0.0;  // Spark's numExplicits: all ratings (explicit) or positive ones (implicit)
  for (size_t r = 0; r < n; ++r) {
    const double rating = person.ratings[r];
    if (!implicit_) {
      weights[r] = 1.0;
      targets[r] = rating;
      weight_count += 1.0;
    } else if (spark_) {
      const double c1 = alpha_ * std::fabs(rating);
      weights[r] = c1;
      targets[r] = rating > 0 ? 1.0 + c1 : 0.0;
      if (rating > 0) weight_count += 1.0;
    } else {
      const double confidence = alpha_ * rating;
      weights[r] = std::fabs(confidence) - 1.0;
      targets[r] = confidence > 0 ? confidence : 0.0;
    }
  }
  // Spark weighs lambda by the number of (positive) ratings; implicit adds it once.
  const double lambda = spark_ ? reg_ * weight_count : reg_;
  try {
    return weighted_fold_in(item_factors_, rank_, implicit_ ? &gram_ : nullptr, person.items, weights, targets, lambda);
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument("the fold-in system is singular: give reg > 0 (Spark's regParam, implicit's regularization)");
  }
}

void ImportedAls::do_score(const Profile& person, std::vector<float>& scores) const {
  const std::vector<double> x = fold_in(person);
  std::vector<float> xf(x.begin(), x.end());
  for (size_t i = 0; i < scores.size(); ++i)
    scores[i] = kernels::dot(item_factors_.data() + i * static_cast<size_t>(rank_), xf.data(), rank_);
}

std::vector<ScoredItem> ImportedAls::similar_items(int32_t item, int n) const {
  require_fitted("similar_items");
  if (item < 0 || item >= train().num_items()) throw std::out_of_range("similar_items: unknown item");
  return similar_by_factors(item_factors_, rank_, item, n);
}

float ImportedAls::item_similarity(int32_t a, int32_t b) const {
  require_fitted("item_similarity");
  if (a < 0 || b < 0 || a >= train().num_items() || b >= train().num_items())
    throw std::out_of_range("item_similarity: unknown item");
  return factor_cosine(item_factors_, rank_, a, b);
}

void ImportedAls::write_state(BinaryWriter& out) const {
  out.i32(rank_);
  out.vec(item_factors_);
}

void ImportedAls::read_state(const Dataset& train, BinaryReader& in) {
  const int32_t rank = in.i32();
  if (rank < 1 || rank > 100000) in.fail("imported-als rank " + std::to_string(rank) + " is out of range");
  std::vector<float> factors = in.vec<float>();
  if (factors.size() != static_cast<size_t>(train.num_items()) * static_cast<size_t>(rank))
    in.fail("imported-als factors do not match the items and the rank");
  rank_ = rank;
  item_factors_ = std::move(factors);
  // Y^T Y once (lower triangle), for every implicit fold-in.
  gram_ = item_gram(item_factors_, rank_);
}

Params import_params(const std::string& convention, const FactorSettings* settings, const std::string& source,
                     int32_t rank, const Params& overrides) {
  Params p;
  p.set("convention", convention);
  if (settings) {
    if (settings->has_rank && settings->rank != rank)
      throw std::invalid_argument(source + " gives rank " + std::to_string(settings->rank) + " but the factors have rank " +
                                  std::to_string(rank));
    // 15 significant digits: "0.05", not std::to_string's "0.050000".
    auto number = [](double v) {
      char text[32];
      std::snprintf(text, sizeof text, "%.15g", v);
      return std::string(text);
    };
    if (settings->has_reg) p.set("reg", number(settings->reg));
    if (settings->has_alpha) p.set("alpha", number(settings->alpha));
    if (settings->has_implicit) p.set("implicit", settings->implicit ? "true" : "false");
  }
  for (const auto& kv : overrides.values()) p.set(kv.first, kv.second);
  return p;
}

std::unique_ptr<Model> import_item_factors(ItemFactors factors, const Params& params) {
  if (factors.ids.empty() || factors.rank < 1) throw std::invalid_argument("no item factors to import");
  if (factors.values.size() != factors.ids.size() * static_cast<size_t>(factors.rank))
    throw std::invalid_argument("item factors and ids disagree in size");
  IdMap items;
  for (const auto& id : factors.ids) items.intern(id);
  auto model = make_model("imported-als", params);
  const bool implicit = dynamic_cast<const ImportedAls&>(*model).implicit();
  auto train = std::make_shared<const Dataset>(IdMap{}, std::move(items), std::vector<Rating>{}, implicit);
  // The factors enter through the model's own state reader, which validates them as it would a
  // saved model's; the model is then fitted on a training set of items only.
  BinaryWriter state;
  state.u64(0);  // seed: unused
  state.i32(factors.rank);
  state.vec(factors.values);
  BinaryReader reader(state.bytes(), "imported factors");
  model->load_state(train, reader);
  return model;
}

}  // namespace cofi
