// "popular": ranks items by their number of ratings, the same list for everyone (the usual top-N
// baseline). As a rating predictor it answers the item's mean rating (the global mean for an
// unknown item).
#pragma once
#include "models/model.h"

namespace cofi {

class Popular : public Model {
 public:
  explicit Popular(const Params& params) { params.finish(algorithm()); }
  std::string algorithm() const override { return "popular"; }

 protected:
  void do_fit(const Dataset& train, uint64_t seed) override;
  Prediction do_predict(int32_t user, int32_t item) const override;
  void do_score(const Profile& person, std::vector<float>& scores) const override;

 private:
  std::vector<double> item_mean_;
};

}  // namespace cofi
