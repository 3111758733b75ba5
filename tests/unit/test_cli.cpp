// The command-line tool through run_cli with in-memory files: inspect, evaluate, recommend,
// similar, predict, and the error contract (exit 2, exactly one "cofi: error: " line).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "eval/metrics.h"
#include "eval/split.h"
#include "io/ratings_reader.h"
#include "models/model.h"

using cofi::Dataset;
using cofi::Params;

namespace {

// The hand example of test_models.cpp: counts a 3, b 3, c 3, d 3, e 2.
const char* const kExample =
    "user,item,rating\n"
    "u1,a,5\nu1,b,3\nu1,c,1\n"
    "u2,a,4\nu2,c,1\nu2,d,4\nu2,e,2\n"
    "u3,a,1\nu3,b,1\nu3,d,5\nu3,e,5\n"
    "u4,b,3\nu4,c,5\nu4,d,4\n";

const char* const kTrain = "user,item,rating\nu1,a,4\nu1,b,2\nu2,a,3\n";
const char* const kTest = "user,item,rating\nu1,b,5\nu1,z,4\nu2,a,1\nu9,a,3\n";

struct Result {
  int status = -1;
  std::string out, err;
};

struct FakeFiles {
  std::map<std::string, std::string> files = {{"f.csv", kExample}, {"train.csv", kTrain}, {"test.csv", kTest}};

  Result run(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    cofi::CliIo io;
    io.read_file = [this](const std::string& path) {
      auto found = files.find(path);
      if (found == files.end()) throw std::runtime_error("cannot read " + path + ": No such file or directory");
      return found->second;
    };
    io.write_file = [this](const std::string& path, const std::string& bytes) { files[path] = bytes; };
    io.out = &out;
    io.err = &err;
    Result r;
    r.status = cofi::run_cli(args, io);
    r.out = out.str();
    r.err = err.str();
    return r;
  }
};

Result run(const std::vector<std::string>& args) { return FakeFiles().run(args); }

// The number after "key": in a JSON text (first occurrence).
double json_number(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  const auto at = json.find(needle);
  if (at == std::string::npos) throw std::runtime_error("no key " + key + " in " + json);
  return std::strtod(json.c_str() + at + needle.size(), nullptr);
}

// The ids of the "items" list, in order (recommend / similar).
std::vector<std::string> json_items(const std::string& json) {
  std::vector<std::string> out;
  const std::string needle = "{\"item\":\"";
  const auto list = json.find("\"items\":[");
  if (list == std::string::npos) throw std::runtime_error("no items list in " + json);
  for (auto at = json.find(needle, list); at != std::string::npos; at = json.find(needle, at + 1)) {
    const auto begin = at + needle.size();
    out.push_back(json.substr(begin, json.find('"', begin) - begin));
  }
  return out;
}

// A usage or input error: exit 2, nothing on out, exactly one line on err, starting "cofi: error: ".
void check_error(const Result& r, const std::string& contains = "") {
  INFO("err: " << r.err);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("cofi: error: ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(!r.err.empty());
  CHECK(r.err.back() == '\n');
  if (!contains.empty()) CHECK_THAT(r.err, Catch::Contains(contains));
}

std::shared_ptr<const Dataset> load(const std::string& csv, const std::string& name = "f.csv") {
  return std::make_shared<const Dataset>(cofi::read_ratings(csv, name).data);
}

}  // namespace

TEST_CASE("cli inspect", "[cli]") {
  SECTION("--json reports the counts and the format") {
    const Result r = run({"inspect", "f.csv", "--json"});
    REQUIRE(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out.front() == '{');
    CHECK(r.out.back() == '\n');
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
    for (const char* field : {"\"ratings\":14,", "\"users\":4,", "\"items\":5,", "\"duplicates\":0,",
                              "\"rating_min\":1,", "\"rating_max\":5,", "\"rating_mean\":3.142857143,",
                              "\"implicit\":false,", "\"density\":0.7,", "\"delimiter\":\",\"", "\"header\":true",
                              "\"encoding\":\"utf-8\"", "\"skipped\":0,", "\"skipped_lines\":[]"}) {
      INFO(field);
      CHECK_THAT(r.out, Catch::Contains(field));
    }
    CHECK(json_number(r.out, "bytes_per_rating") > 0.0);
  }
  SECTION("duplicates and an implicit file") {
    FakeFiles fs;
    fs.files["dup.csv"] = "a\tx\nb\tx\na\tx\n";
    const Result r = fs.run({"inspect", "dup.csv", "--json"});
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("\"ratings\":2,"));
    CHECK_THAT(r.out, Catch::Contains("\"duplicates\":1,"));
    CHECK_THAT(r.out, Catch::Contains("\"implicit\":true,"));
    CHECK_THAT(r.out, Catch::Contains("\"delimiter\":\"\\t\""));
    CHECK_THAT(r.out, Catch::Contains("\"header\":false"));
  }
  SECTION("text") {
    const Result r = run({"inspect", "f.csv"});
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Catch::StartsWith("f.csv: 14 ratings, 4 users, 5 items\n"));
  }
  SECTION("needs exactly one file") {
    check_error(run({"inspect"}), "inspect");
    check_error(run({"inspect", "f.csv", "train.csv"}), "inspect");
  }
}

