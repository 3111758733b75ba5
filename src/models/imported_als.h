// "imported-als": item factors trained elsewhere (Apache Spark MLlib's ALS, or the Python library
// implicit), served by cofi. There are no training users: every person is folded in from their
// ratings with the solve the training system itself uses, so a visitor gets the vector that
// system would have computed for them, and items are scored by x . y_i (no biases: neither
// system learns any).
//
// convention=spark, implicit=false (ALS-WR, explicit ratings):
//   (sum_i y_i y_i^T + reg n I) x = sum_i r_i y_i                   n = the person's ratings
// convention=spark, implicit=true (Hu, Koren and Volinsky, as Spark extends it):
//   c1_i = alpha |r_i|, preference p_i = 1 if r_i > 0 else 0
//   (Y^T Y + sum_i c1_i y_i y_i^T + reg n+ I) x = sum_{r_i > 0} (1 + c1_i) y_i
//                                                                  n+ = the positive ratings
// convention=implicit (the library implicit, whose confidence is the scaled rating itself):
//   c_i = alpha r_i;  (Y^T Y + reg I + sum_i (|c_i| - 1) y_i y_i^T) x = sum_{c_i > 0} c_i y_i
// Sums run over the person's rated items; Y^T Y over every item. Solved in double by Cholesky
// (LDLT), the matrices being symmetric positive definite for reg > 0.
//
// Created by import_item_factors (not by fit: these factors were trained elsewhere). Parameters:
// convention (spark | implicit), implicit (false), reg (0.1; Spark's regParam or implicit's
// regularization), alpha (1; Spark's and implicit's alpha). State: i32 rank, vec<f32> factors.
#pragma once
#include <vector>

#include "io/factors_reader.h"
#include "models/model.h"

namespace cofi {

class ImportedAls : public Model {
 public:
  explicit ImportedAls(const Params& params);
  std::string algorithm() const override { return "imported-als"; }

  int rank() const { return rank_; }
  // Trained on implicit feedback (Spark's implicitPrefs, or the library implicit).
  bool implicit() const { return implicit_; }
  const std::vector<float>& item_factors() const { return item_factors_; }
  // The person's folded-in vector (rank values), from ratings in training item indices.
  std::vector<double> fold_in(const Profile& person) const;

  std::vector<ScoredItem> similar_items(int32_t item, int n) const override;
  float item_similarity(int32_t a, int32_t b) const override;

 protected:
  void do_fit(const Dataset& train, uint64_t seed) override;
  Prediction do_predict(int32_t user, int32_t item) const override;
  void do_score(const Profile& person, std::vector<float>& scores) const override;
  void write_state(BinaryWriter& out) const override;
  void read_state(const Dataset& train, BinaryReader& in) override;

 private:
  bool spark_ = true;
  bool implicit_ = false;
  double reg_ = 0.1;
  double alpha_ = 1.0;
  int rank_ = 0;
  std::vector<float> item_factors_;
  std::vector<double> gram_;  // Y^T Y (rank x rank), for the implicit solves
};

// The fold-in every confidence-weighted factor model shares: solves, in double by Cholesky,
//   (gram + sum_r weights_r y_r y_r^T + lambda I) x = sum_r targets_r y_r
// over the person's rated items (y_r = row items[r] of `item_factors`, k values per row; `gram` is
// Y^T Y's lower triangle, k x k row-major, or nullptr for none). All-zero targets give x = 0.
// Throws std::invalid_argument when the system is not positive definite (lambda = 0, say).
std::vector<double> weighted_fold_in(const std::vector<float>& item_factors, int k, const std::vector<double>* gram,
                                     const std::vector<int32_t>& items, const std::vector<double>& weights,
                                     const std::vector<double>& targets, double lambda);
// Y^T Y of row-major item factors (k per row): the lower triangle, k x k row-major, in double.
std::vector<double> item_gram(const std::vector<float>& item_factors, int k);

// The parameters of an imported-als model: `convention`, then what the training run's `settings`
// give (when not null; their rank must be the factors' rank, and `source` names them in that
// error), then `overrides` (the caller's explicit choices win).
Params import_params(const std::string& convention, const FactorSettings* settings, const std::string& source,
                     int32_t rank, const Params& overrides);

// A fitted imported-als model from item factors and its parameters (see above).
std::unique_ptr<Model> import_item_factors(ItemFactors factors, const Params& params);

}  // namespace cofi
