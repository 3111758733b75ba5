// "baseline": predicts mu + b_u + b_i (Surprise's BaselineOnly); see baselines.h for the fitting.
// Parameters: method (als | sgd), epochs, reg_u, reg_i (als), reg, learning_rate (sgd).
#pragma once
#include "models/baselines.h"
#include "models/model.h"

namespace cofi {

class Baseline : public Model {
 public:
  explicit Baseline(const Params& params);
  std::string algorithm() const override { return "baseline"; }
  const Baselines& baselines() const { return baselines_; }

 protected:
  void do_fit(const Dataset& train, uint64_t seed) override;
  Prediction do_predict(int32_t user, int32_t item) const override;
  void do_score(const Profile& person, std::vector<float>& scores) const override;

 private:
  BaselineOptions options_;
  Baselines baselines_;
};

}  // namespace cofi
