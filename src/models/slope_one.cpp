#include "models/slope_one.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace cofi {

SlopeOne::SlopeOne(const Params& params) {
  max_dense_bytes_ = static_cast<uint64_t>(params.get_int("max_dense_mb", 256, 0, 4095)) << 20;
  params.finish(algorithm());
}

uint64_t SlopeOne::matrix_bytes(int64_t num_items) {
  const uint64_t n = static_cast<uint64_t>(std::max<int64_t>(num_items, 1));
  return n * (n - 1) / 2 * sizeof(float);
}

void SlopeOne::do_fit(const Dataset& train, uint64_t) {
  const int64_t n = train.num_items();
  const uint64_t need = matrix_bytes(n);
  if (need > max_dense_bytes_) {
    const uint64_t mb = (need + (1u << 20) - 1) >> 20;
    throw std::invalid_argument("slope-one needs every item pair: " + std::to_string(n) + " items need " +
                                std::to_string(mb) + " MB of deviations, above max_dense_mb=" +
                                std::to_string(max_dense_bytes_ >> 20) +
                                " (raise max_dense_mb or choose another algorithm)");
  }
  num_items_ = static_cast<int32_t>(n);
  const SparseRows& by_user = train.by_user();
  const SparseRows& by_item = train.by_item();
  const int32_t num_users = by_user.rows();

  // Every user's ratings in ascending item order, laid out like by_user: walking the items in
  // order and appending to each rater's row sorts them without a sort.
  std::vector<int64_t> offset(static_cast<size_t>(num_users) + 1, 0);
  for (int32_t u = 0; u < num_users; ++u) offset[static_cast<size_t>(u) + 1] = offset[static_cast<size_t>(u)] + by_user.row_size(u);
  std::vector<int32_t> sorted_item(static_cast<size_t>(by_user.nnz()));
  std::vector<float> sorted_value(static_cast<size_t>(by_user.nnz()));
  std::vector<int64_t> cursor(offset.begin(), offset.end() - 1);
  for (int32_t i = 0; i < num_items_; ++i) {
    const SparseRow col = by_item.row(i);
    for (int32_t k = 0; k < col.size; ++k) {
      const size_t at = static_cast<size_t>(cursor[static_cast<size_t>(col.index[k])]++);
      sorted_item[at] = i;
      sorted_value[at] = col.value[k];
    }
  }

  user_mean_.assign(static_cast<size_t>(num_users), train.global_mean());
  for (int32_t u = 0; u < num_users; ++u) {
    const SparseRow row = by_user.row(u);
    double sum = 0.0;
    for (int32_t k = 0; k < row.size; ++k) sum += row.value[k];
    if (row.size > 0) user_mean_[static_cast<size_t>(u)] = sum / row.size;
  }

  // Row i of the triangle: the raters of i add r_ui - r_uj for their items j > i. Items are taken
  // in ascending order, so cursor[u] always points at i in u's sorted row and the items after it
  // are exactly u's j > i.
  struct PairSum {
    float sum;
    uint32_t count;
  };
  std::vector<PairSum> scratch(static_cast<size_t>(n), PairSum{0.0f, 0u});
  std::copy(offset.begin(), offset.end() - 1, cursor.begin());
  dev_.resize(static_cast<size_t>(need / sizeof(float)));
  const float none = std::numeric_limits<float>::quiet_NaN();
  for (int32_t i = 0; i < num_items_; ++i) {
    const SparseRow col = by_item.row(i);
    for (int32_t k = 0; k < col.size; ++k) {
      const size_t u = static_cast<size_t>(col.index[k]);
      const int64_t at = cursor[u]++;
      const float r_ui = col.value[k];
      for (int64_t b = at + 1; b < offset[u + 1]; ++b) {
        PairSum& pair = scratch[static_cast<size_t>(sorted_item[static_cast<size_t>(b)])];
        pair.sum += r_ui - sorted_value[static_cast<size_t>(b)];
        pair.count += 1;
      }
    }
    const int64_t base = row_base(i);
    for (int32_t j = i + 1; j < num_items_; ++j) {
      PairSum& pair = scratch[static_cast<size_t>(j)];
      dev_[static_cast<size_t>(base + j)] = pair.count > 0 ? pair.sum / static_cast<float>(pair.count) : none;
      pair = PairSum{0.0f, 0u};
    }
  }
}

Prediction SlopeOne::estimate(double mean_rating, const int32_t* items, int32_t n, int32_t item) const {
  double sum = 0.0;
  int32_t relevant = 0;
  for (int32_t k = 0; k < n; ++k) {
    const float d = deviation(item, items[k]);
    if (std::isnan(d)) continue;
    sum += d;
    ++relevant;
  }
  Prediction p;
  p.fallback = relevant == 0;
  p.raw = static_cast<float>(relevant > 0 ? mean_rating + sum / relevant : mean_rating);
  return p;
}

Prediction SlopeOne::do_predict(int32_t user, int32_t item) const {
  if (user < 0 || item < 0) {
    Prediction p;
    p.fallback = true;
    p.raw = static_cast<float>(train().global_mean());
    return p;
  }
  const SparseRow row = train().by_user().row(user);
  return estimate(user_mean_[static_cast<size_t>(user)], row.index, row.size, item);
}

void SlopeOne::do_score(const Profile& person, std::vector<float>& scores) const {
  if (person.items.empty()) return;  // no evidence: every score stays NaN
  double mean = 0.0;
  if (person.user >= 0) {
    mean = user_mean_[static_cast<size_t>(person.user)];
  } else {
    for (float r : person.ratings) mean += r;
    mean /= static_cast<double>(person.ratings.size());
  }
  const int32_t n = static_cast<int32_t>(person.items.size());
  for (int32_t i = 0; i < num_items_; ++i) {
    const Prediction p = estimate(mean, person.items.data(), n, i);
    scores[static_cast<size_t>(i)] = p.fallback ? std::numeric_limits<float>::quiet_NaN() : p.raw;
  }
}

}  // namespace cofi
