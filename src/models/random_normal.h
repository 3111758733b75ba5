// "random": predicts a rating drawn from N(mu, sigma^2), with mu and sigma the maximum-likelihood
// estimates on the training ratings (Surprise's NormalPredictor). The draw for a (user, item) pair
// is derived from the seed and the pair, so it is the same every time it is asked for.
#pragma once
#include "models/model.h"

namespace cofi {

class RandomNormal : public Model {
 public:
  explicit RandomNormal(const Params& params);
  std::string algorithm() const override { return "random"; }
  double sigma() const { return sigma_; }

 protected:
  void do_fit(const Dataset& train, uint64_t seed) override;
  Prediction do_predict(int32_t user, int32_t item) const override;
  void do_score(const Profile& person, std::vector<float>& scores) const override;

 private:
  double draw(int64_t user, int64_t item) const;
  double mu_ = 0.0;
  double sigma_ = 0.0;
  uint64_t seed_ = 0;
};

}  // namespace cofi
