#include "models/svd.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "io/binary.h"
#include "kernels/vector_ops.h"
#include "util/memory.h"
#include "util/rng.h"

namespace cofi {

FoldedUser fold_in_ridge(const std::vector<float>& item_factors, int k, const std::vector<int32_t>& items,
                         const std::vector<double>& targets, bool with_bias, double reg_bias, double reg_factors) {
  const int offset = with_bias ? 1 : 0;
  const Eigen::Index dim = k + offset;
  const Eigen::Index rows = static_cast<Eigen::Index>(items.size());
  // One row per rating: [1, q_i] (or q_i), so that design * [b; p] is the model's personal part.
  Eigen::MatrixXd design(rows, dim);
  Eigen::VectorXd target(rows);
  for (Eigen::Index r = 0; r < rows; ++r) {
    const float* q = item_factors.data() + static_cast<size_t>(items[static_cast<size_t>(r)]) * static_cast<size_t>(k);
    if (with_bias) design(r, 0) = 1.0;
    for (int f = 0; f < k; ++f) design(r, offset + f) = q[f];
    target(r) = targets[static_cast<size_t>(r)];
  }
  // Normal equations: (D^T D + diag(reg)) [b; p] = D^T t.
  Eigen::MatrixXd normal = Eigen::MatrixXd::Zero(dim, dim);
  normal.selfadjointView<Eigen::Lower>().rankUpdate(design.transpose());
  normal.triangularView<Eigen::StrictlyUpper>() = normal.transpose();
  if (with_bias) normal(0, 0) += reg_bias;
  for (int f = 0; f < k; ++f) normal(offset + f, offset + f) += reg_factors;
  const Eigen::VectorXd rhs = design.transpose() * target;
  // With both penalties positive the system is positive definite; without, it may be singular
  // (fewer ratings than unknowns), and the minimum-norm solution is the sensible one.
  const bool definite = reg_factors > 0.0 && (!with_bias || reg_bias > 0.0);
  const Eigen::VectorXd solution = definite ? Eigen::VectorXd(normal.ldlt().solve(rhs))
                                            : Eigen::VectorXd(normal.completeOrthogonalDecomposition().solve(rhs));
  FoldedUser folded;
  folded.bias = with_bias ? static_cast<float>(solution(0)) : 0.0f;
  folded.factors.resize(static_cast<size_t>(k));
  for (int f = 0; f < k; ++f) folded.factors[static_cast<size_t>(f)] = static_cast<float>(solution(offset + f));
  return folded;
}

std::vector<ScoredItem> similar_by_factors(const std::vector<float>& item_factors, int k, int32_t item, int n) {
  const size_t stride = static_cast<size_t>(k);
  const int32_t num_items = static_cast<int32_t>(item_factors.size() / stride);
  const float* target = item_factors.data() + static_cast<size_t>(item) * stride;
  const float target_norm = std::sqrt(kernels::dot(target, target, k));
  std::vector<ScoredItem> all;
  if (!(target_norm > 0.0f)) return all;
  all.reserve(static_cast<size_t>(num_items));
  for (int32_t j = 0; j < num_items; ++j) {
    if (j == item) continue;
    const float* other = item_factors.data() + static_cast<size_t>(j) * stride;
    const float norm = std::sqrt(kernels::dot(other, other, k));
    if (!(norm > 0.0f)) continue;
    all.push_back({j, kernels::dot(target, other, k) / (target_norm * norm)});
  }
  auto better = [](const ScoredItem& a, const ScoredItem& b) {
    return a.score != b.score ? a.score > b.score : a.item < b.item;
  };
  const size_t keep = std::min(all.size(), static_cast<size_t>(std::max(n, 0)));
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(), better);
  all.resize(keep);
  return all;
}

