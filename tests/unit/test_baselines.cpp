// Baseline estimates (mu + b_u + b_i) by ALS and SGD, epoch by epoch by hand, and folding in the
// bias of a new person.
#include <catch2/catch.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/ratings_reader.h"
#include "models/baselines.h"
#include "models/params.h"

using cofi::BaselineOptions;
using cofi::Baselines;
using cofi::Dataset;

namespace {

// Users u1 (0), u2 (1); items a (0), b (1).
//   u1: a 4, b 2      u2: a 3          mu = (4 + 2 + 3) / 3 = 3
// Ratings in user order (the SGD order): (u1,a,4), (u1,b,2), (u2,a,3).
Dataset tiny() { return cofi::read_ratings("user,item,rating\nu1,a,4\nu1,b,2\nu2,a,3\n", "tiny.csv").data; }

BaselineOptions als(int epochs, double reg_u, double reg_i) {
  BaselineOptions o;
  o.method = "als";
  o.epochs = epochs;
  o.reg_u = reg_u;
  o.reg_i = reg_i;
  return o;
}

BaselineOptions sgd(int epochs, double learning_rate, double reg) {
  BaselineOptions o;
  o.method = "sgd";
  o.epochs = epochs;
  o.learning_rate = learning_rate;
  o.reg = reg;
  return o;
}

}  // namespace

TEST_CASE("ALS baselines: item biases first, then user biases", "[baselines]") {
  const Dataset data = tiny();
  REQUIRE(data.global_mean() == Approx(3.0));
  SECTION("one epoch, reg_u = 2, reg_i = 1") {
    const Baselines b = cofi::estimate_baselines(data, als(1, 2.0, 1.0));
    CHECK(b.mu == Approx(3.0));
    REQUIRE(b.bi.size() == 2);
    REQUIRE(b.bu.size() == 2);
    // bi[a] = ((4-3-0) + (3-3-0)) / (1 + 2) = 1/3
    CHECK(b.bi[0] == Approx(1.0 / 3.0));
    // bi[b] = (2-3-0) / (1 + 1) = -1/2
    CHECK(b.bi[1] == Approx(-0.5));
    // bu[u1] = ((4-3-1/3) + (2-3+1/2)) / (2 + 2) = (2/3 - 1/2) / 4 = 1/24   (uses the new bi)
    CHECK(b.bu[0] == Approx(1.0 / 24.0));
    // bu[u2] = (3-3-1/3) / (2 + 1) = -1/9
    CHECK(b.bu[1] == Approx(-1.0 / 9.0));
  }
  SECTION("two epochs") {
    const Baselines b = cofi::estimate_baselines(data, als(2, 2.0, 1.0));
    // bi[a] = ((4-3-1/24) + (3-3+1/9)) / 3 = (23/24 + 1/9) / 3 = (69/72 + 8/72) / 3 = 77/216
    CHECK(b.bi[0] == Approx(77.0 / 216.0));
    // bi[b] = (2-3-1/24) / 2 = -25/48
    CHECK(b.bi[1] == Approx(-25.0 / 48.0));
    // bu[u1] = ((4-3-77/216) + (2-3+25/48)) / 4 = (278/432 - 207/432) / 4 = 71/1728
    CHECK(b.bu[0] == Approx(71.0 / 1728.0));
    // bu[u2] = (3-3-77/216) / 3 = -77/648
    CHECK(b.bu[1] == Approx(-77.0 / 648.0));
  }
  SECTION("zero epochs leave every bias at 0") {
    const Baselines b = cofi::estimate_baselines(data, als(0, 2.0, 1.0));
    CHECK(b.mu == Approx(3.0));
    CHECK(b.bu == std::vector<double>{0.0, 0.0});
    CHECK(b.bi == std::vector<double>{0.0, 0.0});
  }
}

