// K-fold cross-validation and the random hold-out: the folds partition the ratings, are
// reproducible from the seed, and the test parts are expressed in the training part's indices.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "eval/split.h"

using cofi::Dataset;
using cofi::Fold;
using cofi::IdMap;
using cofi::KFold;
using cofi::Rating;

namespace {

// 23 ratings over 6 users and 7 items; the value of rating k is k + 1, so a value identifies its
// rating even when a test rating's user or item is unknown to the training part (index -1).
struct Fixture {
  Dataset data;
  std::vector<std::string> user_of, item_of;  // by value - 1
};

Fixture fixture() {
  Fixture f;
  IdMap users, items;
  std::vector<Rating> ratings;
  for (int k = 0; k < 23; ++k) {
    const std::string u = "u" + std::to_string(k % 6);
    const std::string i = "i" + std::to_string((k * 3) % 7);
    f.user_of.push_back(u);
    f.item_of.push_back(i);
    ratings.push_back({users.intern(u), items.intern(i), static_cast<float>(k + 1)});
  }
  f.data = Dataset(std::move(users), std::move(items), ratings, false);
  return f;
}

std::set<int> values_of(const std::vector<Rating>& ratings) {
  std::set<int> out;
  for (const auto& r : ratings) out.insert(static_cast<int>(r.value));
  return out;
}

// Checks a fold: test ratings carry the right ids where known, train + test = all, disjoint.
void check_fold(const Fixture& f, const Fold& fold) {
  REQUIRE(fold.train);
  const std::set<int> test = values_of(fold.test);
  const std::set<int> train = values_of(fold.train->ratings());
  CHECK(test.size() == fold.test.size());
  CHECK(train.size() + test.size() == 23);
  for (int v : test) CHECK(train.count(v) == 0);
  for (const Rating& r : fold.test) {
    const size_t k = static_cast<size_t>(r.value) - 1;
    if (r.user >= 0) CHECK(fold.train->users().id(r.user) == f.user_of[k]);
    else CHECK(fold.train->users().find(f.user_of[k]) == -1);
    if (r.item >= 0) CHECK(fold.train->items().id(r.item) == f.item_of[k]);
    else CHECK(fold.train->items().find(f.item_of[k]) == -1);
  }
  // Training ratings keep their ids too.
  for (const Rating& r : fold.train->ratings()) {
    const size_t k = static_cast<size_t>(r.value) - 1;
    CHECK(fold.train->users().id(r.user) == f.user_of[k]);
    CHECK(fold.train->items().id(r.item) == f.item_of[k]);
  }
}

}  // namespace

TEST_CASE("KFold: the test parts partition the ratings", "[split]") {
  const Fixture f = fixture();
  REQUIRE(f.data.num_ratings() == 23);
  const KFold kfold(f.data, 5, 42);
  CHECK(kfold.folds() == 5);
  std::set<int> seen;
  std::vector<size_t> sizes;
  for (int k = 0; k < 5; ++k) {
    const Fold fold = kfold.fold(k);
    check_fold(f, fold);
    for (int v : values_of(fold.test)) {
      INFO("value " << v << " in fold " << k);
      CHECK(seen.insert(v).second);  // in no earlier fold
    }
    sizes.push_back(fold.test.size());
  }
  CHECK(seen.size() == 23);  // every rating is tested once
  // 23 = 5 * 4 + 3: as Surprise, the first 3 folds get 5 ratings, the last 2 get 4.
  CHECK(sizes == std::vector<size_t>{5, 5, 5, 4, 4});
  CHECK_THROWS_AS(kfold.fold(5), std::out_of_range);
  CHECK_THROWS_AS(kfold.fold(-1), std::out_of_range);
}

TEST_CASE("KFold: the same seed gives the same folds, another seed others", "[split]") {
  const Fixture f = fixture();
  const KFold a(f.data, 4, 7), b(f.data, 4, 7), c(f.data, 4, 8);
  bool any_differ = false;
  for (int k = 0; k < 4; ++k) {
    CHECK(values_of(a.fold(k).test) == values_of(b.fold(k).test));
    if (values_of(a.fold(k).test) != values_of(c.fold(k).test)) any_differ = true;
  }
  CHECK(any_differ);
  // And the test parts are not simply the ratings in order.
  std::vector<int> first;
  for (const auto& r : a.fold(0).test) first.push_back(static_cast<int>(r.value));
  CHECK(first != std::vector<int>{1, 2, 3, 4, 5, 6});
}

TEST_CASE("KFold: bad fold counts are refused", "[split]") {
  const Fixture f = fixture();
  CHECK_THROWS_AS(KFold(f.data, 1, 0), std::invalid_argument);
  CHECK_THROWS_AS(KFold(f.data, 24, 0), std::invalid_argument);
  CHECK_NOTHROW(KFold(f.data, 23, 0));
  const KFold loo(f.data, 23, 0);
  CHECK(loo.fold(22).test.size() == 1);
}

TEST_CASE("train_test_split: test_fraction of the ratings, rounded up", "[split]") {
  const Fixture f = fixture();
  const Fold fold = cofi::train_test_split(f.data, 0.25, 3);
  // ceil(0.25 * 23) = ceil(5.75) = 6
  CHECK(fold.test.size() == 6);
  CHECK(fold.train->num_ratings() == 17);
  check_fold(f, fold);
  CHECK(cofi::train_test_split(f.data, 0.1, 3).test.size() == 3);  // ceil(2.3)
  // Reproducible from the seed.
  CHECK(values_of(cofi::train_test_split(f.data, 0.25, 3).test) == values_of(fold.test));
  CHECK(values_of(cofi::train_test_split(f.data, 0.25, 4).test) != values_of(fold.test));
  CHECK_THROWS_AS(cofi::train_test_split(f.data, 0.0, 3), std::invalid_argument);
  CHECK_THROWS_AS(cofi::train_test_split(f.data, 1.0, 3), std::invalid_argument);
  CHECK_THROWS_AS(cofi::train_test_split(f.data, 0.99, 3), std::invalid_argument);  // leaves no training rating
}