float factor_cosine(const std::vector<float>& item_factors, int k, int32_t a, int32_t b) {
  const float* qa = item_factors.data() + static_cast<size_t>(a) * static_cast<size_t>(k);
  const float* qb = item_factors.data() + static_cast<size_t>(b) * static_cast<size_t>(k);
  const float norm_a = std::sqrt(kernels::dot(qa, qa, k));
  const float norm_b = std::sqrt(kernels::dot(qb, qb, k));
  if (!(norm_a > 0.0f) || !(norm_b > 0.0f)) return 0.0f;
  return kernels::dot(qa, qb, k) / (norm_a * norm_b);
}

int read_factor_count(const Params& params, int fallback) {
  if (params.has("factors") && params.has("n_factors"))
    throw std::invalid_argument("give either 'factors' or 'n_factors' (the same parameter), not both");
  return params.get_int(params.has("n_factors") ? "n_factors" : "factors", fallback, 1, 4096);
}

// -------------------------------------------------------------------------------------------------

Svd::Svd(const Params& params) {
  factors_ = read_factor_count(params, 100);
  epochs_ = params.get_int("epochs", 20, 0, 1000000);
  biased_ = params.get_bool("biased", true);
  const double lr = params.get_double("lr", 0.005, 0.0, 10.0);
  lr_bu_ = static_cast<float>(params.get_double("lr_bu", lr, 0.0, 10.0));
  lr_bi_ = static_cast<float>(params.get_double("lr_bi", lr, 0.0, 10.0));
  lr_pu_ = static_cast<float>(params.get_double("lr_pu", lr, 0.0, 10.0));
  lr_qi_ = static_cast<float>(params.get_double("lr_qi", lr, 0.0, 10.0));
  const double reg = params.get_double("reg", 0.02, 0.0, 1e6);
  reg_bu_ = static_cast<float>(params.get_double("reg_bu", reg, 0.0, 1e6));
  reg_bi_ = static_cast<float>(params.get_double("reg_bi", reg, 0.0, 1e6));
  reg_pu_ = static_cast<float>(params.get_double("reg_pu", reg, 0.0, 1e6));
  reg_qi_ = static_cast<float>(params.get_double("reg_qi", reg, 0.0, 1e6));
  init_mean_ = params.get_double("init_mean", 0.0, -1e3, 1e3);
  init_std_ = params.get_double("init_std", 0.1, 0.0, 1e3);
  fold_in_sgd_ = params.get_choice("fold_in", "sgd", {"sgd", "ridge"}) == "sgd";
  params.finish(algorithm());
}

// Users and items: bias and factors each, in float32.
uint64_t Svd::fit_bytes(const Dataset& train) const {
  return float_array_bytes(add_saturating(train.num_users(), train.num_items()), static_cast<uint64_t>(factors_) + 1);
}

void Svd::do_fit(const Dataset& train, uint64_t seed) {
  const size_t users = static_cast<size_t>(train.num_users());
  const size_t items = static_cast<size_t>(train.num_items());
  const size_t k = static_cast<size_t>(factors_);
  global_mean_ = static_cast<float>(train.global_mean());
  mu_ = biased_ ? global_mean_ : 0.0f;
  user_bias_.assign(users, 0.0f);
  item_bias_.assign(items, 0.0f);
  user_factors_.resize(users * k);
  item_factors_.resize(items * k);
  // Surprise's order: every user's factors, then every item's, each row by row.
  Rng rng(seed);
  for (float& x : user_factors_) x = static_cast<float>(init_mean_ + init_std_ * rng.normal());
  for (float& x : item_factors_) x = static_cast<float>(init_mean_ + init_std_ * rng.normal());
}

