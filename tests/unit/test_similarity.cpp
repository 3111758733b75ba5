// Similarity measures (cosine, msd, pearson, pearson_baseline) worked by hand on a 4 x 5 example,
// user-based and item-based, through SimilarityMatrix::compute and similarity_to_all; min_support,
// the diagonal, and the pruned storage used when the dense matrix would not fit.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/ratings_reader.h"
#include "models/similarity.h"

using cofi::BaselineTerms;
using cofi::Dataset;
using cofi::SimilarityKind;
using cofi::SimilarityMatrix;
using cofi::SimilarityOptions;
using cofi::SparseRow;

namespace {

// The hand example. Users u1..u4 get indices 0..3, items a..e indices 0..4 (order of first appearance).
//        a  b  c  d  e
//   u1   5  3  1  .  .
//   u2   4  .  1  4  2
//   u3   1  1  .  5  5
//   u4   .  3  5  4  .
const char* const kRatings =
    "user,item,rating\n"
    "u1,a,5\nu1,b,3\nu1,c,1\n"
    "u2,a,4\nu2,c,1\nu2,d,4\nu2,e,2\n"
    "u3,a,1\nu3,b,1\nu3,d,5\nu3,e,5\n"
    "u4,b,3\nu4,c,5\nu4,d,4\n";

enum { u1, u2, u3, u4 };
enum { a, b, c, d, e };

Dataset example() { return cofi::read_ratings(kRatings, "example.csv").data; }

SimilarityOptions options(SimilarityKind kind, int min_support = 1, double shrinkage = 100.0) {
  SimilarityOptions o;
  o.kind = kind;
  o.min_support = min_support;
  o.shrinkage = shrinkage;
  return o;
}

constexpr size_t kRoomy = size_t{1} << 20;  // dense storage for this size

SimilarityMatrix user_based(const Dataset& data, const SimilarityOptions& o, const BaselineTerms* bt = nullptr) {
  return SimilarityMatrix::compute(data.by_user(), data.by_item(), o, bt, kRoomy, 256);
}

SimilarityMatrix item_based(const Dataset& data, const SimilarityOptions& o, const BaselineTerms* bt = nullptr) {
  return SimilarityMatrix::compute(data.by_item(), data.by_user(), o, bt, kRoomy, 256);
}

// Checks m(x, y) == m(y, x) == expected.
void check_pair(const SimilarityMatrix& m, int x, int y, double expected) {
  INFO("pair (" << x << ", " << y << ")");
  CHECK(m.get(x, y) == Approx(expected).margin(1e-6));
  CHECK(m.get(y, x) == Approx(expected).margin(1e-6));
}

void check_diagonal(const SimilarityMatrix& m) {
  for (int x = 0; x < m.size(); ++x) {
    INFO("diagonal " << x);
    CHECK(m.get(x, x) == 1.0f);
  }
}

// Hand-given baselines for pearson_baseline: mu = 3, bu = (1, 0, 0, 1), bi = (0, -1, 0, 1, 0).
// Residuals r - mu - bu - bi:
//        a   b   c   d   e
//   u1   1   0  -3   .   .      (5-3-1-0, 3-3-1+1, 1-3-1-0)
//   u2   1   .  -2   0  -1      (4-3, 1-3, 4-3-1, 2-3)
//   u3  -2  -1   .   1   2      (1-3, 1-3+1, 5-3-1, 5-3)
//   u4   .   0   1  -1   .      (3-3-1+1, 5-3-1, 4-3-1-1)
const double kBu[] = {1.0, 0.0, 0.0, 1.0};
const double kBi[] = {0.0, -1.0, 0.0, 1.0, 0.0};

BaselineTerms user_terms() {
  BaselineTerms t;
  t.mu = 3.0;
  t.bx = kBu;
  t.by = kBi;
  return t;
}

BaselineTerms item_terms() {
  BaselineTerms t;
  t.mu = 3.0;
  t.bx = kBi;
  t.by = kBu;
  return t;
}

}  // namespace

