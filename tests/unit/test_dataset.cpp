// Dataset: duplicates (last value wins, at the first position), the two sparse orientations,
// ratings() order, translate() and subset(), the summary statistics; and IdMap.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "data/dataset.h"
#include "data/id_map.h"

using cofi::Dataset;
using cofi::IdMap;
using cofi::Rating;
using cofi::SparseRow;
using cofi::SparseRows;

namespace {

// Builds a dataset from (user id, item id, value) triples in file order.
Dataset build(const std::vector<std::tuple<std::string, std::string, float>>& rows, bool implicit = false) {
  IdMap users, items;
  std::vector<Rating> ratings;
  for (const auto& [u, i, v] : rows) ratings.push_back({users.intern(u), items.intern(i), v});
  return Dataset(std::move(users), std::move(items), ratings, implicit);
}

using Triple = std::tuple<std::string, std::string, float>;

// Every stored rating as (user id, item id, value), read through the user rows.
std::set<Triple> by_user_triples(const Dataset& d) {
  std::set<Triple> out;
  for (int32_t u = 0; u < d.num_users(); ++u) {
    const SparseRow row = d.by_user().row(u);
    for (int32_t k = 0; k < row.size; ++k) out.insert({d.users().id(u), d.items().id(row.index[k]), row.value[k]});
  }
  return out;
}

// The same, read through the item columns.
std::set<Triple> by_item_triples(const Dataset& d) {
  std::set<Triple> out;
  for (int32_t i = 0; i < d.num_items(); ++i) {
    const SparseRow col = d.by_item().row(i);
    for (int32_t k = 0; k < col.size; ++k) out.insert({d.users().id(col.index[k]), d.items().id(i), col.value[k]});
  }
  return out;
}

std::vector<int32_t> indices(const SparseRow& row) { return std::vector<int32_t>(row.index, row.index + row.size); }
std::vector<float> values(const SparseRow& row) { return std::vector<float>(row.value, row.value + row.size); }

}  // namespace

TEST_CASE("IdMap interns ids in order and finds them", "[dataset]") {
  IdMap m;
  CHECK(m.intern("b") == 0);
  CHECK(m.intern("a") == 1);
  CHECK(m.intern("b") == 0);
  CHECK(m.intern("") == 2);  // an empty id is an id
  CHECK(m.size() == 3);
  CHECK(m.find("a") == 1);
  CHECK(m.find("zz") == -1);
  CHECK(m.id(0) == "b");
  CHECK(m.ids() == std::vector<std::string>{"b", "a", ""});
  CHECK(m.memory_bytes() > 0);
}

TEST_CASE("duplicates: the last value wins at the first position, and are counted", "[dataset]") {
  // A: x 1, y 2, x 3 (dup), x 5 (dup); B: x 4; C: y 1, y 2 (dup)
  const Dataset d = build({{"A", "x", 1}, {"A", "y", 2}, {"A", "x", 3}, {"B", "x", 4}, {"A", "x", 5},
                           {"C", "y", 1}, {"C", "y", 2}});
  CHECK(d.duplicates() == 3);
  CHECK(d.num_ratings() == 4);
  CHECK(d.num_users() == 3);
  CHECK(d.num_items() == 2);
  // A's row: x (first position) with 5, then y 2.
  CHECK(indices(d.by_user().row(0)) == std::vector<int32_t>{0, 1});
  CHECK(values(d.by_user().row(0)) == std::vector<float>{5, 2});
  CHECK(values(d.by_user().row(2)) == std::vector<float>{2});
  // The columns agree: x rated by A 5, B 4; y by A 2, C 2.
  CHECK(indices(d.by_item().row(0)) == std::vector<int32_t>{0, 1});
  CHECK(values(d.by_item().row(0)) == std::vector<float>{5, 4});
  CHECK(values(d.by_item().row(1)) == std::vector<float>{2, 2});
  // Statistics over the kept values only (5, 2, 4, 2): the overwritten 1 and 3 are gone.
  CHECK(d.global_mean() == Approx(13.0 / 4.0));
  CHECK(d.rating_min() == 2.0f);
  CHECK(d.rating_max() == 5.0f);
}

