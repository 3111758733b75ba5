// The most accurate rating predictor cofi builds on MovieLens 100k, chosen honestly: for each
// canonical fold uX (X = 1..5), every member model's hyperparameters are chosen by K-fold
// cross-validation on uX.base alone; a `blend` of the chosen members (its weights fitted on a
// hold-out carved from uX.base) is fitted on uX.base; only then is uX.test read and scored, once.
// The members' own test RMSEs are printed for information, after every choice has been made.
//
//   build/<dir>/cofi_best_model [--data DIR] [--folds 1,2,3,4,5] [--cv-folds 3] [--seed 1]
//                               [--threads 2] [--verbose]
//
// DIR defaults to $COFI_DATA/ml-100k or ../shared/datasets/ml-100k. Deterministic for a seed: the
// threads only run independent fits side by side; every fit has its own seed.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "eval/metrics.h"
#include "eval/search.h"
#include "eval/split.h"
#include "io/ratings_reader.h"
#include "models/blend.h"
#include "models/model.h"

using namespace cofi;

namespace {

// One member of the blend and the candidate settings searched for it. Each candidate is a full
// parameter list "key=value,key=value" on top of `fixed`; a list (instead of one grid) lets a
// member try unions such as "alpha fixed at a, b, c" plus "alpha sampled".
struct MemberPlan {
  std::string label;
  std::string algorithm;
  std::string fixed;                    // shared by every candidate
  std::vector<std::string> candidates;  // searched settings
};

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(sep, start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

std::map<std::string, std::string> parse_settings(const std::string& text) {
  std::map<std::string, std::string> out;
  for (const std::string& kv : split(text, ',')) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("bad setting '" + kv + "'");
    out[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return out;
}

std::string join_settings(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + "," + b;
}

// Grid helper: every combination of the listed values, as "k=v,k=v" strings, in order.
std::vector<std::string> grid(const std::vector<std::pair<std::string, std::vector<std::string>>>& dims) {
  std::vector<std::string> out{""};
  for (const auto& d : dims) {
    std::vector<std::string> next;
    for (const auto& partial : out)
      for (const auto& v : d.second) next.push_back(join_settings(partial, d.first + "=" + v));
    out = std::move(next);
  }
  return out;
}

// The members and their search spaces. Chosen to be diverse (a Bayesian factor model, SGD factor
// models with and without implicit feedback, item- and user-based neighbourhoods, slope one) and
// cheap enough that a fold's whole pipeline runs in a few minutes on two cores.
std::vector<MemberPlan> member_plans() {
  std::vector<MemberPlan> plans;
  {
    // Bayesian PMF: the noise precision alpha is the one knob that matters (fixed, or sampled).
    MemberPlan p{"bpmf", "bpmf", "burnin=20,samples=100", {}};
    p.candidates = grid({{"factors", {"10", "20"}}, {"alpha", {"1.25", "1.5", "1.75"}}});
    for (const std::string f : {"10", "20"}) p.candidates.push_back("factors=" + f + ",sample_alpha=true");
    plans.push_back(p);
  }
  {
    // The same with SVD++'s implicit feedback (which items a user rated in training).
    MemberPlan p{"bpmf+imp", "bpmf", "burnin=20,samples=100,implicit=true", {}};
    p.candidates = grid({{"factors", {"10", "20"}}, {"alpha", {"1.5"}}});
    for (const std::string f : {"10", "20"}) p.candidates.push_back("factors=" + f + ",sample_alpha=true");
    plans.push_back(p);
  }
  {
    MemberPlan p{"svdpp", "svdpp", "", {}};
    p.candidates = grid({{"factors", {"20", "50"}}, {"epochs", {"20", "40"}}, {"lr", {"0.005", "0.007"}}, {"reg", {"0.02", "0.05", "0.1"}}});
    plans.push_back(p);
  }
  {
    MemberPlan p{"svd", "svd", "", {}};
    p.candidates = grid({{"factors", {"50", "100"}}, {"epochs", {"30", "50"}}, {"lr", {"0.005", "0.01"}}, {"reg", {"0.05", "0.1"}}});
    plans.push_back(p);
  }
  {
    MemberPlan p{"knn item", "knn-baseline", "user_based=false,similarity=pearson_baseline", {}};
    p.candidates = grid({{"k", {"20", "40", "80"}}, {"shrinkage", {"50", "100", "200"}}});
    plans.push_back(p);
  }
  {
    MemberPlan p{"knn user", "knn-baseline", "user_based=true,similarity=pearson_baseline", {}};
    p.candidates = grid({{"k", {"20", "40", "80"}}, {"shrinkage", {"50", "100", "200"}}});
    plans.push_back(p);
  }
  {
    MemberPlan p{"slope one", "slope-one", "", {""}};
    plans.push_back(p);
  }
  return plans;
}

// Runs tasks 0..n-1 on `threads` threads (each task index exactly once).
void parallel_for(size_t n, int threads, const std::function<void(size_t)>& task) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  std::mutex error_mutex;
  std::string error;
  for (int t = 0; t < std::max(1, threads); ++t)
    pool.emplace_back([&] {
      for (size_t i; (i = next++) < n;) {
        try {
          task(i);
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(error_mutex);
          if (error.empty()) error = e.what();
        }
      }
    });
  for (auto& th : pool) th.join();
  if (!error.empty()) throw std::runtime_error(error);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Options {
  std::string data;
  std::vector<int> folds{1, 2, 3, 4, 5};
  int cv_folds = 3;
  uint64_t seed = 1;
  int threads = 2;
  bool verbose = false;
};

struct MemberResult {
  std::string settings;  // the chosen candidate (fixed part included)
  double cv_rmse = 0.0;
  double test_rmse = 0.0;
};

struct FoldResult {
  int fold = 0;
  std::vector<MemberResult> members;
  std::vector<double> weights;
  double blend_rmse = 0.0;
  double seconds = 0.0;
};

FoldResult run_fold(const Options& opt, int fold, const std::vector<MemberPlan>& plans) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string base_path = opt.data + "/u" + std::to_string(fold) + ".base";
  const std::string test_path = opt.data + "/u" + std::to_string(fold) + ".test";
  auto base = std::make_shared<const Dataset>(read_ratings(read_file(base_path), base_path).data);
  FoldResult result;
  result.fold = fold;
  result.members.resize(plans.size());

  // 1. Cross-validation on uX.base only. Every (member, candidate) pair is one task; each task's
  // search scores one candidate on the same K folds of uX.base (same seed).
  struct Task {
    size_t member;
    size_t candidate;
    double rmse = 0.0;
  };
  std::vector<Task> tasks;
  for (size_t m = 0; m < plans.size(); ++m)
    for (size_t c = 0; c < plans[m].candidates.size(); ++c) tasks.push_back({m, c});
  parallel_for(tasks.size(), opt.threads, [&](size_t t) {
    const MemberPlan& plan = plans[tasks[t].member];
    SearchOptions so;
    so.algorithm = plan.algorithm;
    for (const auto& kv : parse_settings(join_settings(plan.fixed, plan.candidates[tasks[t].candidate])))
      so.fixed.set(kv.first, kv.second);
    // Each searched key becomes a one-value dimension, so search() scores exactly this candidate
    // on its K folds of uX.base. A candidate without settings (slope one has no parameter) is
    // cross-validated by hand on the same folds (KFold with the same seed, as search() builds them).
    const auto settings = parse_settings(plan.candidates[tasks[t].candidate]);
    for (const auto& kv : settings) so.dimensions.push_back({kv.first, kv.second});
    so.folds = opt.cv_folds;
    so.seed = opt.seed;
    double rmse = 0.0;
    if (so.dimensions.empty()) {
      KFold kfold(*base, opt.cv_folds, opt.seed);
      for (int f = 0; f < opt.cv_folds; ++f) {
        const Fold part = kfold.fold(f);
        auto model = make_model(plan.algorithm, so.fixed);
        model->fit(part.train, opt.seed);
        rmse += evaluate_accuracy(*model, part.test).rmse / opt.cv_folds;
      }
    } else {
      rmse = search(*base, so).candidates.front().mean;
    }
    tasks[t].rmse = rmse;
    if (opt.verbose)
      std::fprintf(stderr, "  u%d cv %-10s %-60s %.5f\n", fold, plan.label.c_str(),
                   plan.candidates[tasks[t].candidate].c_str(), rmse);
  });
  for (size_t m = 0; m < plans.size(); ++m) {
    const Task* best = nullptr;
    for (const Task& t : tasks)
      if (t.member == m && (!best || t.rmse < best->rmse)) best = &t;
    result.members[m].settings = join_settings(plans[m].fixed, plans[m].candidates[best->candidate]);
    result.members[m].cv_rmse = best->rmse;
  }

  // 2. The blend of the chosen members, fitted on uX.base (its hold-out is carved from uX.base).
  std::string members;
  for (size_t m = 0; m < plans.size(); ++m)
    members += (members.empty() ? "" : "|") + plans[m].algorithm +
               (result.members[m].settings.empty() ? "" : ":" + result.members[m].settings);
  Params blend_params;
  blend_params.set("members", members);
  auto blend = make_model("blend", blend_params);

  // 3. Only now the test file; the blend and (for information) each member alone are scored once.
  const std::string test_text = read_file(test_path);
  const Dataset test_data = read_ratings(test_text, test_path).data;
  const std::vector<Rating> test = base->translate(test_data);
  parallel_for(plans.size() + 1, opt.threads, [&](size_t t) {
    if (t == 0) {
      blend->fit(base, opt.seed);
      result.blend_rmse = evaluate_accuracy(*blend, test).rmse;
      return;
    }
    const size_t m = t - 1;
    Params p;
    for (const auto& kv : parse_settings(result.members[m].settings)) p.set(kv.first, kv.second);
    auto model = make_model(plans[m].algorithm, p);
    model->fit(base, opt.seed);
    result.members[m].test_rmse = evaluate_accuracy(*model, test).rmse;
  });
  result.weights = dynamic_cast<const Blend&>(*blend).weights();
  result.seconds = seconds_since(t0);
  return result;
}

Options parse_args(int argc, char** argv) {
  Options opt;
  const char* env = std::getenv("COFI_DATA");
  opt.data = env ? std::string(env) + "/ml-100k" : "../shared/datasets/ml-100k";
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    auto value = [&]() -> std::string {
      if (a + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      return argv[++a];
    };
    if (arg == "--data") opt.data = value();
    else if (arg == "--folds") {
      opt.folds.clear();
      for (const auto& f : split(value(), ',')) opt.folds.push_back(std::stoi(f));
    } else if (arg == "--cv-folds") opt.cv_folds = std::stoi(value());
    else if (arg == "--seed") opt.seed = std::stoull(value());
    else if (arg == "--threads") opt.threads = std::stoi(value());
    else if (arg == "--verbose") opt.verbose = true;
    else throw std::invalid_argument("unknown option " + arg);
  }
  for (int f : opt.folds)
    if (f < 1 || f > 5) throw std::invalid_argument("--folds takes fold numbers 1..5");
  return opt;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options opt = parse_args(argc, argv);
    const auto plans = member_plans();
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<FoldResult> results;
    for (int fold : opt.folds) {
      results.push_back(run_fold(opt, fold, plans));
      const FoldResult& r = results.back();
      std::printf("u%d: blend test RMSE %.4f  (%.0f s)  weights: intercept %.3f", fold, r.blend_rmse, r.seconds,
                  r.weights.empty() ? 0.0 : r.weights[0]);
      for (size_t m = 1; m < r.weights.size(); ++m) std::printf(" %.3f", r.weights[m]);
      std::printf("\n");
      for (size_t m = 0; m < plans.size(); ++m)
        std::printf("    %-10s cv %.4f  test %.4f  %s\n", plans[m].label.c_str(), r.members[m].cv_rmse,
                    r.members[m].test_rmse, r.members[m].settings.c_str());
      std::fflush(stdout);
    }
    // Summary table (markdown).
    std::printf("\n| fold |");
    for (const auto& p : plans) std::printf(" %s |", p.label.c_str());
    std::printf(" blend |\n|---|");
    for (size_t m = 0; m < plans.size(); ++m) std::printf("---|");
    std::printf("---|\n");
    std::vector<double> mean(plans.size() + 1, 0.0);
    for (const auto& r : results) {
      std::printf("| u%d |", r.fold);
      for (size_t m = 0; m < plans.size(); ++m) {
        std::printf(" %.4f |", r.members[m].test_rmse);
        mean[m] += r.members[m].test_rmse / results.size();
      }
      std::printf(" **%.4f** |\n", r.blend_rmse);
      mean.back() += r.blend_rmse / results.size();
    }
    if (results.size() > 1) {
      std::printf("| mean |");
      for (size_t m = 0; m < plans.size(); ++m) std::printf(" %.4f |", mean[m]);
      std::printf(" **%.4f** |\n", mean.back());
    }
    std::printf("\ntotal %.0f s\n", seconds_since(t0));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cofi_best_model: %s\n", e.what());
    return 1;
  }
}
