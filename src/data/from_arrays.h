// Builds a dataset from parallel arrays of ids and ratings, for callers that hold their data in
// memory already (the JS API's `fromArrays`) rather than as a file.
#pragma once
#include <string_view>
#include <vector>

#include "data/dataset.h"

namespace cofi {

// users[k] rated items[k] with values[k]; `values` empty means implicit feedback (every pair 1).
// Ids keep their first-appearance order, duplicates keep the last value (as the file reader).
// Throws std::invalid_argument naming the array and index of the first bad entry.
Dataset dataset_from_arrays(const std::vector<std::string_view>& users, const std::vector<std::string_view>& items,
                            const std::vector<float>& values);

}  // namespace cofi
