#include "eval/split.h"

#include <cmath>
#include <stdexcept>

#include "util/rng.h"

namespace cofi {

namespace {

Fold make_fold(const Dataset& data, const std::vector<Rating>& train_part, const std::vector<Rating>& test_part) {
  Fold f;
  auto train = std::make_shared<Dataset>(subset(data, train_part));
  f.test.reserve(test_part.size());
  for (const Rating& r : test_part)
    f.test.push_back({train->users().find(data.users().id(r.user)), train->items().find(data.items().id(r.item)), r.value});
  f.train = std::move(train);
  return f;
}

}  // namespace

KFold::KFold(const Dataset& data, int folds, uint64_t seed) : data_(data), folds_(folds) {
  if (folds < 2) throw std::invalid_argument("cross-validation needs at least 2 folds");
  if (data.num_ratings() < folds) throw std::invalid_argument("fewer ratings than folds");
  shuffled_ = data.ratings();
  Rng rng(seed);
  rng.shuffle(shuffled_);
}

Fold KFold::fold(int index) const {
  if (index < 0 || index >= folds_) throw std::out_of_range("fold index out of range");
  const size_t n = shuffled_.size();
  // Surprise's KFold: the first n % K folds get one extra rating.
  const size_t base = n / static_cast<size_t>(folds_), extra = n % static_cast<size_t>(folds_);
  const size_t k = static_cast<size_t>(index);
  const size_t start = k * base + std::min(k, extra);
  const size_t stop = start + base + (k < extra ? 1 : 0);
  std::vector<Rating> train_part, test_part(shuffled_.begin() + static_cast<std::ptrdiff_t>(start),
                                            shuffled_.begin() + static_cast<std::ptrdiff_t>(stop));
  train_part.reserve(n - test_part.size());
  train_part.insert(train_part.end(), shuffled_.begin(), shuffled_.begin() + static_cast<std::ptrdiff_t>(start));
  train_part.insert(train_part.end(), shuffled_.begin() + static_cast<std::ptrdiff_t>(stop), shuffled_.end());
  return make_fold(data_, train_part, test_part);
}

SplitParts train_test_parts(const Dataset& data, double test_fraction, uint64_t seed) {
  if (!(test_fraction > 0.0 && test_fraction < 1.0)) throw std::invalid_argument("test fraction must be in (0, 1)");
  std::vector<Rating> all = data.ratings();
  Rng rng(seed);
  rng.shuffle(all);
  const auto n_test = static_cast<size_t>(std::ceil(test_fraction * static_cast<double>(all.size())));
  if (n_test >= all.size()) throw std::invalid_argument("the split leaves no training ratings");
  SplitParts parts;
  parts.test.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n_test));
  parts.train.assign(all.begin() + static_cast<std::ptrdiff_t>(n_test), all.end());
  return parts;
}

Fold train_test_split(const Dataset& data, double test_fraction, uint64_t seed) {
  const SplitParts parts = train_test_parts(data, test_fraction, seed);
  return make_fold(data, parts.train, parts.test);
}

}  // namespace cofi
