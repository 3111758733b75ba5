#include "models/baseline.h"

namespace cofi {

Baseline::Baseline(const Params& params) : options_(BaselineOptions::from_params(params, "")) {
  params.finish(algorithm());
}

void Baseline::do_fit(const Dataset& train, uint64_t) { baselines_ = estimate_baselines(train, options_); }

Prediction Baseline::do_predict(int32_t user, int32_t item) const {
  // As Surprise: an unknown user or item just drops its bias term.
  double est = baselines_.mu;
  if (user >= 0) est += baselines_.bu[static_cast<size_t>(user)];
  if (item >= 0) est += baselines_.bi[static_cast<size_t>(item)];
  Prediction p;
  p.raw = static_cast<float>(est);
  p.fallback = user < 0 || item < 0;
  return p;
}

void Baseline::do_score(const Profile& person, std::vector<float>& scores) const {
  const double bu = person.user >= 0 ? baselines_.bu[static_cast<size_t>(person.user)]
                                     : fold_in_user_bias(baselines_, options_, person.items, person.ratings);
  for (size_t i = 0; i < scores.size(); ++i) scores[i] = static_cast<float>(baselines_.mu + bu + baselines_.bi[i]);
}

}  // namespace cofi
