// Train/test splits of one dataset: K-fold cross-validation (as Surprise's KFold: shuffle the
// ratings with the seed, cut them into K contiguous parts) and a single random hold-out.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "data/dataset.h"

namespace cofi {

struct Fold {
  std::shared_ptr<const Dataset> train;
  std::vector<Rating> test;  // in train's indices; ids train never saw are -1
};

class KFold {
 public:
  KFold(const Dataset& data, int folds, uint64_t seed);
  int folds() const { return folds_; }
  // Builds fold `index` (0-based) on demand, so only one fold's training set is held at a time.
  Fold fold(int index) const;

 private:
  const Dataset& data_;
  int folds_;
  std::vector<Rating> shuffled_;
};

// A random hold-out: test_fraction of the ratings (rounded up) go to the test part.
Fold train_test_split(const Dataset& data, double test_fraction, uint64_t seed);

// The same hold-out's two parts in `data`'s own indices (Fold::test is in train's indices and has
// lost the ids train never saw), for callers that need the test part as a Dataset of its own.
struct SplitParts {
  std::vector<Rating> train;
  std::vector<Rating> test;
};
SplitParts train_test_parts(const Dataset& data, double test_fraction, uint64_t seed);

}  // namespace cofi