TEST_CASE("cosine similarity between users and between items", "[similarity]") {
  const Dataset data = example();
  SECTION("user-based: over the items two users share") {
    const SimilarityMatrix m = user_based(data, options(SimilarityKind::Cosine));
    REQUIRE(m.size() == 4);
    CHECK(m.dense());
    // u1,u2 share a,c: (5*4 + 1*1) / sqrt((25+1)(16+1)) = 21/sqrt(442)
    check_pair(m, u1, u2, 21.0 / std::sqrt(442.0));
    // u1,u3 share a,b: (5*1 + 3*1) / sqrt((25+9)(1+1)) = 8/sqrt(68)
    check_pair(m, u1, u3, 8.0 / std::sqrt(68.0));
    // u1,u4 share b,c: (3*3 + 1*5) / sqrt((9+1)(9+25)) = 14/sqrt(340)
    check_pair(m, u1, u4, 14.0 / std::sqrt(340.0));
    // u2,u3 share a,d,e: (4*1 + 4*5 + 2*5) / sqrt((16+16+4)(1+25+25)) = 34/sqrt(1836)
    check_pair(m, u2, u3, 34.0 / std::sqrt(1836.0));
    // u2,u4 share c,d: (1*5 + 4*4) / sqrt((1+16)(25+16)) = 21/sqrt(697)
    check_pair(m, u2, u4, 21.0 / std::sqrt(697.0));
    // u3,u4 share b,d: (1*3 + 5*4) / sqrt((1+25)(9+16)) = 23/sqrt(650)
    check_pair(m, u3, u4, 23.0 / std::sqrt(650.0));
    check_diagonal(m);
  }
  SECTION("item-based: over the users two items share") {
    const SimilarityMatrix m = item_based(data, options(SimilarityKind::Cosine));
    REQUIRE(m.size() == 5);
    // a,b share u1,u3: (5*3 + 1*1) / sqrt((25+1)(9+1)) = 16/sqrt(260)
    check_pair(m, a, b, 16.0 / std::sqrt(260.0));
    // a,c share u1,u2: (5*1 + 4*1) / sqrt((25+16)(1+1)) = 9/sqrt(82)
    check_pair(m, a, c, 9.0 / std::sqrt(82.0));
    // a,d share u2,u3: (4*4 + 1*5) / sqrt((16+1)(16+25)) = 21/sqrt(697)
    check_pair(m, a, d, 21.0 / std::sqrt(697.0));
    // a,e share u2,u3: (4*2 + 1*5) / sqrt((16+1)(4+25)) = 13/sqrt(493)
    check_pair(m, a, e, 13.0 / std::sqrt(493.0));
    // b,e share only u3: 1*5 / sqrt(1*25) = 1
    check_pair(m, b, e, 1.0);
    // c,d share u2,u4: (1*4 + 5*4) / sqrt((1+25)(16+16)) = 24/sqrt(832)
    check_pair(m, c, d, 24.0 / std::sqrt(832.0));
    check_diagonal(m);
  }
}

TEST_CASE("msd similarity is 1 / (mean squared difference + 1)", "[similarity]") {
  const Dataset data = example();
  SECTION("user-based") {
    const SimilarityMatrix m = user_based(data, options(SimilarityKind::Msd));
    check_pair(m, u1, u2, 2.0 / 3.0);   // a: (5-4)^2=1, c: 0 -> msd 1/2 -> 1/1.5
    check_pair(m, u1, u3, 1.0 / 11.0);  // a: 16, b: 4 -> 10 -> 1/11
    check_pair(m, u1, u4, 1.0 / 9.0);   // b: 0, c: 16 -> 8 -> 1/9
    check_pair(m, u2, u3, 3.0 / 22.0);  // a: 9, d: 1, e: 9 -> 19/3 -> 1/(22/3)
    check_pair(m, u2, u4, 1.0 / 9.0);   // c: 16, d: 0 -> 8 -> 1/9
    check_pair(m, u3, u4, 2.0 / 7.0);   // b: 4, d: 1 -> 5/2 -> 1/3.5
    check_diagonal(m);
  }
  SECTION("item-based") {
    const SimilarityMatrix m = item_based(data, options(SimilarityKind::Msd));
    check_pair(m, a, b, 1.0 / 3.0);    // u1: (5-3)^2=4, u3: 0 -> 2 -> 1/3
    check_pair(m, a, c, 2.0 / 27.0);   // u1: 16, u2: 9 -> 12.5 -> 1/13.5
    check_pair(m, c, e, 0.5);          // u2 only: (1-2)^2 = 1 -> 1/2
    check_pair(m, d, e, 1.0 / 3.0);    // u2: 4, u3: 0 -> 2 -> 1/3
    check_pair(m, b, d, 1.0 / 9.5);    // u3: 16, u4: 1 -> 8.5 -> 1/9.5
    check_diagonal(m);
  }
}

