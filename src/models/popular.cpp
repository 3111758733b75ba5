#include "models/popular.h"

namespace cofi {

void Popular::do_fit(const Dataset& train, uint64_t) {
  item_mean_.assign(static_cast<size_t>(train.num_items()), 0.0);
  for (int32_t i = 0; i < train.num_items(); ++i) {
    const SparseRow col = train.by_item().row(i);
    double sum = 0.0;
    for (int32_t k = 0; k < col.size; ++k) sum += col.value[k];
    item_mean_[static_cast<size_t>(i)] = col.size > 0 ? sum / col.size : train.global_mean();
  }
}

Prediction Popular::do_predict(int32_t, int32_t item) const {
  Prediction p;
  if (item < 0) {
    p.raw = static_cast<float>(train().global_mean());
    p.fallback = true;
  } else {
    p.raw = static_cast<float>(item_mean_[static_cast<size_t>(item)]);
  }
  return p;
}

void Popular::do_score(const Profile&, std::vector<float>& scores) const {
  for (int32_t i = 0; i < train().num_items(); ++i)
    scores[static_cast<size_t>(i)] = static_cast<float>(train().by_item().row_size(i));
}

}  // namespace cofi