TEST_CASE("cli evaluate", "[cli]") {
  SECTION("--train/--test --algo baseline --json matches evaluate_accuracy") {
    const Result r = run({"evaluate", "--train", "train.csv", "--test", "test.csv", "--algo", "baseline", "--set",
                          "epochs=1", "--set", "reg_u=2", "--set", "reg_i=1", "--json"});
    REQUIRE(r.status == 0);
    CHECK(r.err.empty());
    CHECK_THAT(r.out, Catch::Contains("\"algo\":\"baseline\""));
    CHECK_THAT(r.out, Catch::Contains("\"params\":{\"epochs\":\"1\",\"reg_i\":\"1\",\"reg_u\":\"2\"}"));
    CHECK_THAT(r.out, Catch::Contains("\"predictions\":4,"));
    CHECK_THAT(r.out, Catch::Contains("\"fallbacks\":2"));
    // The same computation through the library: RMSE 1.7328581, MAE 215/144 (see test_metrics.cpp).
    const auto train = load(kTrain, "train.csv");
    const auto test = load(kTest, "test.csv");
    auto m = cofi::make_model("baseline", Params(std::map<std::string, std::string>{{"epochs", "1"}, {"reg_u", "2"}, {"reg_i", "1"}}));
    m->fit(train, 0);
    const cofi::AccuracyResult expected = cofi::evaluate_accuracy(*m, train->translate(*test));
    CHECK(json_number(r.out, "rmse") == Approx(expected.rmse).epsilon(1e-9));
    CHECK(json_number(r.out, "mae") == Approx(expected.mae).epsilon(1e-9));
    CHECK(json_number(r.out, "rmse") == Approx(1.7328581));
    CHECK(json_number(r.out, "mae") == Approx(215.0 / 144.0));
  }
  SECTION("text output") {
    const Result r = run({"evaluate", "--train", "train.csv", "--test", "test.csv", "--algo", "global-mean"});
    REQUIRE(r.status == 0);
    // errors -2, -1, 2, 0 against mu = 3: RMSE 1.5, MAE 1.25
    CHECK_THAT(r.out, Catch::StartsWith("global-mean: RMSE 1.5000, MAE 1.2500 on 4 ratings (0 fallbacks)"));
  }
  SECTION("--ratings --folds K matches KFold + evaluate_accuracy") {
    const Result r = run({"evaluate", "--ratings", "f.csv", "--folds", "3", "--algo", "knn-basic", "--seed", "5",
                          "--json"});
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("\"folds\":3,"));
    const auto data = load(kExample);
    const cofi::KFold kfold(*data, 3, 5);
    double rmse = 0.0, mae = 0.0;
    for (int k = 0; k < 3; ++k) {
      const cofi::Fold fold = kfold.fold(k);
      auto m = cofi::make_model("knn-basic", Params());
      m->fit(fold.train, 5);
      const auto acc = cofi::evaluate_accuracy(*m, fold.test);
      rmse += acc.rmse / 3;
      mae += acc.mae / 3;
    }
    CHECK(json_number(r.out, "rmse") == Approx(rmse).epsilon(1e-9));
    CHECK(json_number(r.out, "mae") == Approx(mae).epsilon(1e-9));
    // per_fold lists 3 objects
    const auto per_fold = r.out.substr(r.out.find("\"per_fold\""));
    size_t objects = 0;
    for (auto at = per_fold.find("{\"rmse\""); at != std::string::npos; at = per_fold.find("{\"rmse\"", at + 1)) ++objects;
    CHECK(objects == 3);
  }
  SECTION("errors") {
    check_error(run({"evaluate", "--test", "test.csv", "--algo", "baseline"}), "--train");
    check_error(run({"evaluate", "--train", "train.csv", "--test", "test.csv"}), "--algo");
    check_error(run({"evaluate", "--train", "train.csv", "--test", "test.csv", "--algo", "svm"}), "unknown algorithm 'svm'");
    check_error(run({"evaluate", "--train", "train.csv", "--test", "test.csv", "--algo", "knn-basic", "--set", "K=3"}),
                "'K'");
    check_error(run({"evaluate", "--ratings", "f.csv", "--folds", "1", "--algo", "baseline"}), "--folds");
    check_error(run({"evaluate", "--ratings", "f.csv", "--train", "train.csv", "--algo", "baseline"}));
  }
}

