#include "data/from_arrays.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace cofi {

Dataset dataset_from_arrays(const std::vector<std::string_view>& users, const std::vector<std::string_view>& items,
                            const std::vector<float>& values) {
  const bool implicit = values.empty();
  if (users.size() != items.size() || (!implicit && values.size() != users.size()))
    throw std::invalid_argument("users, items and values must have the same length (got " + std::to_string(users.size()) +
                                ", " + std::to_string(items.size()) + " and " + std::to_string(values.size()) + ")");
  if (users.empty()) throw std::invalid_argument("no ratings: the arrays are empty");
  IdMap user_ids, item_ids;
  std::vector<Rating> ratings;
  ratings.reserve(users.size());
  for (size_t k = 0; k < users.size(); ++k) {
    if (users[k].empty()) throw std::invalid_argument("users[" + std::to_string(k) + "] is an empty id");
    if (items[k].empty()) throw std::invalid_argument("items[" + std::to_string(k) + "] is an empty id");
    const float value = implicit ? 1.0f : values[k];
    if (!std::isfinite(value)) throw std::invalid_argument("values[" + std::to_string(k) + "] is not a finite number");
    ratings.push_back({user_ids.intern(users[k]), item_ids.intern(items[k]), value});
  }
  return Dataset(std::move(user_ids), std::move(item_ids), ratings, implicit);
}

}  // namespace cofi