TEST_CASE("SGD baselines: one pass over the ratings in user order", "[baselines]") {
  const Dataset data = tiny();
  SECTION("one epoch, learning rate 0.1, reg 0.5") {
    const Baselines b = cofi::estimate_baselines(data, sgd(1, 0.1, 0.5));
    // (u1,a,4): e = 4 - 3 = 1;            bu1 = 0.1 * 1 = 0.1;                bi_a = 0.1
    // (u1,b,2): e = 2 - (3 + 0.1) = -1.1; bu1 = 0.1 + 0.1 (-1.1 - 0.05) = -0.015; bi_b = 0.1 * -1.1 = -0.11
    // (u2,a,3): e = 3 - (3 + 0.1) = -0.1; bu2 = 0.1 * -0.1 = -0.01;          bi_a = 0.1 + 0.1 (-0.1 - 0.05) = 0.085
    CHECK(b.mu == Approx(3.0));
    CHECK(b.bu[0] == Approx(-0.015));
    CHECK(b.bu[1] == Approx(-0.01));
    CHECK(b.bi[0] == Approx(0.085));
    CHECK(b.bi[1] == Approx(-0.11));
  }
  SECTION("two epochs continue from the first") {
    const Baselines b = cofi::estimate_baselines(data, sgd(2, 0.1, 0.5));
    // (u1,a,4): e = 4 - (3 - 0.015 + 0.085) = 0.93;   bu1 = -0.015 + 0.1 (0.93 + 0.0075) = 0.07875
    //                                                 bi_a = 0.085 + 0.1 (0.93 - 0.0425) = 0.17375
    // (u1,b,2): e = 2 - (3 + 0.07875 - 0.11) = -0.96875
    //           bu1 = 0.07875 + 0.1 (-0.96875 - 0.039375) = -0.0220625
    //           bi_b = -0.11 + 0.1 (-0.96875 + 0.055) = -0.201375
    // (u2,a,3): e = 3 - (3 - 0.01 + 0.17375) = -0.16375
    //           bu2 = -0.01 + 0.1 (-0.16375 + 0.005) = -0.025875
    //           bi_a = 0.17375 + 0.1 (-0.16375 - 0.086875) = 0.1486875
    CHECK(b.bu[0] == Approx(-0.0220625));
    CHECK(b.bu[1] == Approx(-0.025875));
    CHECK(b.bi[0] == Approx(0.1486875));
    CHECK(b.bi[1] == Approx(-0.201375));
  }
}

TEST_CASE("fold_in_user_bias: a new person's bias with the item biases fixed", "[baselines]") {
  const Dataset data = tiny();
  SECTION("als: one closed-form step") {
    const BaselineOptions o = als(1, 2.0, 1.0);
    const Baselines b = cofi::estimate_baselines(data, o);
    // rates a = 5: (5 - 3 - 1/3) / (2 + 1) = 5/9
    CHECK(cofi::fold_in_user_bias(b, o, {0}, {5.0f}) == Approx(5.0 / 9.0));
    // rates a = 5, b = 1: ((5-3-1/3) + (1-3+1/2)) / (2 + 2) = (5/3 - 3/2) / 4 = 1/24
    CHECK(cofi::fold_in_user_bias(b, o, {0, 1}, {5.0f, 1.0f}) == Approx(1.0 / 24.0));
    // no ratings: 0 / reg_u = 0
    CHECK(cofi::fold_in_user_bias(b, o, {}, {}) == 0.0);
  }
  SECTION("als: a training user's own ratings give back their fitted bias") {
    const BaselineOptions o = als(3, 2.0, 1.0);
    const Baselines b = cofi::estimate_baselines(data, o);
    CHECK(cofi::fold_in_user_bias(b, o, {0, 1}, {4.0f, 2.0f}) == Approx(b.bu[0]));
    CHECK(cofi::fold_in_user_bias(b, o, {0}, {3.0f}) == Approx(b.bu[1]));
  }
  SECTION("sgd: epochs passes over the person's ratings") {
    BaselineOptions o = sgd(1, 0.1, 0.5);
    const Baselines b = cofi::estimate_baselines(data, o);  // bi_b = -0.11
    o.epochs = 1;
    // rates b = 2: e = 2 - (3 + 0 - 0.11) = -0.89; bu = 0.1 * -0.89 = -0.089
    CHECK(cofi::fold_in_user_bias(b, o, {1}, {2.0f}) == Approx(-0.089));
    o.epochs = 2;
    // then e = 2 - (3 - 0.089 - 0.11) = -0.801; bu = -0.089 + 0.1 (-0.801 + 0.0445) = -0.16465
    CHECK(cofi::fold_in_user_bias(b, o, {1}, {2.0f}) == Approx(-0.16465));
  }
}

TEST_CASE("BaselineOptions::from_params reads prefixed keys with Surprise's defaults", "[baselines]") {
  SECTION("defaults") {
    cofi::Params p;
    const BaselineOptions o = BaselineOptions::from_params(p, "bsl_");
    CHECK(o.method == "als");
    CHECK(o.epochs == 10);
    CHECK(o.reg_u == 15.0);
    CHECK(o.reg_i == 10.0);
    p.finish("test");
  }
  SECTION("sgd defaults to 20 epochs") {
    cofi::Params p(std::map<std::string, std::string>{{"bsl_method", "sgd"}, {"bsl_reg", "0.1"}, {"bsl_learning_rate", "0.01"}});
    const BaselineOptions o = BaselineOptions::from_params(p, "bsl_");
    CHECK(o.method == "sgd");
    CHECK(o.epochs == 20);
    CHECK(o.reg == 0.1);
    CHECK(o.learning_rate == 0.01);
    CHECK_NOTHROW(p.finish("test"));
  }
  SECTION("a bad method names the key") {
    cofi::Params p(std::map<std::string, std::string>{{"bsl_method", "newton"}});
    try {
      BaselineOptions::from_params(p, "bsl_");
      FAIL("no exception");
    } catch (const std::invalid_argument& e) {
      CHECK_THAT(e.what(), Catch::Contains("bsl_method"));
    }
  }
}