TEST_CASE("pearson similarity centres on the means over the shared ratings", "[similarity]") {
  const Dataset data = example();
  SECTION("user-based") {
    const SimilarityMatrix m = user_based(data, options(SimilarityKind::Pearson));
    // Two shared ratings correlate perfectly (+-1) unless one side is constant (then 0).
    check_pair(m, u1, u2, 1.0);   // (5,1) vs (4,1): same direction
    check_pair(m, u1, u3, 0.0);   // (5,3) vs (1,1): u3 constant, denominator 0
    check_pair(m, u1, u4, -1.0);  // (3,1) vs (3,5)
    check_pair(m, u2, u4, -1.0);  // (1,4) vs (5,4)
    check_pair(m, u3, u4, 1.0);   // (1,5) vs (3,4)
    // u2,u3 over a,d,e: (4,4,2) mean 10/3, deviations (2/3, 2/3, -4/3);
    // (1,5,5) mean 11/3, deviations (-8/3, 4/3, 4/3).
    // sum of products = (-16 + 8 - 16)/9 = -24/9; squares 24/9 and 96/9
    // -> -24 / sqrt(24 * 96) = -24/48 = -0.5. (Centring on u2's mean over all its items, 11/4,
    // would give a different value.)
    check_pair(m, u2, u3, -0.5);
    check_diagonal(m);
  }
  SECTION("item-based") {
    const SimilarityMatrix m = item_based(data, options(SimilarityKind::Pearson));
    check_pair(m, a, b, 1.0);   // u1,u3: (5,1) vs (3,1)
    check_pair(m, a, d, -1.0);  // u2,u3: (4,1) vs (4,5)
    check_pair(m, c, d, 0.0);   // u2,u4: (1,5) vs (4,4): d constant
    check_pair(m, b, e, 0.0);   // one shared user: nothing to correlate
    check_diagonal(m);
  }
}

