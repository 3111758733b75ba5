#include "models/ease.h"

#include <Eigen/Dense>
#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "util/memory.h"

namespace cofi {

Ease::Ease(const Params& params)
    : reg_(params.get_double("reg", 400.0, 1e-9, 1e12)),
      binary_(params.get_bool("binary", false)),
      max_items_(params.get_int("max_items", 10000, 1, 1000000)) {
  params.finish(algorithm());
}

// Two dense double matrices over the items while solving, then the float32 weights. (Above
// max_items, do_fit's own refusal says which setting to change.)
uint64_t Ease::fit_bytes(const Dataset& train) const {
  const uint64_t n = static_cast<uint64_t>(train.num_items());
  if (train.num_items() > max_items_) return 0;
  return mul_saturating(mul_saturating(n, n), 20);
}

void Ease::do_fit(const Dataset& train, uint64_t) {
  const int32_t n = train.num_items();
  if (n > max_items_) {
    const double mb = 16.0 * static_cast<double>(n) * static_cast<double>(n) / (1024.0 * 1024.0);
    throw std::invalid_argument("ease: " + std::to_string(n) + " items need an item-item matrix of about " +
                                std::to_string(static_cast<long long>(mb + 0.5)) + " MB; max_items is " +
                                std::to_string(max_items_) + " (set max_items to allow it)");
  }
  weights_.clear();
  num_items_ = n;
  const Eigen::Index size = n;

  // Gram matrix X^T X + lambda I, lower triangle (what LLT reads), from each user's pairs of items;
  // lambda = reg times the mean squared entry of X, so that reg means the same for 0/1 and ratings.
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(size, size);
  double sum_squares = 0.0;
  for (int32_t u = 0; u < train.num_users(); ++u) {
    const SparseRow row = train.by_user().row(u);
    for (int32_t a = 0; a < row.size; ++a) {
      const double xa = value_of(row.value[a]);
      sum_squares += xa * xa;
      for (int32_t b = 0; b < row.size; ++b) {
        const int32_t i = row.index[a], j = row.index[b];
        if (i >= j) gram(i, j) += xa * value_of(row.value[b]);
      }
    }
  }
  gram.diagonal().array() += reg_ * sum_squares / static_cast<double>(train.num_ratings());

  // P = gram^-1: factor in place, then solve against the identity.
  Eigen::MatrixXd inverse = Eigen::MatrixXd::Identity(size, size);
  {
    Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(gram);
    if (llt.info() != Eigen::Success) throw std::runtime_error("ease: X^T X + lambda I is not positive definite");
    llt.solveInPlace(inverse);
  }
  gram.resize(0, 0);  // freed before B is allocated: the peak is two double matrices

  // B_ij = -P_ij / P_jj with a zero diagonal. Row i of B is column i of the symmetric P.
  weights_.assign(static_cast<size_t>(n) * static_cast<size_t>(n), 0.0f);
  for (Eigen::Index i = 0; i < size; ++i) {
    const double* p = inverse.data() + i * size;
    float* out = weights_.data() + static_cast<size_t>(i) * static_cast<size_t>(n);
    for (Eigen::Index j = 0; j < size; ++j)
      if (j != i) out[j] = static_cast<float>(-p[j] / inverse(j, j));
  }
}

Prediction Ease::do_predict(int32_t user, int32_t item) const {
  Prediction p;
  p.fallback = user < 0 || item < 0;
  if (p.fallback) return p;
  const SparseRow row = train().by_user().row(user);
  float s = 0.0f;
  for (int32_t r = 0; r < row.size; ++r) s += value_of(row.value[r]) * weight(row.index[r], item);
  p.raw = s;
  return p;
}

void Ease::do_score(const Profile& person, std::vector<float>& scores) const {
  const Dataset& data = train();
  const size_t n = static_cast<size_t>(num_items_);
  std::fill(scores.begin(), scores.end(), 0.0f);
  float* s = scores.data();
  for (size_t r = 0; r < person.items.size(); ++r) {
    const float x = value_of(person.ratings[r]);
    const float* b = weights_.data() + static_cast<size_t>(person.items[r]) * n;
    for (size_t j = 0; j < n; ++j) s[j] += x * b[j];
  }
  for (int32_t i = 0; i < data.num_items(); ++i)
    if (data.by_item().row_size(i) == 0) scores[static_cast<size_t>(i)] = std::numeric_limits<float>::quiet_NaN();
}

std::vector<ScoredItem> Ease::similar_items(int32_t item, int n) const {
  require_fitted("similar_items");
  if (item < 0 || item >= num_items_) throw std::out_of_range("similar_items: unknown item");
  std::vector<ScoredItem> out;
  for (int32_t j = 0; j < num_items_; ++j) {
    const float w = weight(item, j);
    if (j != item && w > 0.0f) out.push_back({j, w});
  }
  const size_t keep = std::min(out.size(), static_cast<size_t>(std::max(n, 0)));
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(keep), out.end(),
                    [](const ScoredItem& a, const ScoredItem& b) { return a.score != b.score ? a.score > b.score : a.item < b.item; });
  out.resize(keep);
  return out;
}

}  // namespace cofi