double Svd::train_user(const SparseRow& row, int32_t u) {
  const int k = factors_;
  const size_t stride = static_cast<size_t>(k);
  float* pu = user_factors_.data() + static_cast<size_t>(u) * stride;
  float bu = user_bias_[static_cast<size_t>(u)];
  double squared_error = 0.0;
  // q_i . p_u of the rating at hand; after each step the fused kernel hands over the next one's.
  float dot =
      row.size > 0 ? kernels::dot(item_factors_.data() + static_cast<size_t>(row.index[0]) * stride, pu, k) : 0.0f;
  for (int32_t n = 0; n < row.size; ++n) {
    const size_t i = static_cast<size_t>(row.index[n]);
    float* qi = item_factors_.data() + i * stride;
    float& bi = item_bias_[i];
    // Surprise's order of terms: r - (((mu + bu) + bi) + q.p).
    const float err = row.value[n] - (mu_ + bu + bi + dot);
    squared_error += static_cast<double>(err) * err;
    if (biased_) {
      bu += lr_bu_ * (err - reg_bu_ * bu);
      bi += lr_bi_ * (err - reg_bi_ * bi);
    }
    if (n + 1 < row.size) {
      const float* q_next = item_factors_.data() + static_cast<size_t>(row.index[n + 1]) * stride;
      dot = kernels::sgd_update_dot(pu, qi, q_next, k, err, lr_pu_, reg_pu_, lr_qi_, reg_qi_);
    } else {
      kernels::sgd_update(pu, qi, k, err, lr_pu_, reg_pu_, lr_qi_, reg_qi_);
    }
  }
  user_bias_[static_cast<size_t>(u)] = bu;
  return squared_error;
}

double Svd::run_epoch(const Dataset& train, int) {
  const SparseRows& by_user = train.by_user();
  const int k = factors_;
  const size_t stride = static_cast<size_t>(k);
  double squared_error = 0.0;
  for (int32_t u = 0; u < by_user.rows(); ++u) squared_error += train_user(by_user.row(u), u);
  // The regularisation part of the per-rating objective: each parameter's penalty counted once per
  // rating it takes part in.
  double penalty = 0.0;
  for (int32_t u = 0; u < train.num_users(); ++u) {
    const float* pu = user_factors_.data() + static_cast<size_t>(u) * stride;
    const double bu = user_bias_[static_cast<size_t>(u)];
    penalty += by_user.row_size(u) * (reg_bu_ * bu * bu + reg_pu_ * static_cast<double>(kernels::dot(pu, pu, k)));
  }
  for (int32_t i = 0; i < train.num_items(); ++i) {
    const float* qi = item_factors_.data() + static_cast<size_t>(i) * stride;
    const double bi = item_bias_[static_cast<size_t>(i)];
    penalty +=
        train.by_item().row_size(i) * (reg_bi_ * bi * bi + reg_qi_ * static_cast<double>(kernels::dot(qi, qi, k)));
  }
  return (squared_error + penalty) / static_cast<double>(train.num_ratings());
}

Prediction Svd::do_predict(int32_t user, int32_t item) const {
  Prediction p;
  const bool known = user >= 0 && item >= 0;
  p.fallback = !known;
  if (!biased_ && !known) {
    // Surprise: PredictionImpossible, answered with the global mean.
    p.raw = global_mean_;
    return p;
  }
  float est = mu_;
  if (user >= 0) est += user_bias_[static_cast<size_t>(user)];
  if (item >= 0) est += item_bias_[static_cast<size_t>(item)];
  if (known)
    est += kernels::dot(item_factors_.data() + static_cast<size_t>(item) * static_cast<size_t>(factors_),
                        user_factors_.data() + static_cast<size_t>(user) * static_cast<size_t>(factors_), factors_);
  p.raw = est;
  return p;
}

FoldedUser Svd::fold_in(const Profile& person) const {
  require_fitted("fold_in");
  return fold_in_with(person, item_factors_, item_bias_, mu_);
}

