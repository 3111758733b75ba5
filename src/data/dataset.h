// A ratings dataset: external ids mapped to dense indices, and the ratings stored sparse twice,
// by user (CSR: each user's items) and by item (CSC: each item's users).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/id_map.h"

namespace cofi {

// One observed rating in dense indices. In a test set translated to a training set's indices,
// user or item is -1 when the training set never saw that id.
struct Rating {
  int32_t user;
  int32_t item;
  float value;
};

// Read-only view of one row of a SparseRows.
struct SparseRow {
  const int32_t* index;
  const float* value;
  int32_t size;
};

// Compressed sparse rows. Within a row, entries keep the order in which they were first read,
// so algorithms that iterate rows visit ratings in file order (as Surprise does).
class SparseRows {
 public:
  int32_t rows() const { return static_cast<int32_t>(offsets_.empty() ? 0 : offsets_.size() - 1); }
  int64_t nnz() const { return static_cast<int64_t>(index_.size()); }
  SparseRow row(int32_t r) const {
    const auto begin = offsets_[static_cast<size_t>(r)];
    return {index_.data() + begin, value_.data() + begin,
            static_cast<int32_t>(offsets_[static_cast<size_t>(r) + 1] - begin)};
  }
  int32_t row_size(int32_t r) const {
    return static_cast<int32_t>(offsets_[static_cast<size_t>(r) + 1] - offsets_[static_cast<size_t>(r)]);
  }
  size_t memory_bytes() const {
    return offsets_.capacity() * sizeof(int64_t) + index_.capacity() * sizeof(int32_t) +
           value_.capacity() * sizeof(float);
  }

 private:
  friend class Dataset;
  std::vector<int64_t> offsets_;
  std::vector<int32_t> index_;
  std::vector<float> value_;
};

class Dataset {
 public:
  Dataset() = default;
  // Builds the sparse stores from ratings in file order. Where a (user, item) pair occurs more
  // than once the last value wins (at the first one's position) and duplicates() counts the extras.
  // Throws std::length_error for more than kMaxRatings ratings.
  Dataset(IdMap users, IdMap items, const std::vector<Rating>& ratings, bool implicit);

  const IdMap& users() const { return users_; }
  const IdMap& items() const { return items_; }
  int32_t num_users() const { return users_.size(); }
  int32_t num_items() const { return items_.size(); }
  int64_t num_ratings() const { return by_user_.nnz(); }
  const SparseRows& by_user() const { return by_user_; }
  // Each item's users in ascending user index (built from the user rows in order).
  const SparseRows& by_item() const { return by_item_; }

  // True when the source had no rating column: every pair counts 1.
  bool implicit() const { return implicit_; }
  int64_t duplicates() const { return duplicates_; }
  double global_mean() const { return global_mean_; }
  float rating_min() const { return rating_min_; }
  float rating_max() const { return rating_max_; }

  // All ratings ordered by user index, then by position in the user's row (Surprise's all_ratings order).
  std::vector<Rating> ratings() const;

  // Translates another dataset's ratings (for example a test file) into this dataset's indices;
  // ids this dataset does not know become -1.
  std::vector<Rating> translate(const Dataset& other) const;

  // Bytes of the sparse stores per stored rating (both orientations, offsets included), and in all.
  double bytes_per_rating() const;
  size_t memory_bytes() const;

 private:
  IdMap users_;
  IdMap items_;
  SparseRows by_user_;
  SparseRows by_item_;
  bool implicit_ = false;
  int64_t duplicates_ = 0;
  double global_mean_ = 0.0;
  float rating_min_ = 0.0f;
  float rating_max_ = 0.0f;
};

// The most ratings a Dataset holds: rows and counts are 32-bit in the models' loops.
constexpr uint64_t kMaxRatings = 2147483647;  // 2^31 - 1

// Bytes that building a Dataset of this size allocates (both sparse stores, the de-duplication's
// copy of the ratings, per-row arrays and the id tables), beyond the ratings list it is built
// from (sizeof(Rating) = 12 bytes a rating). An estimate for refusing data that cannot fit.
uint64_t dataset_build_bytes(uint64_t ratings, uint64_t users, uint64_t items);

// Builds a Dataset from ratings given in dense indices over existing id maps (used by splits).
Dataset subset(const Dataset& full, const std::vector<Rating>& ratings);

}  // namespace cofi
