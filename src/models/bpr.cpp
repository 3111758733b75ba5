#include "models/bpr.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "io/binary.h"
#include "util/memory.h"
#include "util/rng.h"

namespace cofi {

namespace {

float dot(const float* a, const float* b, int n) {
  float s = 0.0f;
  for (int f = 0; f < n; ++f) s += a[f] * b[f];
  return s;
}

// A generator for one purpose of a fit (stream 0: initial factors, e + 1: epoch e, and so on),
// so each epoch's draws depend only on the seed and the epoch number.
Rng stream(uint64_t seed, uint64_t index) { return Rng(seed ^ (0xD1B54A32D192ED03ULL * (index + 1))); }
constexpr uint64_t kFoldInStream = 0xF01D;

// -ln sigmoid(x), without overflow for large |x|.
double log_loss(double x) { return x >= 0.0 ? std::log1p(std::exp(-x)) : -x + std::log1p(std::exp(x)); }

// A uniform index in [0, n): floor(uniform * n), which costs a multiplication where Rng::below
// costs two 64-bit divisions (the sampler's main cost); the bias is below 2^-22 for n < 2^31.
size_t draw_index(Rng& rng, size_t n) {
  const size_t i = static_cast<size_t>(rng.uniform() * static_cast<double>(n));
  return i < n ? i : n - 1;  // uniform * n can round up to n
}

// An item drawn uniformly among those not in `rated` (sorted); -1 when every item is rated.
int32_t draw_negative(Rng& rng, int32_t num_items, const int32_t* rated_begin, const int32_t* rated_end) {
  if (rated_end - rated_begin >= num_items) return -1;
  for (;;) {
    const int32_t j = static_cast<int32_t>(draw_index(rng, static_cast<size_t>(num_items)));
    if (!std::binary_search(rated_begin, rated_end, j)) return j;
  }
}

// x_ui - x_uj for person factors p and the items i, j. Four partial sums in a fixed order break
// the chain of dependent additions (the same order natively and in WASM).
float margin(const float* p, const float* qi, const float* qj, float bi, float bj, int k) {
  float partial[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  int f = 0;
  for (; f + 4 <= k; f += 4)
    for (int l = 0; l < 4; ++l) partial[l] += p[f + l] * (qi[f + l] - qj[f + l]);
  for (; f < k; ++f) partial[0] += p[f] * (qi[f] - qj[f]);
  return (bi - bj) + ((partial[0] + partial[1]) + (partial[2] + partial[3]));
}

// The gradient's weight sigmoid(-x) = d ln sigmoid(x) / dx.
float sigmoid_of_minus(float x) { return static_cast<float>(1.0 / (1.0 + std::exp(static_cast<double>(x)))); }

}  // namespace

Bpr::Bpr(const Params& params)
    : factors_(params.get_int("factors", 64, 1, 1000)),
      epochs_(params.get_int("epochs", 100, 1, 10000)),
      lr_(params.get_double("lr", 0.02, 1e-9, 10.0)),
      reg_(params.get_double("reg", 0.03, 0.0, 100.0)),
      init_std_(params.get_double("init_std", 0.1, 0.0, 1e3)),
      threshold_(static_cast<float>(params.get_double("threshold", -std::numeric_limits<double>::infinity(), -1e9, 1e9))) {
  params.finish(algorithm());
}

void Bpr::index_training_set(const Dataset& train) {
  positive_user_.clear();
  positive_item_.clear();
  rated_offsets_.assign(1, 0);
  rated_sorted_.clear();
  rated_sorted_.reserve(static_cast<size_t>(train.num_ratings()));
  for (int32_t u = 0; u < train.num_users(); ++u) {
    const SparseRow row = train.by_user().row(u);
    for (int32_t r = 0; r < row.size; ++r) {
      rated_sorted_.push_back(row.index[r]);
      if (positive(row.value[r])) {
        positive_user_.push_back(u);
        positive_item_.push_back(row.index[r]);
      }
    }
    std::sort(rated_sorted_.begin() + rated_offsets_.back(), rated_sorted_.end());
    rated_offsets_.push_back(static_cast<int64_t>(rated_sorted_.size()));
  }
}

// Users and items: factors, item biases, and the (user, item) pairs sampled from (8 bytes each).
uint64_t Bpr::fit_bytes(const Dataset& train) const {
  return add_saturating(float_array_bytes(add_saturating(train.num_users(), train.num_items()), static_cast<uint64_t>(factors_) + 1),
                        mul_saturating(static_cast<uint64_t>(train.num_ratings()), 8));
}

void Bpr::do_fit(const Dataset& train, uint64_t seed) {
  seed_ = seed;
  index_training_set(train);
  const size_t k = static_cast<size_t>(factors_);
  user_factors_.assign(static_cast<size_t>(train.num_users()) * k, 0.0f);
  item_factors_.assign(static_cast<size_t>(train.num_items()) * k, 0.0f);
  item_bias_.assign(static_cast<size_t>(train.num_items()), 0.0f);
  Rng rng = stream(seed, 0);
  for (auto& x : user_factors_) x = static_cast<float>(rng.normal() * init_std_);
  for (auto& x : item_factors_) x = static_cast<float>(rng.normal() * init_std_);
  // A user without positives is never drawn: zero factors make their scores the item biases.
  std::vector<uint8_t> has_positive(static_cast<size_t>(train.num_users()), 0);
  for (int32_t u : positive_user_) has_positive[static_cast<size_t>(u)] = 1;
  for (size_t u = 0; u < has_positive.size(); ++u)
    if (!has_positive[u]) std::fill_n(user_factors_.data() + u * k, k, 0.0f);
}

double Bpr::run_epoch(const Dataset& train, int epoch) {
  if (positive_user_.empty()) return std::numeric_limits<double>::quiet_NaN();
  const size_t k = static_cast<size_t>(factors_);
  const float lr = static_cast<float>(lr_), reg = static_cast<float>(reg_);
  Rng rng = stream(seed_, static_cast<uint64_t>(epoch) + 1);
  const size_t samples = positive_user_.size();
  double total = 0.0;
  size_t counted = 0;
  for (size_t s = 0; s < samples; ++s) {
    const size_t t = draw_index(rng, samples);
    const size_t u = static_cast<size_t>(positive_user_[t]);
    const size_t i = static_cast<size_t>(positive_item_[t]);
    const int32_t j = draw_negative(rng, train.num_items(), rated_sorted_.data() + rated_offsets_[u],
                                    rated_sorted_.data() + rated_offsets_[u + 1]);
    if (j < 0) continue;  // the user rated every item: no negative exists
    const size_t jj = static_cast<size_t>(j);
    float* p = user_factors_.data() + u * k;
    float* qi = item_factors_.data() + i * k;
    float* qj = item_factors_.data() + jj * k;
    const float x = margin(p, qi, qj, item_bias_[i], item_bias_[jj], factors_);
    const float g = sigmoid_of_minus(x);
    for (size_t f = 0; f < k; ++f) {
      const float pf = p[f], qif = qi[f], qjf = qj[f];
      p[f] += lr * (g * (qif - qjf) - reg * pf);
      qi[f] += lr * (g * pf - reg * qif);
      qj[f] += lr * (-g * pf - reg * qjf);
    }
    item_bias_[i] += lr * (g - reg * item_bias_[i]);
    item_bias_[jj] += lr * (-g - reg * item_bias_[jj]);
    total += log_loss(x);
    ++counted;
  }
  return counted > 0 ? total / static_cast<double>(counted) : std::numeric_limits<double>::quiet_NaN();
}

Prediction Bpr::do_predict(int32_t user, int32_t item) const {
  const size_t k = static_cast<size_t>(factors_);
  Prediction p;
  p.fallback = user < 0 || item < 0;
  if (!p.fallback)
    p.raw = item_bias_[static_cast<size_t>(item)] + dot(user_factors_.data() + static_cast<size_t>(user) * k,
                                                        item_factors_.data() + static_cast<size_t>(item) * k, factors_);
  return p;
}

void Bpr::do_score(const Profile& person, std::vector<float>& scores) const {
  const Dataset& data = train();
  const size_t k = static_cast<size_t>(factors_);
  std::vector<float> folded(k, 0.0f);
  const float* p;
  if (person.user >= 0) {
    p = user_factors_.data() + static_cast<size_t>(person.user) * k;
  } else {
    // Fold-in: the training SGD on the person's factors only, items and biases fixed.
    std::vector<int32_t> rated(person.items);
    std::sort(rated.begin(), rated.end());
    rated.erase(std::unique(rated.begin(), rated.end()), rated.end());
    std::vector<int32_t> positives;
    for (size_t r = 0; r < person.items.size(); ++r)
      if (positive(person.ratings[r])) positives.push_back(person.items[r]);
    if (!positives.empty()) {
      Rng rng = stream(seed_, kFoldInStream);
      for (auto& x : folded) x = static_cast<float>(rng.normal() * init_std_);
      const float lr = static_cast<float>(lr_), reg = static_cast<float>(reg_);
      const size_t triples = static_cast<size_t>(epochs_) * positives.size();
      for (size_t s = 0; s < triples; ++s) {
        const size_t i = static_cast<size_t>(positives[draw_index(rng, positives.size())]);
        const int32_t j = draw_negative(rng, data.num_items(), rated.data(), rated.data() + rated.size());
        if (j < 0) break;
        const size_t jj = static_cast<size_t>(j);
        const float* qi = item_factors_.data() + i * k;
        const float* qj = item_factors_.data() + jj * k;
        const float g = sigmoid_of_minus(margin(folded.data(), qi, qj, item_bias_[i], item_bias_[jj], factors_));
        for (size_t f = 0; f < k; ++f) folded[f] += lr * (g * (qi[f] - qj[f]) - reg * folded[f]);
      }
    }
    p = folded.data();
  }
  for (int32_t i = 0; i < data.num_items(); ++i)
    scores[static_cast<size_t>(i)] =
        data.by_item().row_size(i) == 0
            ? std::numeric_limits<float>::quiet_NaN()
            : item_bias_[static_cast<size_t>(i)] + dot(p, item_factors_.data() + static_cast<size_t>(i) * k, factors_);
}

void Bpr::write_state(BinaryWriter& out) const {
  out.u64(seed_);
  out.vec(user_factors_);
  out.vec(item_factors_);
  out.vec(item_bias_);
}

void Bpr::read_state(const Dataset& train, BinaryReader& in) {
  const uint64_t k = static_cast<uint64_t>(factors_);
  seed_ = in.u64();
  user_factors_ = in.vec<float>(static_cast<uint64_t>(train.num_users()) * k, "bpr user factors");
  item_factors_ = in.vec<float>(static_cast<uint64_t>(train.num_items()) * k, "bpr item factors");
  item_bias_ = in.vec<float>(static_cast<uint64_t>(train.num_items()), "bpr item biases");
  index_training_set(train);
}

}  // namespace cofi
