#include "eval/metrics.h"

#include <cmath>
#include <unordered_map>

namespace cofi {

AccuracyResult evaluate_accuracy(const Model& model, const std::vector<Rating>& test) {
  AccuracyResult result;
  double sq = 0.0, abs = 0.0;
  for (const Rating& r : test) {
    const Prediction p = model.predict(r.user, r.item);
    const double err = static_cast<double>(p.value) - r.value;
    sq += err * err;
    abs += std::fabs(err);
    if (p.fallback) ++result.fallbacks;
  }
  result.predictions = static_cast<int64_t>(test.size());
  if (!test.empty()) {
    result.rmse = std::sqrt(sq / static_cast<double>(test.size()));
    result.mae = abs / static_cast<double>(test.size());
  }
  return result;
}

RankingResult evaluate_ranking(const Model& model, const std::vector<Rating>& test, const RankingOptions& options) {
  const Dataset& train = model.train();
  // Relevant test items per training user, in test order; -1 stands for an item unknown to training.
  std::unordered_map<int32_t, std::vector<int32_t>> relevant;
  std::vector<int32_t> user_order;
  for (const Rating& r : test) {
    if (r.user < 0 || r.value < options.threshold) continue;
    auto& list = relevant[r.user];
    if (list.empty()) user_order.push_back(r.user);
    list.push_back(r.item);
  }
  RankingResult result;
  std::vector<uint8_t> is_relevant(static_cast<size_t>(train.num_items()), 0);
  for (int32_t u : user_order) {
    const auto& rel = relevant[u];
    for (int32_t i : rel)
      if (i >= 0) is_relevant[static_cast<size_t>(i)] = 1;
    const std::vector<ScoredItem> top = model.recommend(Profile::of_user(train, u), options.k);
    int hits = 0;
    double dcg = 0.0;
    for (size_t p = 0; p < top.size(); ++p) {
      if (!is_relevant[static_cast<size_t>(top[p].item)]) continue;
      ++hits;
      dcg += 1.0 / std::log2(static_cast<double>(p) + 2.0);
    }
    double ideal = 0.0;
    const size_t ideal_hits = std::min(rel.size(), static_cast<size_t>(options.k));
    for (size_t p = 0; p < ideal_hits; ++p) ideal += 1.0 / std::log2(static_cast<double>(p) + 2.0);
    result.precision += static_cast<double>(hits) / options.k;
    result.recall += static_cast<double>(hits) / static_cast<double>(rel.size());
    result.ndcg += ideal > 0 ? dcg / ideal : 0.0;
    result.hit_rate += hits > 0 ? 1.0 : 0.0;
    ++result.users;
    for (int32_t i : rel)
      if (i >= 0) is_relevant[static_cast<size_t>(i)] = 0;
  }
  if (result.users > 0) {
    const double n = static_cast<double>(result.users);
    result.precision /= n;
    result.recall /= n;
    result.ndcg /= n;
    result.hit_rate /= n;
  }
  return result;
}

}  // namespace cofi
