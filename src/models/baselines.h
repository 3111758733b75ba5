// Baseline estimates b_ui = mu + b_u + b_i (Koren 2010), fitted as Surprise does:
//  als: alternate b_i = sum(r - mu - b_u) / (reg_i + |R(i)|) and b_u = sum(r - mu - b_i) / (reg_u + |R(u)|)
//  sgd: for each rating in user order, e = r - b_ui; b_u += lr (e - reg b_u); b_i += lr (e - reg b_i)
// Used by the baseline model, knn-baseline and the pearson_baseline similarity.
#pragma once
#include <string>
#include <vector>

#include "data/dataset.h"
#include "models/params.h"

namespace cofi {

struct BaselineOptions {
  std::string method = "als";
  int epochs = 10;          // Surprise: 10 for als, 20 for sgd
  double reg_u = 15.0;      // als
  double reg_i = 10.0;      // als
  double reg = 0.02;        // sgd
  double learning_rate = 0.005;  // sgd

  // Reads method, epochs, reg_u, reg_i, reg, learning_rate (each key with `prefix` in front).
  static BaselineOptions from_params(const Params& params, const std::string& prefix);
};

struct Baselines {
  double mu = 0.0;
  std::vector<double> bu;
  std::vector<double> bi;
};

Baselines estimate_baselines(const Dataset& train, const BaselineOptions& options);

// The bias of a new person from their ratings with the item biases held fixed, by the same method.
double fold_in_user_bias(const Baselines& b, const BaselineOptions& options, const std::vector<int32_t>& items,
                         const std::vector<float>& ratings);

}  // namespace cofi