TEST_CASE("pearson_baseline correlates baseline residuals and shrinks by support", "[similarity]") {
  const Dataset data = example();
  SECTION("user-based, no shrinkage") {
    const BaselineTerms bt = user_terms();
    const SimilarityMatrix m = user_based(data, options(SimilarityKind::PearsonBaseline, 1, 0.0), &bt);
    // u1,u2 over a,c: residuals (1,-3) vs (1,-2): 7 / sqrt(10 * 5)
    check_pair(m, u1, u2, 7.0 / std::sqrt(50.0));
    // u1,u3 over a,b: (1,0) vs (-2,-1): -2 / sqrt(1 * 5)   (not re-centred: plain Pearson would be -1)
    check_pair(m, u1, u3, -2.0 / std::sqrt(5.0));
    // u1,u4 over b,c: (0,-3) vs (0,1): -3 / sqrt(9 * 1)
    check_pair(m, u1, u4, -1.0);
    // u2,u3 over a,d,e: (1,0,-1) vs (-2,1,2): (-2 + 0 - 2) / sqrt(2 * 9)
    check_pair(m, u2, u3, -4.0 / std::sqrt(18.0));
    // u2,u4 over c,d: (-2,0) vs (1,-1): -2 / sqrt(4 * 2)
    check_pair(m, u2, u4, -2.0 / std::sqrt(8.0));
    // u3,u4 over b,d: (-1,1) vs (0,-1): -1 / sqrt(2 * 1)
    check_pair(m, u3, u4, -1.0 / std::sqrt(2.0));
    check_diagonal(m);
  }
  SECTION("user-based, shrinkage 1: times (n-1)/(n-1+1)") {
    const BaselineTerms bt = user_terms();
    const SimilarityMatrix m = user_based(data, options(SimilarityKind::PearsonBaseline, 1, 1.0), &bt);
    check_pair(m, u1, u2, 7.0 / std::sqrt(50.0) * 0.5);           // n = 2: 1/2
    check_pair(m, u2, u3, -4.0 / std::sqrt(18.0) * 2.0 / 3.0);    // n = 3: 2/3
    // The diagonal is 1, not the shrunk self-correlation (3-1)/(3-1+1) = 2/3.
    check_diagonal(m);
  }
  SECTION("item-based uses the item biases for the rows and the user biases for the columns") {
    const BaselineTerms bt = item_terms();
    const SimilarityMatrix m = item_based(data, options(SimilarityKind::PearsonBaseline, 1, 0.0), &bt);
    // Residuals are the same numbers, read by column.
    // a,b over u1,u3: (1,-2) vs (0,-1): 2 / sqrt(5 * 1)
    check_pair(m, a, b, 2.0 / std::sqrt(5.0));
    // a,c over u1,u2: (1,1) vs (-3,-2): -5 / sqrt(2 * 13)
    check_pair(m, a, c, -5.0 / std::sqrt(26.0));
    // d,e over u2,u3: (0,1) vs (-1,2): 2 / sqrt(1 * 5)
    check_pair(m, d, e, 2.0 / std::sqrt(5.0));
    // b,c over u1,u4: (0,0) vs (-3,1): b's residuals are all 0 -> 0
    check_pair(m, b, c, 0.0);
    check_diagonal(m);
  }
  SECTION("a single shared rating gives 0, even without shrinkage (as Surprise: support of at least 2)") {
    const BaselineTerms bt = item_terms();
    const SimilarityMatrix m = item_based(data, options(SimilarityKind::PearsonBaseline, 1, 0.0), &bt);
    // c,e share only u2: residuals -2 and -1. The correlation of one point is undefined; the shrink
    // factor (1-1)/(1-1+0) is 0/0. Surprise raises min_support to 2 for this measure.
    check_pair(m, c, e, 0.0);
    check_pair(m, b, e, 0.0);  // only u3
  }
  SECTION("without baselines it refuses") {
    CHECK_THROWS_AS(user_based(data, options(SimilarityKind::PearsonBaseline)), std::invalid_argument);
    std::vector<float> out;
    const SparseRow row = data.by_user().row(u1);
    CHECK_THROWS_AS(cofi::similarity_to_all(data.by_user(), data.by_item(), row,
                                            options(SimilarityKind::PearsonBaseline), nullptr, out),
                    std::invalid_argument);
  }
}

TEST_CASE("min_support zeroes pairs that share too few ratings", "[similarity]") {
  const Dataset data = example();
  // Only u2,u3 share 3 items; every other pair shares 2.
  SECTION("pearson") {
    const SimilarityMatrix m = user_based(data, options(SimilarityKind::Pearson, 3));
    check_pair(m, u2, u3, -0.5);
    check_pair(m, u1, u2, 0.0);  // 1 with min_support 1
    check_pair(m, u1, u4, 0.0);
    check_pair(m, u3, u4, 0.0);
    check_diagonal(m);
  }
  SECTION("cosine and msd") {
    const SimilarityMatrix cos = user_based(data, options(SimilarityKind::Cosine, 3));
    check_pair(cos, u2, u3, 34.0 / std::sqrt(1836.0));
    check_pair(cos, u1, u2, 0.0);
    const SimilarityMatrix msd = user_based(data, options(SimilarityKind::Msd, 3));
    check_pair(msd, u2, u3, 3.0 / 22.0);
    check_pair(msd, u3, u4, 0.0);
    check_diagonal(msd);
  }
  SECTION("min_support 2 keeps the two-rating pairs") {
    const SimilarityMatrix msd = user_based(data, options(SimilarityKind::Msd, 2));
    check_pair(msd, u1, u2, 2.0 / 3.0);
  }
}

