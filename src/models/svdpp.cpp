#include "models/svdpp.h"

#include <cmath>
#include <stdexcept>

#include "io/binary.h"
#include "kernels/vector_ops.h"
#include "util/memory.h"
#include "util/rng.h"

namespace cofi {

SvdPP::SvdPP(const Params& params) {
  factors_ = read_factor_count(params, 20);
  epochs_ = params.get_int("epochs", 20, 0, 1000000);
  const double lr = params.get_double("lr", 0.007, 0.0, 10.0);
  lr_bu_ = static_cast<float>(params.get_double("lr_bu", lr, 0.0, 10.0));
  lr_bi_ = static_cast<float>(params.get_double("lr_bi", lr, 0.0, 10.0));
  lr_pu_ = static_cast<float>(params.get_double("lr_pu", lr, 0.0, 10.0));
  lr_qi_ = static_cast<float>(params.get_double("lr_qi", lr, 0.0, 10.0));
  lr_yj_ = static_cast<float>(params.get_double("lr_yj", lr, 0.0, 10.0));
  const double reg = params.get_double("reg", 0.02, 0.0, 1e6);
  reg_bu_ = static_cast<float>(params.get_double("reg_bu", reg, 0.0, 1e6));
  reg_bi_ = static_cast<float>(params.get_double("reg_bi", reg, 0.0, 1e6));
  reg_pu_ = static_cast<float>(params.get_double("reg_pu", reg, 0.0, 1e6));
  reg_qi_ = static_cast<float>(params.get_double("reg_qi", reg, 0.0, 1e6));
  reg_yj_ = static_cast<float>(params.get_double("reg_yj", reg, 0.0, 1e6));
  init_mean_ = params.get_double("init_mean", 0.0, -1e3, 1e3);
  init_std_ = params.get_double("init_std", 0.1, 0.0, 1e3);
  params.finish(algorithm());
}

// Users: bias, p_u and the p_u + |N(u)|^-1/2 sum y_j vector; items: bias, q_i and y_j.
uint64_t SvdPP::fit_bytes(const Dataset& train) const {
  return add_saturating(float_array_bytes(train.num_users(), 2 * static_cast<uint64_t>(factors_) + 1),
                        float_array_bytes(train.num_items(), 2 * static_cast<uint64_t>(factors_) + 1));
}

void SvdPP::do_fit(const Dataset& train, uint64_t seed) {
  const size_t users = static_cast<size_t>(train.num_users());
  const size_t items = static_cast<size_t>(train.num_items());
  const size_t k = static_cast<size_t>(factors_);
  mu_ = static_cast<float>(train.global_mean());
  user_bias_.assign(users, 0.0f);
  item_bias_.assign(items, 0.0f);
  user_factors_.resize(users * k);
  item_factors_.resize(items * k);
  implicit_factors_.resize(items * k);
  // Surprise's order: p_u for all users, q_i for all items, then y_j for all items.
  Rng rng(seed);
  for (float& x : user_factors_) x = static_cast<float>(init_mean_ + init_std_ * rng.normal());
  for (float& x : item_factors_) x = static_cast<float>(init_mean_ + init_std_ * rng.normal());
  for (float& x : implicit_factors_) x = static_cast<float>(init_mean_ + init_std_ * rng.normal());
  implicit_.assign(k, 0.0f);
  gained_.assign(k, 0.0f);
  implicit_penalty_weight_.assign(items, 0.0);
  const SparseRows& by_user = train.by_user();
  for (int32_t u = 0; u < train.num_users(); ++u) {
    const SparseRow row = by_user.row(u);
    for (int32_t n = 0; n < row.size; ++n) implicit_penalty_weight_[static_cast<size_t>(row.index[n])] += row.size;
  }
  refresh_user_vectors(train);
}

void SvdPP::implicit_feedback(const int32_t* items, int32_t count, float* z) const {
  const int k = factors_;
  for (int f = 0; f < k; ++f) z[f] = 0.0f;
  if (count == 0) return;
  const float scale = 1.0f / std::sqrt(static_cast<float>(count));
  for (int32_t n = 0; n < count; ++n)
    kernels::axpy(scale, implicit_factors_.data() + static_cast<size_t>(items[n]) * static_cast<size_t>(k), z, k);
}

void SvdPP::refresh_user_vectors(const Dataset& train) {
  const size_t k = static_cast<size_t>(factors_);
  user_vectors_.resize(user_factors_.size());
  const SparseRows& by_user = train.by_user();
  for (int32_t u = 0; u < train.num_users(); ++u) {
    const SparseRow row = by_user.row(u);
    float* w = user_vectors_.data() + static_cast<size_t>(u) * k;
    implicit_feedback(row.index, row.size, w);
    kernels::axpy(1.0f, user_factors_.data() + static_cast<size_t>(u) * k, w, factors_);
  }
}

double SvdPP::train_user(const SparseRow& row, int32_t u) {
  if (row.size == 0) return 0.0;
  const int k = factors_;
  const size_t stride = static_cast<size_t>(k);
  float* z = implicit_.data();
  float* gained = gained_.data();
  // Each y_j step multiplies y_j by this before adding the gradient term (see svdpp.h).
  const float decay = 1.0f - lr_yj_ * reg_yj_;
  const float inv_sqrt_count = 1.0f / std::sqrt(static_cast<float>(row.size));
  float* pu = user_factors_.data() + static_cast<size_t>(u) * stride;
  float bu = user_bias_[static_cast<size_t>(u)];
  implicit_feedback(row.index, row.size, z);
  for (int f = 0; f < k; ++f) gained[f] = 0.0f;
  float total_decay = 1.0f;
  double squared_error = 0.0;
  for (int32_t n = 0; n < row.size; ++n) {
    const size_t i = static_cast<size_t>(row.index[n]);
    float* qi = item_factors_.data() + i * stride;
    float& bi = item_bias_[i];
    const float err = row.value[n] - (mu_ + bu + bi + kernels::dot_offset(qi, pu, z, k));
    squared_error += static_cast<double>(err) * err;
    bu += lr_bu_ * (err - reg_bu_ * bu);
    bi += lr_bi_ * (err - reg_bi_ * bi);
    const float y_step = lr_yj_ * err;
    kernels::svdpp_update(pu, qi, z, gained, k, err, lr_pu_, reg_pu_, lr_qi_, reg_qi_, decay, y_step,
                          y_step * inv_sqrt_count);
    total_decay *= decay;
  }
  // The user's accumulated y_j steps, applied once to every item they rated.
  for (int32_t n = 0; n < row.size; ++n)
    kernels::scale_add(total_decay, implicit_factors_.data() + static_cast<size_t>(row.index[n]) * stride, 1.0f, gained,
                       k);
  user_bias_[static_cast<size_t>(u)] = bu;
  return squared_error;
}

double SvdPP::run_epoch(const Dataset& train, int) {
  const SparseRows& by_user = train.by_user();
  const int k = factors_;
  const size_t stride = static_cast<size_t>(k);
  double squared_error = 0.0;
  for (int32_t u = 0; u < by_user.rows(); ++u) squared_error += train_user(by_user.row(u), u);
  refresh_user_vectors(train);

  double penalty = 0.0;
  for (int32_t u = 0; u < train.num_users(); ++u) {
    const float* pu = user_factors_.data() + static_cast<size_t>(u) * stride;
    const double bu = user_bias_[static_cast<size_t>(u)];
    penalty += by_user.row_size(u) * (reg_bu_ * bu * bu + reg_pu_ * static_cast<double>(kernels::dot(pu, pu, k)));
  }
  for (int32_t i = 0; i < train.num_items(); ++i) {
    const size_t at = static_cast<size_t>(i);
    const float* qi = item_factors_.data() + at * stride;
    const float* yi = implicit_factors_.data() + at * stride;
    const double bi = item_bias_[at];
    penalty +=
        train.by_item().row_size(i) * (reg_bi_ * bi * bi + reg_qi_ * static_cast<double>(kernels::dot(qi, qi, k)));
    penalty += implicit_penalty_weight_[at] * reg_yj_ * static_cast<double>(kernels::dot(yi, yi, k));
  }
  return (squared_error + penalty) / static_cast<double>(train.num_ratings());
}

Prediction SvdPP::do_predict(int32_t user, int32_t item) const {
  Prediction p;
  const bool known = user >= 0 && item >= 0;
  p.fallback = !known;
  float est = mu_;
  if (user >= 0) est += user_bias_[static_cast<size_t>(user)];
  if (item >= 0) est += item_bias_[static_cast<size_t>(item)];
  if (known)
    est += kernels::dot(item_factors_.data() + static_cast<size_t>(item) * static_cast<size_t>(factors_),
                        user_vectors_.data() + static_cast<size_t>(user) * static_cast<size_t>(factors_), factors_);
  p.raw = est;
  return p;
}

FoldedUser SvdPP::fold_in(const Profile& person, std::vector<float>* implicit) const {
  require_fitted("fold_in");
  if (person.items.size() != person.ratings.size())
    throw std::invalid_argument("a profile needs as many ratings as items");
  for (int32_t i : person.items)
    if (i < 0 || i >= static_cast<int32_t>(item_bias_.size()))
      throw std::out_of_range("profile item index outside the training set");
  std::vector<float> z(static_cast<size_t>(factors_));
  implicit_feedback(person.items.data(), static_cast<int32_t>(person.items.size()), z.data());
  // The implicit part is fixed by which items the person rated; what remains is svd's ridge problem.
  std::vector<double> targets(person.items.size());
  for (size_t r = 0; r < person.items.size(); ++r) {
    const size_t i = static_cast<size_t>(person.items[r]);
    const float* qi = item_factors_.data() + i * static_cast<size_t>(factors_);
    targets[r] = static_cast<double>(person.ratings[r]) - mu_ - item_bias_[i] - kernels::dot(qi, z.data(), factors_);
  }
  FoldedUser folded = fold_in_ridge(item_factors_, factors_, person.items, targets, true, reg_bu_, reg_pu_);
  if (implicit) *implicit = std::move(z);
  return folded;
}

void SvdPP::do_score(const Profile& person, std::vector<float>& scores) const {
  const size_t k = static_cast<size_t>(factors_);
  std::vector<float> vector(k);
  float bu;
  if (person.user >= 0) {
    const float* w = user_vectors_.data() + static_cast<size_t>(person.user) * k;
    vector.assign(w, w + k);
    bu = user_bias_[static_cast<size_t>(person.user)];
  } else {
    std::vector<float> z;
    const FoldedUser folded = fold_in(person, &z);
    for (size_t f = 0; f < k; ++f) vector[f] = folded.factors[f] + z[f];
    bu = folded.bias;
  }
  for (size_t i = 0; i < scores.size(); ++i)
    scores[i] = mu_ + bu + item_bias_[i] + kernels::dot(item_factors_.data() + i * k, vector.data(), factors_);
}

std::vector<ScoredItem> SvdPP::similar_items(int32_t item, int n) const {
  require_fitted("similar_items");
  if (item < 0 || item >= train().num_items()) throw std::out_of_range("similar_items: unknown item");
  return similar_by_factors(item_factors_, factors_, item, n);
}

float SvdPP::item_similarity(int32_t a, int32_t b) const {
  require_fitted("item_similarity");
  if (a < 0 || b < 0 || a >= train().num_items() || b >= train().num_items())
    throw std::out_of_range("item_similarity: unknown item");
  return factor_cosine(item_factors_, factors_, a, b);
}

void SvdPP::write_state(BinaryWriter& out) const {
  out.vec(user_bias_);
  out.vec(item_bias_);
  out.vec(user_factors_);
  out.vec(item_factors_);
  out.vec(implicit_factors_);
}

void SvdPP::read_state(const Dataset& train, BinaryReader& in) {
  const size_t users = static_cast<size_t>(train.num_users());
  const size_t items = static_cast<size_t>(train.num_items());
  const size_t k = static_cast<size_t>(factors_);
  std::vector<float> user_bias = in.vec<float>();
  std::vector<float> item_bias = in.vec<float>();
  std::vector<float> user_factors = in.vec<float>();
  std::vector<float> item_factors = in.vec<float>();
  std::vector<float> implicit_factors = in.vec<float>();
  if (user_bias.size() != users || item_bias.size() != items || user_factors.size() != users * k ||
      item_factors.size() != items * k || implicit_factors.size() != items * k)
    in.fail("svdpp state does not match the training set and the number of factors");
  user_bias_ = std::move(user_bias);
  item_bias_ = std::move(item_bias);
  user_factors_ = std::move(user_factors);
  item_factors_ = std::move(item_factors);
  implicit_factors_ = std::move(implicit_factors);
  mu_ = static_cast<float>(train.global_mean());
  refresh_user_vectors(train);
}

}  // namespace cofi
