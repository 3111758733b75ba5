// The registry: algorithm names to model classes.
#include <stdexcept>

#include "models/als.h"
#include "models/baseline.h"
#include "models/blend.h"
#include "models/bpmf.h"
#include "models/bpr.h"
#include "models/co_clustering.h"
#include "models/compact.h"
#include "models/ease.h"
#include "models/global_mean.h"
#include "models/ials.h"
#include "models/knn.h"
#include "models/model.h"
#include "models/nmf.h"
#include "models/popular.h"
#include "models/random_normal.h"
#include "models/slope_one.h"
#include "models/svd.h"
#include "models/imported_als.h"
#include "models/svdpp.h"

namespace cofi {

std::vector<std::string> model_names() {
  return {"random", "global-mean", "baseline", "popular", "knn-basic", "knn-means", "knn-zscore", "knn-baseline",
          "slope-one", "co-clustering", "svd", "svdpp", "nmf", "als", "ials", "bpr", "ease", "bpmf", "blend"};
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
  if (algorithm == "svd") return std::make_unique<Svd>(params);
  if (algorithm == "svdpp") return std::make_unique<SvdPP>(params);
  if (algorithm == "nmf") return std::make_unique<Nmf>(params);
  if (algorithm == "slope-one") return std::make_unique<SlopeOne>(params);
  if (algorithm == "co-clustering") return std::make_unique<CoClustering>(params);
  if (algorithm == "als") return std::make_unique<Als>(params);
  if (algorithm == "ials") return std::make_unique<Ials>(params);
  if (algorithm == "bpr") return std::make_unique<Bpr>(params);
  if (algorithm == "bpmf") return std::make_unique<Bpmf>(params);
  if (algorithm == "ease") return std::make_unique<Ease>(params);
  // Not listed in model_names: it is imported (import_item_factors), never fitted.
  if (algorithm == "imported-als") return std::make_unique<ImportedAls>(params);
  if (algorithm == "compact") return std::make_unique<CompactModel>(params);
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