TEST_CASE("cli recommend", "[cli]") {
  SECTION("a known user, popular: unrated items by count") {
    const Result r = run({"recommend", "--ratings", "f.csv", "--user", "u1", "-n", "3", "--algo", "popular", "--json"});
    REQUIRE(r.status == 0);
    CHECK(r.err.empty());
    // u1 rated a, b, c: left d (3 ratings) and e (2); n = 3 but only 2 remain.
    CHECK(r.out == "{\"user\":\"u1\",\"known\":true,\"algo\":\"popular\",\"items\":"
                   "[{\"item\":\"d\",\"score\":3},{\"item\":\"e\",\"score\":2}]}\n");
    const Result one = run({"recommend", "--ratings", "f.csv", "--user", "u1", "-n", "1", "--algo", "popular", "--json"});
    CHECK(json_items(one.out) == std::vector<std::string>{"d"});
  }
  SECTION("text output") {
    const Result r = run({"recommend", "--ratings", "f.csv", "--user", "u1", "-n", "3", "--algo", "popular"});
    REQUIRE(r.status == 0);
    CHECK(r.out == "1\td\t3.0000\n2\te\t2.0000\n");
  }
  SECTION("an unknown user gets the most popular items, known: false") {
    const Result r = run({"recommend", "--ratings", "f.csv", "--user", "nobody", "-n", "3", "--json"});
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("\"user\":\"nobody\",\"known\":false"));
    CHECK(json_items(r.out) == std::vector<std::string>{"a", "b", "c"});  // 3 ratings each, by index
  }
  SECTION("the default model is item-based knn-baseline with pearson_baseline") {
    const auto data = load(kExample);
    auto m = cofi::make_model("knn-baseline", Params(std::map<std::string, std::string>{{"user_based", "false"}, {"similarity", "pearson_baseline"},
                                                      {"shrinkage", "1"}}));
    m->fit(data, 0);
    for (const char* user : {"u1", "u2", "u3", "u4"}) {
      INFO(user);
      const Result r = run({"recommend", "--ratings", "f.csv", "--user", user, "-n", "5", "--set", "shrinkage=1", "--json"});
      REQUIRE(r.status == 0);
      CHECK_THAT(r.out, Catch::Contains("\"algo\":\"knn-baseline\""));
      std::vector<std::string> expected;
      for (const auto& s : m->recommend(cofi::Profile::of_user(*data, data->users().find(user)), 5))
        expected.push_back(data->items().id(s.item));
      CHECK(json_items(r.out) == expected);
    }
  }
  SECTION("--rate ITEM=RATING scores a new person") {
    const Result r = run({"recommend", "--ratings", "f.csv", "--rate", "a=5", "--algo", "knn-basic", "--set",
                          "user_based=false", "--json"});
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("\"user\":null,\"known\":true"));
    // item-based msd: every other item has a positive similarity to a, so each scores 5: ties by index
    CHECK(json_items(r.out) == std::vector<std::string>{"b", "c", "d", "e"});
    check_error(run({"recommend", "--ratings", "f.csv", "--rate", "zz=5"}), "zz");
    check_error(run({"recommend", "--ratings", "f.csv", "--rate", "a=five"}));
    check_error(run({"recommend", "--ratings", "f.csv", "--rate", "a=5", "--user", "u1"}));
    check_error(run({"recommend", "--ratings", "f.csv"}));
  }
}