TEST_CASE("the diagonal is 1 even where the formula would not give 1", "[similarity]") {
  // u1 rates everything 3: its Pearson self-correlation has a zero denominator.
  const Dataset data = cofi::read_ratings("u,i,r\nu1,a,3\nu1,b,3\nu2,a,1\nu2,b,5\n", "flat.csv").data;
  const SimilarityMatrix m = user_based(data, options(SimilarityKind::Pearson));
  CHECK(m.get(0, 0) == 1.0f);
  CHECK(m.get(1, 1) == 1.0f);
  CHECK(m.get(0, 1) == 0.0f);
}

TEST_CASE("similarity_to_all scores a new row against every row", "[similarity]") {
  const Dataset data = example();
  // A new person who rated a = 2 and d = 4 (item indices).
  const std::vector<int32_t> items = {a, d};
  const std::vector<float> ratings = {2.0f, 4.0f};
  const SparseRow row{items.data(), ratings.data(), 2};
  std::vector<float> out;

  SECTION("msd") {
    cofi::similarity_to_all(data.by_user(), data.by_item(), row, options(SimilarityKind::Msd), nullptr, out);
    REQUIRE(out.size() == 4);
    CHECK(out[u1] == Approx(0.1));        // a: (2-5)^2 = 9 -> 1/10
    CHECK(out[u2] == Approx(1.0 / 3.0));  // a: 4, d: 0 -> 2 -> 1/3
    CHECK(out[u3] == Approx(0.5));        // a: 1, d: 1 -> 1 -> 1/2
    CHECK(out[u4] == Approx(1.0));        // d: 0 -> 1
  }
  SECTION("cosine") {
    cofi::similarity_to_all(data.by_user(), data.by_item(), row, options(SimilarityKind::Cosine), nullptr, out);
    CHECK(out[u1] == Approx(1.0));                         // one shared item
    CHECK(out[u2] == Approx(24.0 / std::sqrt(640.0)));     // (8 + 16) / sqrt(20 * 32)
    CHECK(out[u3] == Approx(22.0 / std::sqrt(520.0)));     // (2 + 20) / sqrt(20 * 26)
    CHECK(out[u4] == Approx(1.0));
  }
  SECTION("min_support applies") {
    cofi::similarity_to_all(data.by_user(), data.by_item(), row, options(SimilarityKind::Msd, 2), nullptr, out);
    CHECK(out[u1] == 0.0f);
    CHECK(out[u2] == Approx(1.0 / 3.0));
    CHECK(out[u3] == Approx(0.5));
    CHECK(out[u4] == 0.0f);
  }
  SECTION("a row sharing nothing gets 0 everywhere") {
    const Dataset more = cofi::read_ratings("u,i,r\nx,a,1\ny,b,2\n", "more.csv").data;
    const std::vector<int32_t> only_b = {1};
    const std::vector<float> r = {2.0f};
    cofi::similarity_to_all(more.by_user(), more.by_item(), SparseRow{only_b.data(), r.data(), 1},
                            options(SimilarityKind::Cosine), nullptr, out);
    REQUIRE(out.size() == 2);
    CHECK(out[0] == 0.0f);
    CHECK(out[1] == Approx(1.0));
  }
}

TEST_CASE("similarity_to_all of a training row's copy reproduces the matrix row", "[similarity]") {
  const Dataset data = example();
  for (SimilarityKind kind : {SimilarityKind::Cosine, SimilarityKind::Msd, SimilarityKind::Pearson,
                              SimilarityKind::PearsonBaseline}) {
    for (bool users : {true, false}) {
      BaselineTerms bt = users ? user_terms() : item_terms();
      const auto& rows = users ? data.by_user() : data.by_item();
      const auto& cols = users ? data.by_item() : data.by_user();
      const SimilarityOptions o = options(kind, 1, 1.0);
      const SimilarityMatrix m = SimilarityMatrix::compute(rows, cols, o, &bt, kRoomy, 256);
      for (int32_t x = 0; x < rows.rows(); ++x) {
        bt.x_bias = users ? kBu[x] : kBi[x];
        std::vector<float> out;
        cofi::similarity_to_all(rows, cols, rows.row(x), o, &bt, out);
        for (int32_t other = 0; other < rows.rows(); ++other) {
          if (other == x) continue;
          INFO(cofi::similarity_name(kind) << (users ? " user " : " item ") << x << " vs " << other);
          CHECK(out[static_cast<size_t>(other)] == Approx(m.get(x, other)).margin(1e-6));
        }
      }
    }
  }
}

