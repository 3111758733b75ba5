// Similarity measures of neighbourhood models, computed from the sparse ratings (never a dense
// ratings matrix). Formulas as Surprise documents them, over the items (or users) two rows share:
//   cosine(x, x')           = sum r_xy r_x'y / sqrt(sum r_xy^2 * sum r_x'y^2)
//   msd(x, x')              = 1 / (mean squared difference + 1)
//   pearson(x, x')          = correlation of r_xy and r_x'y over the shared y (means over the shared y,
//                             as Surprise computes it)
//   pearson_baseline(x, x') = correlation of the baseline residuals r_xy - b_xy (not re-centred),
//                             shrunk by (n - 1) / (n - 1 + shrinkage), n = number of shared y
// A pair sharing fewer than min_support ratings has similarity 0; a row's similarity to itself is 1.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace cofi {

enum class SimilarityKind { Cosine, Msd, Pearson, PearsonBaseline };

SimilarityKind parse_similarity(const std::string& name);  // throws std::invalid_argument
const char* similarity_name(SimilarityKind kind);

struct SimilarityOptions {
  SimilarityKind kind = SimilarityKind::Msd;
  int32_t min_support = 1;
  double shrinkage = 100.0;
};

// Baseline terms for pearson_baseline: b_xy = mu + bx[x] + by[y]. `x_bias` is the bias of the row
// being compared when that row is a new person (not one of the rows of bx).
struct BaselineTerms {
  double mu = 0.0;
  const double* bx = nullptr;
  const double* by = nullptr;
  double x_bias = 0.0;
};

// Similarity of one row (x_row: its (y, rating) entries) to every row of `rows`, through `cols`
// (for each y, the rows that rated it). out[x'] for every x' (0 where they share nothing).
void similarity_to_all(const SparseRows& rows, const SparseRows& cols, SparseRow x_row,
                       const SimilarityOptions& options, const BaselineTerms* baseline, std::vector<float>& out);

// All pairwise similarities of the rows. Stored dense while n*n floats fit in max_dense_bytes;
// otherwise each row keeps only its `kept` most similar rows (others read as 0), which bounds memory
// for large catalogues.
class SimilarityMatrix {
 public:
  static SimilarityMatrix compute(const SparseRows& rows, const SparseRows& cols, const SimilarityOptions& options,
                                  const BaselineTerms* baseline, size_t max_dense_bytes, int32_t kept);

  int32_t size() const { return n_; }
  bool dense() const { return dense_; }
  float get(int32_t a, int32_t b) const {
    return dense_ ? values_[static_cast<size_t>(a) * static_cast<size_t>(n_) + static_cast<size_t>(b)] : get_pruned(a, b);
  }
  // Row a of a dense matrix, or nullptr when rows are pruned.
  const float* dense_row(int32_t a) const {
    return dense_ ? values_.data() + static_cast<size_t>(a) * static_cast<size_t>(n_) : nullptr;
  }
  // The full row of a: dense rows directly; pruned rows expanded into `buffer`.
  const float* row(int32_t a, std::vector<float>& buffer) const;
  size_t memory_bytes() const;

 private:
  float get_pruned(int32_t a, int32_t b) const;
  int32_t n_ = 0;
  bool dense_ = true;
  std::vector<float> values_;          // dense: n*n; pruned: kept sims, rows by offsets_
  std::vector<int64_t> offsets_;       // pruned only
  std::vector<int32_t> neighbors_;     // pruned only, ascending within a row
};

}  // namespace cofi
