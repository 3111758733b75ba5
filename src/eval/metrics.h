// Accuracy and ranking metrics.
#pragma once
#include <cstdint>
#include <vector>

#include "data/dataset.h"
#include "models/model.h"

namespace cofi {

struct AccuracyResult {
  double rmse = 0.0;
  double mae = 0.0;
  int64_t predictions = 0;
  int64_t fallbacks = 0;  // predictions the model could not personalise (still counted in RMSE/MAE)
};

// RMSE and MAE of the model's (clipped) predictions on `test`, given in the training set's indices
// (unknown ids as -1, answered with the model's fallback, as Surprise does).
AccuracyResult evaluate_accuracy(const Model& model, const std::vector<Rating>& test);

struct RankingOptions {
  int k = 10;
  double threshold = 4.0;  // a test rating >= threshold is relevant
};

struct RankingResult {
  double precision = 0.0;
  double recall = 0.0;
  double ndcg = 0.0;
  double hit_rate = 0.0;
  int64_t users = 0;  // users evaluated: known in training with at least one relevant test item
};

// Top-k metrics, macro-averaged over users. For each training user with a relevant test item:
// candidates are the training items the user did not rate in training; the model ranks them;
//   precision@k = hits / k, recall@k = hits / |relevant|, hit rate = [hits > 0],
//   NDCG@k = sum over hits at rank p of 1/log2(p + 1), divided by the ideal for min(|relevant|, k).
// Relevant test items unknown to the training set count in |relevant| (they can never be hit).
RankingResult evaluate_ranking(const Model& model, const std::vector<Rating>& test, const RankingOptions& options);

}  // namespace cofi
