// The registry: algorithm names to model classes.
#include <stdexcept>

#include "models/baseline.h"
#include "models/blend.h"
#include "models/global_mean.h"
#include "models/knn.h"
#include "models/model.h"
#include "models/popular.h"
#include "models/random_normal.h"

namespace cofi {

std::vector<std::string> model_names() {
  return {"random", "global-mean", "baseline", "popular", "knn-basic", "knn-means", "knn-zscore", "knn-baseline", "blend"};
}

namespace {

std::unique_ptr<Model> create(const std::string& algorithm, const Params& params) {
  if (algorithm == "blend") return std::make_unique<Blend>(params);
  if (algorithm == "random") return std::make_unique<RandomNormal>(params);
  if (algorithm == "global-mean") return std::make_unique<GlobalMean>(params);
  if (algorithm == "baseline") return std::make_unique<Baseline>(params);
  if (algorithm == "popular") return std::make_unique<Popular>(params);
  if (algorithm == "knn-basic") return std::make_unique<Knn>(KnnVariant::Basic, params);
  if (algorithm == "knn-means") return std::make_unique<Knn>(KnnVariant::Means, params);
  if (algorithm == "knn-zscore") return std::make_unique<Knn>(KnnVariant::ZScore, params);
  if (algorithm == "knn-baseline") return std::make_unique<Knn>(KnnVariant::Baseline, params);
  std::string names;
  for (const auto& n : model_names()) names += (names.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown algorithm '" + algorithm + "' (known: " + names + ")");
}

}  // namespace

std::unique_ptr<Model> make_model(const std::string& algorithm, const Params& params) {
  std::unique_ptr<Model> model = create(algorithm, params);
  model->set_params(params);
  return model;
}

}  // namespace cofi