TEST_CASE("cli similar", "[cli]") {
  SECTION("item-based cosine: a -> c 9/sqrt(82), b 16/sqrt(260)") {
    const Result r = run({"similar", "--ratings", "f.csv", "--item", "a", "-n", "2", "--algo", "knn-basic", "--set",
                          "user_based=false", "--set", "similarity=cosine", "--json"});
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Catch::StartsWith("{\"item\":\"a\",\"algo\":\"knn-basic\",\"items\":["));
    CHECK(json_items(r.out) == std::vector<std::string>{"c", "b"});
    const auto c_at = r.out.find("\"item\":\"c\"");
    CHECK(json_number(r.out.substr(c_at), "score") == Approx(9.0 / std::sqrt(82.0)));
  }
  SECTION("default model runs") {
    const Result r = run({"similar", "--ratings", "f.csv", "--item", "d", "--json"});
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("\"algo\":\"knn-baseline\""));
  }
  SECTION("errors") {
    check_error(run({"similar", "--ratings", "f.csv", "--item", "zz"}), "zz");
    check_error(run({"similar", "--ratings", "f.csv"}), "--item");
  }
}

TEST_CASE("cli predict", "[cli]") {
  SECTION("one pair") {
    const Result r = run({"predict", "--ratings", "f.csv", "--user", "u1", "--item", "d", "--algo", "knn-basic",
                          "--json"});
    REQUIRE(r.status == 0);
    // 353/86 (test_models.cpp)
    CHECK(json_number(r.out, "prediction") == Approx(353.0 / 86.0));
    CHECK_THAT(r.out, Catch::Contains("\"fallback\":false"));
  }
  SECTION("a test file to --output") {
    FakeFiles fs;
    const Result r = fs.run({"predict", "--train", "train.csv", "--test", "test.csv", "--algo", "global-mean",
                             "--output", "out.csv"});
    REQUIRE(r.status == 0);
    CHECK(r.out.empty());
    REQUIRE(fs.files.count("out.csv") == 1);
    CHECK(fs.files["out.csv"] ==
          "user,item,rating,prediction,fallback\n"
          "u1,b,5,3,0\nu1,z,4,3,0\nu2,a,1,3,0\nu9,a,3,3,0\n");
  }
}

TEST_CASE("cli usage errors exit 2 with one error line", "[cli]") {
  check_error(run({"frobnicate"}), "frobnicate");
  check_error(run({}));
  check_error(run({"inspect", "f.csv", "--bogus"}), "--bogus");
  check_error(run({"evaluate", "--test", "test.csv"}), "--train");
  check_error(run({"recommend", "--ratings", "f.csv", "--user", "u1", "-n", "x"}), "-n");
  check_error(run({"recommend", "--ratings", "f.csv", "--user", "u1", "-n", "-1"}), "-n");
  check_error(run({"recommend", "--ratings", "f.csv", "--user"}), "--user");
  check_error(run({"evaluate", "--set", "k"}), "--set");
  check_error(run({"rank", "--train", "train.csv", "--test", "test.csv", "--algo", "popular", "-k", "0"}), "-k");
  check_error(run({"inspect", "f.csv", "--header", "--no-header"}));
  check_error(run({"inspect", "missing.csv"}), "missing.csv");
}

TEST_CASE("cli input errors name the file and line", "[cli]") {
  FakeFiles fs;
  fs.files["bad.csv"] = "user,item,rating\nA,x,1\nB,y,notanumber\n";
  const Result r = fs.run({"inspect", "bad.csv"});
  check_error(r, "bad.csv:3:");
  // In evaluate, the test file is named.
  const Result e = fs.run({"evaluate", "--train", "train.csv", "--test", "bad.csv", "--algo", "baseline"});
  check_error(e, "bad.csv:3:");
  // --skip-bad-rows turns it into a warning.
  const Result s = fs.run({"inspect", "bad.csv", "--skip-bad-rows", "--json"});
  REQUIRE(s.status == 0);
  CHECK_THAT(s.out, Catch::Contains("\"skipped\":1,\"skipped_lines\":[3]"));
  CHECK_THAT(s.err, Catch::StartsWith("cofi: warning: bad.csv: skipped 1 bad row (line 3)"));
}

