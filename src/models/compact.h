// "compact": a fitted factor model cut down to what a static site needs to serve its visitors, with
// its item factors stored in fewer bits. A full model file carries the training set (every rating)
// and every user's factors; a page that recommends to visitors needs neither, only the items: their
// ids, factors, biases and rating counts (for the popular list shown to someone with no ratings).
//
// Sources: svd, als, ials and imported-als (the models whose answers to a new person come from
// item factors alone). A visitor is folded in with the source model's own solve, on the stored
// factors:
//   svd           its fold_in: the training SGD for this one person (default), or ridge (Svd::fold_in_with)
//   als           ridge fit of (b_u, p_u): penalty reg * n on both (ALS-WR; the training user solve)
//   ials          (Y^T Y + sum (c - 1) y y^T + reg I) x = sum c y,  c = 1 + alpha r (1 + alpha if binary)
//   imported-als  the convention it was imported with (imported_als.h)
// and items are scored exactly as the source scores them. With float32 factors the compact model
// answers as the source does for a new person (to solver rounding); float16 and int8 change the
// factors by their rounding, and bench/compact.mjs measures what that does to RMSE and ranking.
//
// Encodings of the item factors:
//   float32  4 bytes per value, unchanged
//   float16  2 bytes per value: IEEE half precision, round to nearest even (kernels/float16.h);
//            relative error at most 2^-11
//   int8     1 byte per value plus one float32 scale per item: value = code * scale, with
//            scale = max |value| / 127 over the item's factors and code = round(value / scale), so
//            the error is at most scale / 2
// Factors are decoded to float32 once, when the model is made or loaded.
//
// Similar items and explanations use the cosine of the stored item factors (svd's own measure; als
// and ials themselves compare rating columns, which a compact model does not keep).
//
// There are no training users: recommend/predict for a user id answer as for an unknown person
// (popular items), and every personal answer comes from the person's ratings (recommendFor).
// Parameters: source and encoding, plus the source model's own parameters (which set its fold-in).
// State: i32 factors, vec<u32> rating count per item, f32 mu, vec<f32> item biases (one per item
// for svd and als, none for the others), u8 encoding, then the factors: float32 vec<f32>; float16
// vec<u16>; int8 vec<f32> scales (one per item) and vec<u8> codes (two's complement), items x
// factors, row-major.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/model.h"

namespace cofi {

enum class FactorEncoding : uint8_t { Float32 = 0, Float16 = 1, Int8 = 2 };

// "float32", "float16", "int8".
std::string factor_encoding_name(FactorEncoding encoding);
// The reverse; throws std::invalid_argument naming the accepted names.
FactorEncoding parse_factor_encoding(const std::string& name);

class CompactModel : public Model {
 public:
  explicit CompactModel(const Params& params);
  std::string algorithm() const override { return "compact"; }

  // The algorithm the factors came from, and how they are stored.
  const std::string& source() const { return source_; }
  FactorEncoding encoding() const { return encoding_; }
  int factors() const { return factors_; }
  // The decoded item factors (items x factors, row-major), as the model uses them.
  const std::vector<float>& item_factors() const { return item_factors_; }

  std::vector<ScoredItem> similar_items(int32_t item, int n) const override;
  float item_similarity(int32_t a, int32_t b) const override;

 protected:
  void do_fit(const Dataset& train, uint64_t seed) override;
  Prediction do_predict(int32_t user, int32_t item) const override;
  void do_score(const Profile& person, std::vector<float>& scores) const override;
  float item_popularity(int32_t item) const override;
  void write_state(BinaryWriter& out) const override;
  void read_state(const Dataset& train, BinaryReader& in) override;

 private:
  std::string source_;
  FactorEncoding encoding_;
  // The source model, created with the source's parameters: it holds the fold-in's settings, and
  // for imported-als it is fitted on the decoded factors and scores every person itself.
  std::unique_ptr<Model> settings_;

  int factors_ = 0;
  float mu_ = 0.0f;
  std::vector<uint32_t> counts_;
  std::vector<float> item_bias_;
  std::vector<float> item_factors_;
  std::vector<double> gram_;  // Y^T Y, for ials's fold-in
  // Exactly what read_state read, so that saving a loaded model writes the same bytes.
  std::string encoded_;
};

// A compact model of a fitted svd, als, ials or imported-als model: the same items, their rating
// counts, biases and factors in `encoding`. Throws std::invalid_argument for any other algorithm
// (saying which can be made compact) and std::logic_error when `source` is not fitted.
std::unique_ptr<Model> compact_model(const Model& source, FactorEncoding encoding);

}  // namespace cofi
