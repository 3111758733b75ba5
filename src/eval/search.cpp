#include "eval/search.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "eval/metrics.h"
#include "eval/split.h"
#include "models/model.h"
#include "util/rng.h"

namespace cofi {

namespace {

std::vector<std::string> split_list(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(sep, start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

double number(const std::string& dim, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v))
    throw std::invalid_argument("search " + dim + ": \"" + text + "\" is not a number");
  return v;
}

std::string format_number(double v, bool integer) {
  char buf[32];
  if (integer) std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(std::llround(v)));
  else std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// A distribution "kind:low:high"; returns false for a plain list.
bool parse_distribution(const SearchDimension& d, std::string& kind, double& low, double& high) {
  const auto parts = split_list(d.spec, ':');
  if (parts.size() == 1) return false;
  if (parts.size() != 3 || (parts[0] != "uniform" && parts[0] != "loguniform" && parts[0] != "int"))
    throw std::invalid_argument("search " + d.key + "=" + d.spec +
                                ": expected a list (a,b,c) or uniform:LOW:HIGH, loguniform:LOW:HIGH, int:LOW:HIGH");
  kind = parts[0];
  low = number(d.key, parts[1]);
  high = number(d.key, parts[2]);
  if (!(low <= high)) throw std::invalid_argument("search " + d.key + "=" + d.spec + ": LOW must not exceed HIGH");
  if (kind == "loguniform" && low <= 0) throw std::invalid_argument("search " + d.key + "=" + d.spec + ": loguniform needs LOW > 0");
  return true;
}

}  // namespace

std::vector<std::map<std::string, std::string>> search_candidates(const SearchOptions& options) {
  if (options.dimensions.empty()) throw std::invalid_argument("search needs at least one parameter to vary");
  std::vector<std::map<std::string, std::string>> out;
  if (options.random_candidates <= 0) {
    out.emplace_back();
    for (const auto& d : options.dimensions) {
      std::string kind;
      double low, high;
      if (parse_distribution(d, kind, low, high))
        throw std::invalid_argument("search " + d.key + "=" + d.spec + ": a grid needs a list of values (use random search for distributions)");
      std::vector<std::map<std::string, std::string>> next;
      for (const auto& partial : out)
        for (const auto& value : split_list(d.spec, ',')) {
          if (value.empty()) throw std::invalid_argument("search " + d.key + "=" + d.spec + ": empty value in the list");
          auto p = partial;
          p[d.key] = value;
          next.push_back(std::move(p));
        }
      out = std::move(next);
    }
    return out;
  }
  Rng rng(options.seed ^ 0x5EA7C4ULL);
  for (int c = 0; c < options.random_candidates; ++c) {
    std::map<std::string, std::string> p;
    for (const auto& d : options.dimensions) {
      std::string kind;
      double low, high;
      if (!parse_distribution(d, kind, low, high)) {
        const auto values = split_list(d.spec, ',');
        p[d.key] = values[rng.below(values.size())];
      } else if (kind == "uniform") {
        p[d.key] = format_number(low + (high - low) * rng.uniform(), false);
      } else if (kind == "loguniform") {
        p[d.key] = format_number(std::exp(std::log(low) + (std::log(high) - std::log(low)) * rng.uniform()), false);
      } else {
        const auto lo = static_cast<long long>(std::ceil(low));
        const auto span = static_cast<long long>(std::floor(high)) - lo + 1;
        if (span <= 0) throw std::invalid_argument("search " + d.key + "=" + d.spec + ": no whole number in range");
        p[d.key] = format_number(static_cast<double>(lo + static_cast<long long>(rng.below(static_cast<uint64_t>(span)))), true);
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

SearchResult search(const Dataset& train, const SearchOptions& options, const SearchProgress& progress) {
  SearchResult result;
  if (options.measure == "rmse" || options.measure == "mae") result.lower_is_better = true;
  else if (options.measure == "precision" || options.measure == "ndcg") result.lower_is_better = false;
  else throw std::invalid_argument("unknown search measure '" + options.measure + "' (known: rmse, mae, precision, ndcg)");
  const auto candidates = search_candidates(options);
  // Every candidate is checked (unknown keys, bad values) before any fitting starts.
  for (const auto& c : candidates) {
    Params p = options.fixed;
    for (const auto& kv : c) p.set(kv.first, kv.second);
    make_model(options.algorithm, p);
  }
  KFold kfold(train, options.folds, options.seed);
  std::vector<Fold> folds;
  for (int f = 0; f < options.folds; ++f) folds.push_back(kfold.fold(f));
  RankingOptions ranking;
  ranking.k = options.k;
  ranking.threshold = options.threshold;

  for (size_t c = 0; c < candidates.size(); ++c) {
    SearchCandidate cand;
    cand.params = candidates[c];
    Params p = options.fixed;
    for (const auto& kv : cand.params) p.set(kv.first, kv.second);
    for (const Fold& fold : folds) {
      auto model = make_model(options.algorithm, p);
      const auto t0 = std::chrono::steady_clock::now();
      model->fit(fold.train, options.seed);
      cand.fit_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const AccuracyResult acc = evaluate_accuracy(*model, fold.test);
      cand.rmse += acc.rmse / options.folds;
      cand.mae += acc.mae / options.folds;
      double score = options.measure == "rmse" ? acc.rmse : acc.mae;
      if (!result.lower_is_better) {
        const RankingResult r = evaluate_ranking(*model, fold.test, ranking);
        score = options.measure == "precision" ? r.precision : r.ndcg;
      }
      cand.fold_scores.push_back(score);
    }
    cand.fit_seconds /= options.folds;
    for (double s : cand.fold_scores) cand.mean += s / options.folds;
    for (double s : cand.fold_scores) cand.std += (s - cand.mean) * (s - cand.mean) / options.folds;
    cand.std = std::sqrt(cand.std);
    result.candidates.push_back(cand);
    const SearchCandidate& best = result.candidates[result.best];
    if (c > 0 && (result.lower_is_better ? cand.mean < best.mean : cand.mean > best.mean)) result.best = c;
    if (progress && !progress(c + 1, candidates.size(), result.candidates.back())) break;
  }
  return result;
}

}  // namespace cofi