TEST_CASE("cli rank, algorithms, help", "[cli]") {
  SECTION("rank") {
    FakeFiles fs;
    fs.files["rtrain.csv"] =
        "user,item,rating\nu1,p,5\nu1,q,4\nu2,p,3\nu2,q,4\nu2,r,2\nu3,p,4\nu3,r,5\nu3,s,3\nu4,p,2\nu4,q,1\nu4,t,4\n";
    fs.files["rtest.csv"] = "user,item,rating\nu1,r,5\nu1,s,2\nu1,z,5\nu2,t,4\nu3,q,3\nu4,y,5\nu9,p,5\n";
    const Result r = fs.run({"rank", "--train", "rtrain.csv", "--test", "rtest.csv", "--algo", "popular", "-k", "2",
                             "--json"});
    REQUIRE(r.status == 0);
    // As in test_metrics.cpp.
    CHECK(json_number(r.out, "users") == 3);
    CHECK(json_number(r.out, "precision") == Approx(1.0 / 3));
    CHECK(json_number(r.out, "recall") == Approx(0.5));
    CHECK(json_number(r.out, "hit_rate") == Approx(2.0 / 3));
  }
  SECTION("algorithms") {
    const Result r = run({"algorithms"});
    REQUIRE(r.status == 0);
    std::string expected;
    for (const auto& name : cofi::model_names()) expected += name + "\n";
    CHECK(r.out == expected);
    CHECK(r.out.rfind("random\nglobal-mean\nbaseline\npopular\nknn-basic\n", 0) == 0);
  }
  SECTION("help") {
    const Result r = run({"--help"});
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::StartsWith("usage: cofi"));
  }
}

TEST_CASE("cli compact cuts a saved model down and serves visitors from it", "[cli]") {
  FakeFiles fs;
  REQUIRE(fs.run({"fit", "--ratings", "f.csv", "--algo", "svd", "--set", "factors=3", "--save", "svd.cofi"}).status == 0);
  const Result r = fs.run({"compact", "--model", "svd.cofi", "--save", "small.cofi", "--encoding", "float16", "--json"});
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("{\"algo\":\"compact\",\"source\":\"svd\",\"encoding\":\"float16\",\"items\":5,\"factors\":3,"));
  CHECK(json_number(r.out, "model_bytes") == static_cast<double>(fs.files["small.cofi"].size()));
  CHECK(json_number(r.out, "source_bytes") == static_cast<double>(fs.files["svd.cofi"].size()));
  CHECK(fs.files["small.cofi"].size() < fs.files["svd.cofi"].size());
  // A visitor folded in by the compact model gets what the full model gives (float16 rounding aside).
  const std::vector<std::string> visitor = {"--rate", "a=5", "--rate", "b=1", "-n", "3", "--json"};
  auto ask = [&](const std::string& model) {
    std::vector<std::string> args = {"recommend", "--model", model};
    args.insert(args.end(), visitor.begin(), visitor.end());
    return fs.run(args);
  };
  const Result full = ask("svd.cofi"), small = ask("small.cofi");
  REQUIRE(full.status == 0);
  REQUIRE(small.status == 0);
  CHECK(json_items(small.out) == json_items(full.out));
  const Result text = fs.run({"compact", "--model", "svd.cofi", "--save", "int8.cofi"});
  REQUIRE(text.status == 0);
  CHECK_THAT(text.out, Catch::StartsWith("compact svd model: 5 items x 3 factors in int8; saved int8.cofi ("));
  // Usage and input errors.
  check_error(fs.run({"compact", "--model", "svd.cofi"}), "--save");
  check_error(fs.run({"compact", "--save", "x.cofi"}), "--model");
  check_error(fs.run({"compact", "--model", "svd.cofi", "--save", "x.cofi", "--encoding", "int4"}),
              "unknown factor encoding \"int4\" (float32, float16 or int8)");
  check_error(fs.run({"inspect", "f.csv", "--encoding", "int8"}), "--encoding works with compact, not inspect");
  REQUIRE(fs.run({"fit", "--ratings", "f.csv", "--algo", "knn-basic", "--save", "knn.cofi"}).status == 0);
  check_error(fs.run({"compact", "--model", "knn.cofi", "--save", "x.cofi"}), "not from knn-basic");
}
