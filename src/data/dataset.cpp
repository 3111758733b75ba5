#include "data/dataset.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "util/memory.h"

namespace cofi {

namespace {

// Counting sort of (row, col, value) into compressed rows; stable, so each row keeps input order.
void fill_rows(int32_t rows, const std::vector<Rating>& ratings, bool by_user, std::vector<int64_t>& offsets,
               std::vector<int32_t>& index, std::vector<float>& value) {
  offsets.assign(static_cast<size_t>(rows) + 1, 0);
  for (const auto& r : ratings) offsets[static_cast<size_t>(by_user ? r.user : r.item) + 1]++;
  for (size_t k = 1; k < offsets.size(); ++k) offsets[k] += offsets[k - 1];
  index.resize(ratings.size());
  value.resize(ratings.size());
  std::vector<int64_t> cursor(offsets.begin(), offsets.end() - 1);
  for (const auto& r : ratings) {
    const auto at = static_cast<size_t>(cursor[static_cast<size_t>(by_user ? r.user : r.item)]++);
    index[at] = by_user ? r.item : r.user;
    value[at] = r.value;
  }
}

}  // namespace

Dataset::Dataset(IdMap users, IdMap items, const std::vector<Rating>& ratings, bool implicit)
    : users_(std::move(users)), items_(std::move(items)), implicit_(implicit) {
  if (ratings.size() > kMaxRatings)
    throw std::length_error(std::to_string(ratings.size()) + " ratings: a data set holds at most " +
                            std::to_string(kMaxRatings));
  const int32_t nu = users_.size();
  const int32_t ni = items_.size();
  for (const auto& r : ratings) {
    if (r.user < 0 || r.user >= nu || r.item < 0 || r.item >= ni)
      throw std::out_of_range("rating (" + std::to_string(r.user) + "," + std::to_string(r.item) +
                              ") outside the id maps");
  }
  fill_rows(nu, ratings, true, by_user_.offsets_, by_user_.index_, by_user_.value_);

  // Duplicates: within each user's row, a repeated item keeps its first position and takes the
  // last value. `seen` holds, per item, the position of its entry in the current row.
  std::vector<int64_t> seen(static_cast<size_t>(ni), -1);
  std::vector<int64_t> new_offsets(by_user_.offsets_.size(), 0);
  int64_t write = 0;
  for (int32_t u = 0; u < nu; ++u) {
    const int64_t begin = by_user_.offsets_[static_cast<size_t>(u)];
    const int64_t end = by_user_.offsets_[static_cast<size_t>(u) + 1];
    const int64_t row_start = write;
    for (int64_t k = begin; k < end; ++k) {
      const int32_t item = by_user_.index_[static_cast<size_t>(k)];
      const int64_t prev = seen[static_cast<size_t>(item)];
      if (prev >= row_start) {
        by_user_.value_[static_cast<size_t>(prev)] = by_user_.value_[static_cast<size_t>(k)];
        ++duplicates_;
        continue;
      }
      seen[static_cast<size_t>(item)] = write;
      by_user_.index_[static_cast<size_t>(write)] = item;
      by_user_.value_[static_cast<size_t>(write)] = by_user_.value_[static_cast<size_t>(k)];
      ++write;
    }
    new_offsets[static_cast<size_t>(u) + 1] = write;
  }
  by_user_.offsets_ = std::move(new_offsets);
  by_user_.index_.resize(static_cast<size_t>(write));
  by_user_.value_.resize(static_cast<size_t>(write));
  by_user_.index_.shrink_to_fit();
  by_user_.value_.shrink_to_fit();

  // The item orientation is built from the de-duplicated user rows (users in index order).
  const std::vector<Rating> deduped = this->ratings();
  fill_rows(ni, deduped, false, by_item_.offsets_, by_item_.index_, by_item_.value_);

  double sum = 0.0;
  float lo = std::numeric_limits<float>::infinity();
  float hi = -std::numeric_limits<float>::infinity();
  for (float v : by_user_.value_) {
    sum += v;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (!by_user_.value_.empty()) {
    global_mean_ = sum / static_cast<double>(by_user_.value_.size());
    rating_min_ = lo;
    rating_max_ = hi;
  }
}

std::vector<Rating> Dataset::ratings() const {
  std::vector<Rating> out;
  out.reserve(static_cast<size_t>(by_user_.nnz()));
  for (int32_t u = 0; u < by_user_.rows(); ++u) {
    const SparseRow row = by_user_.row(u);
    for (int32_t k = 0; k < row.size; ++k) out.push_back({u, row.index[k], row.value[k]});
  }
  return out;
}

std::vector<Rating> Dataset::translate(const Dataset& other) const {
  std::vector<int32_t> user_map(static_cast<size_t>(other.num_users()));
  std::vector<int32_t> item_map(static_cast<size_t>(other.num_items()));
  for (int32_t u = 0; u < other.num_users(); ++u) user_map[static_cast<size_t>(u)] = users_.find(other.users().id(u));
  for (int32_t i = 0; i < other.num_items(); ++i) item_map[static_cast<size_t>(i)] = items_.find(other.items().id(i));
  std::vector<Rating> out = other.ratings();
  for (auto& r : out) {
    r.user = user_map[static_cast<size_t>(r.user)];
    r.item = item_map[static_cast<size_t>(r.item)];
  }
  return out;
}

double Dataset::bytes_per_rating() const {
  const auto n = num_ratings();
  if (n == 0) return 0.0;
  return static_cast<double>(by_user_.memory_bytes() + by_item_.memory_bytes()) / static_cast<double>(n);
}

size_t Dataset::memory_bytes() const {
  return by_user_.memory_bytes() + by_item_.memory_bytes() + users_.memory_bytes() + items_.memory_bytes();
}

uint64_t dataset_build_bytes(uint64_t ratings, uint64_t users, uint64_t items) {
  // Per rating: CSR index + value (8), the de-duplicated copy (12), CSC index + value (8).
  // Per user or item: two offset arrays and a cursor or seen slot (24), and its id's entries in
  // the id table (the string and its hash-map node, about 96 for short ids).
  return add_saturating(mul_saturating(ratings, 28), mul_saturating(add_saturating(users, items), 120));
}

Dataset subset(const Dataset& full, const std::vector<Rating>& ratings) {
  IdMap users;
  IdMap items;
  std::vector<Rating> mapped;
  mapped.reserve(ratings.size());
  for (const auto& r : ratings)
    mapped.push_back({users.intern(full.users().id(r.user)), items.intern(full.items().id(r.item)), r.value});
  return Dataset(std::move(users), std::move(items), mapped, full.implicit());
}

}  // namespace cofi
