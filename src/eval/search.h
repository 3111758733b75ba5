// Hyperparameter search by K-fold cross-validation on the training data only (as Surprise's
// GridSearchCV and RandomizedSearchCV): every candidate parameter set is scored on the same folds,
// and the best by the chosen measure is reported.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "models/params.h"

namespace cofi {

// One searched parameter: a list of values ("0.01,0.02"), or for random search a distribution:
// "uniform:LOW:HIGH", "loguniform:LOW:HIGH" (LOW > 0), "int:LOW:HIGH" (inclusive).
struct SearchDimension {
  std::string key;
  std::string spec;
};

struct SearchOptions {
  std::string algorithm;
  Params fixed;                         // parameters shared by every candidate
  std::vector<SearchDimension> dimensions;
  int folds = 3;
  uint64_t seed = 0;                    // folds, random draws and each fit
  int random_candidates = 0;            // 0: the full grid (lists only); N: N random draws
  std::string measure = "rmse";         // rmse | mae (lower is better) | precision | ndcg (at k, higher)
  int k = 10;                           // for precision / ndcg
  double threshold = 4.0;               // relevance threshold for precision / ndcg
};

struct SearchCandidate {
  std::map<std::string, std::string> params;  // the searched values only
  std::vector<double> fold_scores;            // the measure on each fold
  double mean = 0.0;
  double std = 0.0;
  double rmse = 0.0;  // means over folds
  double mae = 0.0;
  double fit_seconds = 0.0;
};

struct SearchResult {
  std::vector<SearchCandidate> candidates;  // in the order tried
  size_t best = 0;
  bool lower_is_better = true;
};

// Called after each candidate; returning false stops the search (the result so far is returned).
using SearchProgress = std::function<bool(size_t done, size_t total, const SearchCandidate& last)>;

// Throws std::invalid_argument for a bad dimension spec, an unknown measure, or a grid over a
// distribution.
SearchResult search(const Dataset& train, const SearchOptions& options, const SearchProgress& progress = nullptr);

// The candidate parameter sets the options describe (the grid, or the random draws).
std::vector<std::map<std::string, std::string>> search_candidates(const SearchOptions& options);

}  // namespace cofi
