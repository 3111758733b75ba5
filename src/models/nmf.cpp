#include "models/nmf.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "io/binary.h"
#include "util/memory.h"
#include "util/rng.h"

namespace cofi {

namespace {

// Folding in a new person draws their starting factors from the model's seed mixed with this
// constant, so the draw does not repeat the fit's first draws (those of user 0).
constexpr uint64_t kFoldInSeedMix = 0x6E6D662D666F6C64ULL;  // "nmf-fold"

// p_f *= num_f / (denom_f + n reg p_f), skipping zero factors and non-positive denominators (see nmf.h).
void multiplicative_update(float* factors, const float* num, const float* denom, int n_factors, float n_reg) {
  for (int f = 0; f < n_factors; ++f) {
    if (factors[f] == 0.0f) continue;
    const float d = denom[f] + n_reg * factors[f];
    if (d > 0.0f) factors[f] *= num[f] / d;
  }
}

// a . b over rows padded to a multiple of 4 floats: lane l sums elements l, l + 4, ...; the lanes
// are then added as (s0 + s1) + (s2 + s3). A fixed order, so native and WASM agree to the bit,
// and one that compilers turn into 4-lane SIMD.
inline float padded_dot(const float* a, const float* b, size_t n) {
  float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
  for (size_t k = 0; k < n; k += 4) {
    s0 += a[k] * b[k];
    s1 += a[k + 1] * b[k + 1];
    s2 += a[k + 2] * b[k + 2];
    s3 += a[k + 3] * b[k + 3];
  }
  return (s0 + s1) + (s2 + s3);
}

// One rating's share of the epoch's sums: num += factors * r, denom += factors * est, for the
// user's sums (with q) and the item's (with p). Elementwise, in whole blocks of 4 lanes (n is a
// multiple of 4) with no aliasing, so compilers vectorise it without a scalar tail.
inline void accumulate(const float* __restrict q, const float* __restrict p, float r, float est,
                       float* __restrict user_num, float* __restrict user_denom, float* __restrict item_num,
                       float* __restrict item_denom, size_t n) {
  for (size_t f = 0; f < n; f += 4) {
    for (size_t l = f; l < f + 4; ++l) {
      user_num[l] += q[l] * r;
      user_denom[l] += q[l] * est;
      item_num[l] += p[l] * r;
      item_denom[l] += p[l] * est;
    }
  }
}

}  // namespace

Nmf::Nmf(const Params& params) {
  factors_ = params.get_int("factors", 15, 1, 100000);
  epochs_ = params.get_int("epochs", 50, 0, 1000000);
  biased_ = params.get_bool("biased", false);
  reg_pu_ = static_cast<float>(params.get_double("reg_pu", 0.06, 0.0, 1e9));
  reg_qi_ = static_cast<float>(params.get_double("reg_qi", 0.06, 0.0, 1e9));
  reg_bu_ = static_cast<float>(params.get_double("reg_bu", 0.02, 0.0, 1e9));
  reg_bi_ = static_cast<float>(params.get_double("reg_bi", 0.02, 0.0, 1e9));
  lr_bu_ = static_cast<float>(params.get_double("lr_bu", 0.005, 0.0, 1e9));
  lr_bi_ = static_cast<float>(params.get_double("lr_bi", 0.005, 0.0, 1e9));
  // Non-negative factors need a non-negative start (Surprise refuses init_low < 0 too).
  init_low_ = static_cast<float>(params.get_double("init_low", 0.0, 0.0, 1e9));
  init_high_ = static_cast<float>(params.get_double("init_high", 1.0, 0.0, 1e9));
  if (init_high_ < init_low_)
    throw std::invalid_argument("parameters init_low and init_high: init_high must not be below init_low");
  stride_ = (static_cast<size_t>(factors_) + 3) / 4 * 4;
  params.finish(algorithm());
}

void Nmf::initial_factors(Rng& rng, float* p) const {
  const double span = static_cast<double>(init_high_) - init_low_;
  for (int f = 0; f < factors_; ++f) p[f] = static_cast<float>(init_low_ + span * rng.uniform());
  for (size_t f = static_cast<size_t>(factors_); f < stride_; ++f) p[f] = 0.0f;
}

// User and item factor rows padded to a multiple of 4, biases, and the items' update sums.
uint64_t Nmf::fit_bytes(const Dataset& train) const {
  const uint64_t stride = (static_cast<uint64_t>(factors_) + 3) / 4 * 4;
  return add_saturating(float_array_bytes(train.num_users(), stride + 1), float_array_bytes(train.num_items(), 3 * stride + 1));
}

void Nmf::do_fit(const Dataset& train, uint64_t seed) {
  seed_ = seed;
  mu_ = biased_ ? static_cast<float>(train.global_mean()) : 0.0f;
  pu_.resize(static_cast<size_t>(train.num_users()) * stride_);
  qi_.resize(static_cast<size_t>(train.num_items()) * stride_);
  Rng rng(seed);
  for (int32_t u = 0; u < train.num_users(); ++u) initial_factors(rng, &pu_[static_cast<size_t>(u) * stride_]);
  for (int32_t i = 0; i < train.num_items(); ++i) initial_factors(rng, &qi_[static_cast<size_t>(i) * stride_]);
  bu_.assign(static_cast<size_t>(train.num_users()), 0.0f);
  bi_.assign(static_cast<size_t>(train.num_items()), 0.0f);
}

inline float Nmf::estimate(const float* p, float user_bias, int32_t item) const {
  const float dot = padded_dot(&qi_[static_cast<size_t>(item) * stride_], p, stride_);
  return biased_ ? mu_ + user_bias + bi_[static_cast<size_t>(item)] + dot : dot;
}

double Nmf::run_epoch(const Dataset& train, int) {
  const size_t stride = stride_;
  // Per item: the numerators, then the denominators (adjacent, so one rating touches one region).
  std::vector<float> item_sums(static_cast<size_t>(train.num_items()) * 2 * stride, 0.0f);
  std::vector<float> user_num(stride), user_denom(stride);
  double sum_sq = 0.0;
  const SparseRows& rows = train.by_user();
  for (int32_t u = 0; u < train.num_users(); ++u) {
    const SparseRow row = rows.row(u);
    float* p = &pu_[static_cast<size_t>(u) * stride];
    std::fill(user_num.begin(), user_num.end(), 0.0f);
    std::fill(user_denom.begin(), user_denom.end(), 0.0f);
    for (int32_t k = 0; k < row.size; ++k) {
      const int32_t i = row.index[k];
      const float r = row.value[k];
      const float est = estimate(p, bu_[static_cast<size_t>(u)], i);
      const float err = r - est;
      sum_sq += static_cast<double>(err) * err;
      if (biased_) {
        float& bu = bu_[static_cast<size_t>(u)];
        float& bi = bi_[static_cast<size_t>(i)];
        bu += lr_bu_ * (err - reg_bu_ * bu);
        bi += lr_bi_ * (err - reg_bi_ * bi);
      }
      const float* q = &qi_[static_cast<size_t>(i) * stride];
      float* item_num = &item_sums[static_cast<size_t>(i) * 2 * stride];
      float* item_denom = item_num + stride;
      accumulate(q, p, r, est, user_num.data(), user_denom.data(), item_num, item_denom, stride);
    }
    // Surprise updates every p_u after the pass over all ratings. Ratings come grouped by user and
    // nothing after u's block reads p_u, so updating it here gives the same numbers without
    // per-user accumulator arrays.
    multiplicative_update(p, user_num.data(), user_denom.data(), factors_, static_cast<float>(row.size) * reg_pu_);
  }
  for (int32_t i = 0; i < train.num_items(); ++i) {
    const float* item_num = &item_sums[static_cast<size_t>(i) * 2 * stride];
    multiplicative_update(&qi_[static_cast<size_t>(i) * stride], item_num, item_num + stride, factors_,
                          static_cast<float>(train.by_item().row_size(i)) * reg_qi_);
  }
  return std::sqrt(sum_sq / static_cast<double>(train.num_ratings()));
}

Prediction Nmf::do_predict(int32_t user, int32_t item) const {
  Prediction p;
  if (user < 0 || item < 0) {
    p.fallback = true;
    double est = train().global_mean();
    if (biased_) {
      if (user >= 0) est += bu_[static_cast<size_t>(user)];
      if (item >= 0) est += bi_[static_cast<size_t>(item)];
    }
    p.raw = static_cast<float>(est);
    return p;
  }
  p.raw = estimate(&pu_[static_cast<size_t>(user) * stride_], bu_[static_cast<size_t>(user)], item);
  return p;
}

void Nmf::do_score(const Profile& person, std::vector<float>& scores) const {
  std::vector<float> p(stride_);
  float bu = 0.0f;
  if (person.user >= 0) {
    std::copy_n(&pu_[static_cast<size_t>(person.user) * stride_], stride_, p.begin());
    bu = bu_[static_cast<size_t>(person.user)];
  } else {
    if (person.items.empty()) return;  // nothing to fold in: no personal evidence (scores stay NaN)
    // Fold in: the training epoch's updates restricted to this person's p (and b), q fixed.
    Rng rng(seed_ ^ kFoldInSeedMix);
    initial_factors(rng, p.data());
    std::vector<float> num(stride_), denom(stride_);
    const float n_reg = static_cast<float>(person.items.size()) * reg_pu_;
    for (int it = 0; it < epochs_; ++it) {
      std::fill(num.begin(), num.end(), 0.0f);
      std::fill(denom.begin(), denom.end(), 0.0f);
      for (size_t k = 0; k < person.items.size(); ++k) {
        const int32_t i = person.items[k];
        const float r = person.ratings[k];
        const float est = estimate(p.data(), bu, i);
        if (biased_) bu += lr_bu_ * ((r - est) - reg_bu_ * bu);
        const float* q = &qi_[static_cast<size_t>(i) * stride_];
        for (size_t f = 0; f < stride_; ++f) {
          num[f] += q[f] * r;
          denom[f] += q[f] * est;
        }
      }
      multiplicative_update(p.data(), num.data(), denom.data(), factors_, n_reg);
    }
  }
  for (int32_t i = 0; i < static_cast<int32_t>(scores.size()); ++i) scores[static_cast<size_t>(i)] = estimate(p.data(), bu, i);
}

// The factors are saved without the padding: factors_ floats per row.
void Nmf::write_state(BinaryWriter& out) const {
  auto unpadded = [this](const std::vector<float>& rows) {
    std::vector<float> out;
    out.reserve(rows.size() / stride_ * static_cast<size_t>(factors_));
    for (size_t start = 0; start < rows.size(); start += stride_)
      out.insert(out.end(), rows.begin() + static_cast<std::ptrdiff_t>(start),
                 rows.begin() + static_cast<std::ptrdiff_t>(start) + factors_);
    return out;
  };
  out.u64(seed_);
  out.vec(unpadded(pu_));
  out.vec(unpadded(qi_));
  out.vec(bu_);
  out.vec(bi_);
}

void Nmf::read_state(const Dataset& train, BinaryReader& in) {
  const uint64_t f = static_cast<uint64_t>(factors_);
  const uint64_t users = static_cast<uint64_t>(train.num_users()), items = static_cast<uint64_t>(train.num_items());
  auto padded = [this](const std::vector<float>& rows) {
    std::vector<float> out(rows.size() / static_cast<size_t>(factors_) * stride_, 0.0f);
    for (size_t r = 0; r * static_cast<size_t>(factors_) < rows.size(); ++r)
      std::copy_n(&rows[r * static_cast<size_t>(factors_)], factors_, &out[r * stride_]);
    return out;
  };
  const uint64_t seed = in.u64();
  std::vector<float> pu = padded(in.vec<float>(users * f, "nmf user factors"));
  std::vector<float> qi = padded(in.vec<float>(items * f, "nmf item factors"));
  std::vector<float> bu = in.vec<float>(users, "nmf user biases");
  std::vector<float> bi = in.vec<float>(items, "nmf item biases");
  seed_ = seed;
  mu_ = biased_ ? static_cast<float>(train.global_mean()) : 0.0f;
  pu_ = std::move(pu);
  qi_ = std::move(qi);
  bu_ = std::move(bu);
  bi_ = std::move(bi);
}

}  // namespace cofi
