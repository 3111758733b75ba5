#include "models/random_normal.h"

#include <cmath>

#include "util/rng.h"

namespace cofi {

RandomNormal::RandomNormal(const Params& params) { params.finish(algorithm()); }

void RandomNormal::do_fit(const Dataset& train, uint64_t seed) {
  mu_ = train.global_mean();
  double sum_sq = 0.0;
  for (int32_t u = 0; u < train.num_users(); ++u) {
    const SparseRow row = train.by_user().row(u);
    for (int32_t k = 0; k < row.size; ++k) sum_sq += (row.value[k] - mu_) * (row.value[k] - mu_);
  }
  sigma_ = std::sqrt(sum_sq / static_cast<double>(train.num_ratings()));
  seed_ = seed;
}

double RandomNormal::draw(int64_t user, int64_t item) const {
  Rng rng(seed_ ^ (static_cast<uint64_t>(user + 1) * 0x9E3779B97F4A7C15ULL) ^
          (static_cast<uint64_t>(item + 1) * 0xC2B2AE3D27D4EB4FULL));
  return mu_ + sigma_ * rng.normal();
}

Prediction RandomNormal::do_predict(int32_t user, int32_t item) const {
  Prediction p;
  p.raw = static_cast<float>(draw(user, item));
  return p;
}

void RandomNormal::do_score(const Profile& person, std::vector<float>& scores) const {
  for (size_t i = 0; i < scores.size(); ++i) scores[i] = static_cast<float>(draw(person.user, static_cast<int64_t>(i)));
}

}  // namespace cofi
