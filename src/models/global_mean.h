// "global-mean": predicts the mean of all training ratings for every pair; the floor any model
// must beat. For ranking it has no preference, so it ranks items by popularity.
#pragma once
#include "models/model.h"

namespace cofi {

class GlobalMean : public Model {
 public:
  explicit GlobalMean(const Params& params) { params.finish(algorithm()); }
  std::string algorithm() const override { return "global-mean"; }

 protected:
  void do_fit(const Dataset&, uint64_t) override {}
  Prediction do_predict(int32_t, int32_t) const override;
  void do_score(const Profile& person, std::vector<float>& scores) const override;
};

}  // namespace cofi