TEST_CASE("the user rows and the item columns hold the same ratings", "[dataset]") {
  const Dataset d = build({{"u1", "a", 5}, {"u2", "b", 3}, {"u1", "c", 1}, {"u3", "a", 2}, {"u2", "a", 4},
                           {"u3", "c", 5}, {"u1", "b", 2}, {"u3", "b", 1}});
  REQUIRE(d.num_ratings() == 8);
  CHECK(d.by_user().nnz() == 8);
  CHECK(d.by_item().nnz() == 8);
  CHECK(d.by_user().rows() == 3);
  CHECK(d.by_item().rows() == 3);
  const auto from_rows = by_user_triples(d);
  CHECK(from_rows.size() == 8);
  CHECK(from_rows == by_item_triples(d));
  CHECK(from_rows.count({"u3", "c", 5.0f}) == 1);
  // Rows keep file order: u1 rated a, c, b.
  CHECK(indices(d.by_user().row(0)) == std::vector<int32_t>{0, 2, 1});
  CHECK(values(d.by_user().row(0)) == std::vector<float>{5, 1, 2});
  // Columns list users in index order: a rated by u1, u2, u3.
  CHECK(indices(d.by_item().row(0)) == std::vector<int32_t>{0, 1, 2});
  CHECK(values(d.by_item().row(0)) == std::vector<float>{5, 4, 2});
  CHECK(d.by_user().row_size(1) == 2);
  CHECK(d.by_item().row_size(2) == 2);
}

TEST_CASE("ratings() lists ratings by user index, then row position", "[dataset]") {
  const Dataset d = build({{"u2", "b", 3}, {"u1", "a", 5}, {"u2", "a", 4}, {"u1", "c", 1}});
  // u2 = 0 (seen first), u1 = 1; b = 0, a = 1, c = 2.
  const std::vector<Rating> r = d.ratings();
  REQUIRE(r.size() == 4);
  CHECK((r[0].user == 0 && r[0].item == 0 && r[0].value == 3.0f));
  CHECK((r[1].user == 0 && r[1].item == 1 && r[1].value == 4.0f));
  CHECK((r[2].user == 1 && r[2].item == 1 && r[2].value == 5.0f));
  CHECK((r[3].user == 1 && r[3].item == 2 && r[3].value == 1.0f));
}

TEST_CASE("translate() maps another dataset's ratings, unknown ids to -1", "[dataset]") {
  const Dataset train = build({{"u1", "a", 5}, {"u2", "b", 3}, {"u1", "b", 1}});
  const Dataset test = build({{"u2", "a", 4}, {"u9", "b", 2}, {"u1", "z", 1}, {"u9", "z", 3}});
  const std::vector<Rating> t = train.translate(test);
  // test.ratings(): u2 a 4; u9 b 2, u9 z 3; u1 z 1 (test user order u2, u9, u1)
  REQUIRE(t.size() == 4);
  CHECK((t[0].user == 1 && t[0].item == 0 && t[0].value == 4.0f));
  CHECK((t[1].user == -1 && t[1].item == 1 && t[1].value == 2.0f));
  CHECK((t[2].user == -1 && t[2].item == -1 && t[2].value == 3.0f));
  CHECK((t[3].user == 0 && t[3].item == -1 && t[3].value == 1.0f));
}

TEST_CASE("subset() builds a dataset from some ratings of another", "[dataset]") {
  const Dataset full = build({{"u1", "a", 5}, {"u2", "b", 3}, {"u1", "b", 1}, {"u3", "c", 2}}, true);
  std::vector<Rating> some = full.ratings();  // u1 a, u1 b, u2 b, u3 c
  some.erase(some.begin());                   // drop u1 a
  some.pop_back();                            // drop u3 c
  const Dataset s = cofi::subset(full, some);
  CHECK(s.num_ratings() == 2);
  CHECK(s.num_users() == 2);
  CHECK(s.num_items() == 1);  // only b is left
  CHECK(s.implicit());
  CHECK(by_user_triples(s) == std::set<Triple>{{"u1", "b", 1.0f}, {"u2", "b", 3.0f}});
  CHECK(s.users().find("u3") == -1);
  CHECK(s.global_mean() == Approx(2.0));
}

TEST_CASE("summary statistics and memory", "[dataset]") {
  const Dataset d = build({{"u1", "a", 5}, {"u2", "b", 0.5f}, {"u1", "b", 3}});
  CHECK(d.global_mean() == Approx(8.5 / 3));
  CHECK(d.rating_min() == 0.5f);
  CHECK(d.rating_max() == 5.0f);
  CHECK_FALSE(d.implicit());
  CHECK(d.duplicates() == 0);
  CHECK(d.bytes_per_rating() > 0.0);
  // Each rating is stored twice (index + value), so at least 2 * (4 + 4) bytes per rating.
  CHECK(d.bytes_per_rating() >= 16.0);
  CHECK(d.memory_bytes() > 0);

  const Dataset empty;
  CHECK(empty.num_ratings() == 0);
  CHECK(empty.bytes_per_rating() == 0.0);
}

TEST_CASE("ratings outside the id maps are refused", "[dataset]") {
  IdMap users, items;
  users.intern("u");
  items.intern("i");
  CHECK_THROWS_AS(Dataset(users, items, {{0, 1, 1.0f}}, false), std::out_of_range);
  CHECK_THROWS_AS(Dataset(users, items, {{-1, 0, 1.0f}}, false), std::out_of_range);
  CHECK_NOTHROW(Dataset(users, items, {{0, 0, 1.0f}}, false));
}
