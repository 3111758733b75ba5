#include "models/global_mean.h"

namespace cofi {

Prediction GlobalMean::do_predict(int32_t, int32_t) const {
  Prediction p;
  p.raw = static_cast<float>(train().global_mean());
  return p;
}

void GlobalMean::do_score(const Profile&, std::vector<float>& scores) const {
  for (int32_t i = 0; i < train().num_items(); ++i)
    scores[static_cast<size_t>(i)] = static_cast<float>(train().by_item().row_size(i));
}

}  // namespace cofi
