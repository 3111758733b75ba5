// "blend": a linear blend of other models (as in the Netflix Prize solutions). The members are
// fitted on most of the training set; a least-squares fit (ridge, intercept unpenalised) of their
// clipped predictions on the held-out rest gives the weights; then every member is refitted on
// the whole training set. Nothing is tuned on test data: the hold-out is carved from training.
//
// Parameters:
//   members   "ALGO[:key=value,key=value]|ALGO[:...]|..." e.g.
//             "svdpp:factors=50|knn-baseline:user_based=false,similarity=pearson_baseline"
//             (default: item-based knn-baseline with pearson_baseline | user-based knn-baseline)
//   holdout   fraction of the training ratings held out to fit the weights (0.1)
//   reg       ridge penalty on the member weights (0.001 × hold-out size)
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "models/model.h"

namespace cofi {

class Blend : public Model {
 public:
  explicit Blend(const Params& params);
  std::string algorithm() const override { return "blend"; }
  const std::vector<double>& weights() const { return weights_; }  // intercept first

 protected:
  void do_fit(const Dataset& train, uint64_t seed) override;
  Prediction do_predict(int32_t user, int32_t item) const override;
  void do_score(const Profile& person, std::vector<float>& scores) const override;
  void write_state(BinaryWriter& out) const override;
  void read_state(const Dataset& train, BinaryReader& in) override;

 private:
  struct Member {
    std::string algorithm;
    Params params;
  };
  std::vector<std::unique_ptr<Model>> make_members() const;

  std::vector<Member> specs_;
  double holdout_;
  double reg_;
  std::vector<std::unique_ptr<Model>> members_;
  std::vector<double> weights_;  // [intercept, w_1, ..., w_m]
};

}  // namespace cofi
