#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "data/from_arrays.h"

using cofi::dataset_from_arrays;

TEST_CASE("dataset_from_arrays keeps ids in first-appearance order and the last duplicate", "[data]") {
  const cofi::Dataset d = dataset_from_arrays({"u2", "u1", "u2", "u2"}, {"x", "y", "y", "x"}, {4.0f, 3.0f, 5.0f, 1.0f});
  CHECK(d.num_users() == 2);
  CHECK(d.num_items() == 2);
  CHECK(d.users().id(0) == "u2");
  CHECK(d.items().id(1) == "y");
  CHECK(d.num_ratings() == 3);
  CHECK(d.duplicates() == 1);
  const auto row = d.by_user().row(0);  // u2: x (last value 1), y 5
  REQUIRE(row.size == 2);
  CHECK(row.index[0] == 0);
  CHECK(row.value[0] == 1.0f);
  CHECK(row.value[1] == 5.0f);
  CHECK_FALSE(d.implicit());
}

TEST_CASE("dataset_from_arrays without values is implicit feedback", "[data]") {
  const cofi::Dataset d = dataset_from_arrays({"a", "b"}, {"i", "i"}, {});
  CHECK(d.implicit());
  CHECK(d.num_ratings() == 2);
  CHECK(d.by_item().row(0).value[1] == 1.0f);
}

TEST_CASE("dataset_from_arrays names the first bad entry", "[data]") {
  auto message = [](auto&& f) {
    try {
      f();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message([] { dataset_from_arrays({"a", "b"}, {"i"}, {}); }) ==
        "users, items and values must have the same length (got 2, 1 and 0)");
  CHECK(message([] { dataset_from_arrays({}, {}, {}); }) == "no ratings: the arrays are empty");
  CHECK(message([] { dataset_from_arrays({"a", ""}, {"i", "j"}, {1, 2}); }) == "users[1] is an empty id");
  CHECK(message([] { dataset_from_arrays({"a", "b"}, {"i", ""}, {1, 2}); }) == "items[1] is an empty id");
  CHECK(message([] {
          dataset_from_arrays({"a", "b", "c"}, {"i", "j", "k"}, {1, std::numeric_limits<float>::quiet_NaN(), 2});
        }) == "values[1] is not a finite number");
  CHECK(message([] { dataset_from_arrays({"a"}, {"i"}, {std::numeric_limits<float>::infinity()}); }) ==
        "values[0] is not a finite number");
}
