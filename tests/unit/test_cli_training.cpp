// The CLI's search command and its early-stopping options, on in-memory files.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "cli/cli.h"
#include "util/rng.h"

namespace {

struct Run {
  int status;
  std::string out, err;
};

std::map<std::string, std::string> files() {
  // Two taste groups over 30 items of differing quality, with noise.
  std::string csv = "user,item,rating\n";
  cofi::Rng rng(12);
  for (int u = 0; u < 70; ++u)
    for (int i = 0; i < 30; ++i) {
      if (rng.uniform() < 0.55) continue;
      const double mean = ((i % 2) == (u % 2) ? 3.6 : 2.4) + 0.6 * ((i % 5) - 2);
      const long r = std::lround(std::min(5.0, std::max(1.0, mean + 0.5 * rng.normal())));
      csv += "u" + std::to_string(u) + ",i" + std::to_string(i) + "," + std::to_string(r) + "\n";
    }
  return {{"r.csv", csv}};
}

Run run(std::vector<std::string> args) {
  static const auto fs = files();
  std::ostringstream out, err;
  cofi::CliIo io;
  io.read_file = [](const std::string& p) {
    auto f = fs.find(p);
    if (f == fs.end()) throw std::runtime_error("cannot read " + p + ": No such file or directory");
    return f->second;
  };
  io.write_file = [](const std::string&, const std::string&) {};
  io.out = &out;
  io.err = &err;
  const int status = cofi::run_cli(args, io);
  return {status, out.str(), err.str()};
}

}  // namespace

TEST_CASE("cli search prints every candidate and the best parameters", "[cli][search]") {
  const Run r = run({"search", "--ratings", "r.csv", "--algo", "baseline", "--grid", "reg_i=1000000,5", "--grid",
                     "reg_u=5,10", "--folds", "3"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("baseline: 4 candidates, 3-fold cross-validation, rmse (lower is better)") == 0);
  // Item quality is real signal: the small item regularisation wins.
  CHECK(r.out.find("best: --set reg_i=5 --set reg_u=") != std::string::npos);
  const Run j = run({"search", "--ratings", "r.csv", "--algo", "knn-means", "--grid", "k=2,20", "--measure", "ndcg", "--json"});
  REQUIRE(j.status == 0);
  CHECK(j.out.find("\"measure\":\"ndcg\"") != std::string::npos);
  CHECK(j.out.find("\"best\":{\"k\":") != std::string::npos);
}

TEST_CASE("cli search and early stopping refuse bad usage with one line", "[cli][search]") {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"search", "--ratings", "r.csv", "--algo", "baseline"},
           {"search", "--ratings", "r.csv", "--algo", "baseline", "--grid", "reg_u=uniform:1:2"},
           {"search", "--ratings", "r.csv", "--algo", "baseline", "--grid", "nope=1,2"},
           {"fit", "--ratings", "r.csv", "--algo", "svd", "--save", "m", "--patience", "2"},
           {"fit", "--ratings", "r.csv", "--algo", "svd", "--save", "m", "--validation", "1.5"}}) {
    const Run r = run(args);
    INFO(args[args.size() - 1] << ": " << r.err);
    CHECK(r.status == 2);
    CHECK(r.err.rfind("cofi: error: ", 0) == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}

TEST_CASE("cli fit with --validation and --patience stops early and reports epochs", "[cli][search]") {
  const Run r = run({"fit", "--ratings", "r.csv", "--algo", "svd", "--set", "epochs=200", "--set", "lr=0.05", "--set", "reg=0", "--set", "init_std=0.5",
                     "--validation", "0.2", "--patience", "3", "--progress", "--save", "m", "--json"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  // One progress line per epoch run, and far fewer than 200 epochs.
  const auto lines = std::count(r.err.begin(), r.err.end(), '\n');
  CHECK(lines >= 4);
  CHECK(lines < 200);
  CHECK(r.err.find("(best)") != std::string::npos);
  CHECK(r.out.find("\"epochs\":" + std::to_string(lines)) != std::string::npos);
}