FoldedUser Svd::fold_in_with(const Profile& person, const std::vector<float>& item_factors,
                             const std::vector<float>& item_bias, float mu) const {
  if (person.items.size() != person.ratings.size())
    throw std::invalid_argument("a profile needs as many ratings as items");
  for (int32_t i : person.items)
    if (i < 0 || i >= static_cast<int32_t>(item_bias.size()))
      throw std::out_of_range("profile item index outside the training set");
  const size_t k = static_cast<size_t>(factors_);
  if (!fold_in_sgd_) {
    std::vector<double> targets(person.items.size());
    for (size_t r = 0; r < person.items.size(); ++r)
      targets[r] = static_cast<double>(person.ratings[r]) - mu - item_bias[static_cast<size_t>(person.items[r])];
    return fold_in_ridge(item_factors, factors_, person.items, targets, biased_, reg_bu_, reg_pu_);
  }
  // The training epochs for this one person, items fixed, from b = 0 and p = 0.
  FoldedUser folded;
  folded.factors.assign(k, 0.0f);
  float* p = folded.factors.data();
  for (int epoch = 0; epoch < epochs_; ++epoch) {
    for (size_t r = 0; r < person.items.size(); ++r) {
      const size_t i = static_cast<size_t>(person.items[r]);
      const float* q = item_factors.data() + i * k;
      const float err = person.ratings[r] - (mu + folded.bias + item_bias[i] + kernels::dot(q, p, factors_));
      if (biased_) folded.bias += lr_bu_ * (err - reg_bu_ * folded.bias);
      for (size_t f = 0; f < k; ++f) p[f] += lr_pu_ * (err * q[f] - reg_pu_ * p[f]);
    }
  }
  return folded;
}

void Svd::do_score(const Profile& person, std::vector<float>& scores) const {
  FoldedUser folded;
  const float* pu;
  float bu;
  if (person.user >= 0) {
    pu = user_factors_.data() + static_cast<size_t>(person.user) * static_cast<size_t>(factors_);
    bu = user_bias_[static_cast<size_t>(person.user)];
  } else {
    folded = fold_in(person);
    pu = folded.factors.data();
    bu = folded.bias;
  }
  // Unbiased: mu, b_u and b_i are all 0, so this is q_i . p_u exactly.
  for (size_t i = 0; i < scores.size(); ++i)
    scores[i] =
        mu_ + bu + item_bias_[i] + kernels::dot(item_factors_.data() + i * static_cast<size_t>(factors_), pu, factors_);
}

std::vector<ScoredItem> Svd::similar_items(int32_t item, int n) const {
  require_fitted("similar_items");
  if (item < 0 || item >= train().num_items()) throw std::out_of_range("similar_items: unknown item");
  return similar_by_factors(item_factors_, factors_, item, n);
}

float Svd::item_similarity(int32_t a, int32_t b) const {
  require_fitted("item_similarity");
  if (a < 0 || b < 0 || a >= train().num_items() || b >= train().num_items())
    throw std::out_of_range("item_similarity: unknown item");
  return factor_cosine(item_factors_, factors_, a, b);
}

void Svd::write_state(BinaryWriter& out) const {
  out.vec(user_bias_);
  out.vec(item_bias_);
  out.vec(user_factors_);
  out.vec(item_factors_);
}

void Svd::read_state(const Dataset& train, BinaryReader& in) {
  const size_t users = static_cast<size_t>(train.num_users());
  const size_t items = static_cast<size_t>(train.num_items());
  const size_t k = static_cast<size_t>(factors_);
  std::vector<float> user_bias = in.vec<float>();
  std::vector<float> item_bias = in.vec<float>();
  std::vector<float> user_factors = in.vec<float>();
  std::vector<float> item_factors = in.vec<float>();
  if (user_bias.size() != users || item_bias.size() != items || user_factors.size() != users * k ||
      item_factors.size() != items * k)
    in.fail("svd state does not match the training set and the number of factors");
  user_bias_ = std::move(user_bias);
  item_bias_ = std::move(item_bias);
  user_factors_ = std::move(user_factors);
  item_factors_ = std::move(item_factors);
  global_mean_ = static_cast<float>(train.global_mean());
  mu_ = biased_ ? global_mean_ : 0.0f;
}

}  // namespace cofi