TEST_CASE("pruned storage keeps each row's most similar rows", "[similarity]") {
  const Dataset data = example();
  // msd user-based (see above):
  //   u1: u2 2/3, u3 1/11, u4 1/9      -> keeps u2, u4
  //   u2: u1 2/3, u3 3/22, u4 1/9      -> keeps u1, u3
  //   u3: u1 1/11, u2 3/22, u4 2/7     -> keeps u4, u2
  //   u4: u1 1/9, u2 1/9, u3 2/7       -> keeps u3 and, of the tie at 1/9, the lower index u1
  const SimilarityMatrix m =
      SimilarityMatrix::compute(data.by_user(), data.by_item(), options(SimilarityKind::Msd), nullptr, 0, 2);
  REQUIRE(m.size() == 4);
  CHECK_FALSE(m.dense());
  check_diagonal(m);
  CHECK(m.get(u1, u2) == Approx(2.0 / 3.0));
  CHECK(m.get(u1, u4) == Approx(1.0 / 9.0));
  CHECK(m.get(u1, u3) == 0.0f);  // dropped
  CHECK(m.get(u2, u1) == Approx(2.0 / 3.0));
  CHECK(m.get(u2, u3) == Approx(3.0 / 22.0));
  CHECK(m.get(u2, u4) == 0.0f);
  CHECK(m.get(u3, u4) == Approx(2.0 / 7.0));
  CHECK(m.get(u3, u2) == Approx(3.0 / 22.0));
  CHECK(m.get(u3, u1) == 0.0f);
  CHECK(m.get(u4, u3) == Approx(2.0 / 7.0));
  CHECK(m.get(u4, u1) == Approx(1.0 / 9.0));
  CHECK(m.get(u4, u2) == 0.0f);

  SECTION("row() expands a pruned row, with 1 on the diagonal") {
    std::vector<float> buffer;
    const float* r = m.row(u4, buffer);
    CHECK(r[u1] == Approx(1.0 / 9.0));
    CHECK(r[u2] == 0.0f);
    CHECK(r[u3] == Approx(2.0 / 7.0));
    CHECK(r[u4] == 1.0f);
  }
  SECTION("kept = 1 keeps only the best neighbour") {
    const SimilarityMatrix one =
        SimilarityMatrix::compute(data.by_user(), data.by_item(), options(SimilarityKind::Msd), nullptr, 0, 1);
    CHECK(one.get(u1, u2) == Approx(2.0 / 3.0));
    CHECK(one.get(u1, u4) == 0.0f);
    CHECK(one.get(u4, u3) == Approx(2.0 / 7.0));
    CHECK(one.get(u4, u1) == 0.0f);
  }
  SECTION("a budget that fits n*n floats stays dense") {
    const SimilarityMatrix dense = SimilarityMatrix::compute(data.by_user(), data.by_item(),
                                                             options(SimilarityKind::Msd), nullptr, 16 * 4, 2);
    CHECK(dense.dense());
    CHECK(dense.get(u1, u3) == Approx(1.0 / 11.0));
    const SimilarityMatrix pruned = SimilarityMatrix::compute(data.by_user(), data.by_item(),
                                                              options(SimilarityKind::Msd), nullptr, 16 * 4 - 1, 2);
    CHECK_FALSE(pruned.dense());
  }
}

TEST_CASE("similarity names parse both ways", "[similarity]") {
  for (const char* name : {"cosine", "msd", "pearson", "pearson_baseline"})
    CHECK(std::string(cofi::similarity_name(cofi::parse_similarity(name))) == name);
  CHECK_THROWS_AS(cofi::parse_similarity("jaccard"), std::invalid_argument);
}
