#include "models/similarity.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "util/parallel.h"

namespace cofi {

SimilarityKind parse_similarity(const std::string& name) {
  if (name == "cosine") return SimilarityKind::Cosine;
  if (name == "msd") return SimilarityKind::Msd;
  if (name == "pearson") return SimilarityKind::Pearson;
  if (name == "pearson_baseline") return SimilarityKind::PearsonBaseline;
  throw std::invalid_argument("unknown similarity '" + name + "' (known: cosine, msd, pearson, pearson_baseline)");
}

const char* similarity_name(SimilarityKind kind) {
  switch (kind) {
    case SimilarityKind::Cosine: return "cosine";
    case SimilarityKind::Msd: return "msd";
    case SimilarityKind::Pearson: return "pearson";
    case SimilarityKind::PearsonBaseline: return "pearson_baseline";
  }
  return "?";
}

namespace {

// Co-rating sums of one row against every other row. Only the rows actually met are touched and
// reset, so a row costs the number of co-ratings, not the number of rows.
struct Sums {
  double prod = 0, sq_x = 0, sq_other = 0, sum_x = 0, sum_other = 0;
  int32_t count = 0;
};

class Accumulator {
 public:
  explicit Accumulator(int32_t n) : sums_(static_cast<size_t>(n)) {}

  // Adds row x's co-ratings. For each y of x_row, `col_of(y)` gives the rows x' to pair with
  // (all raters of y, or only those after x when computing a symmetric matrix by halves).
  template <SimilarityKind K, typename Cols>
  void accumulate(Cols col_of, SparseRow x_row, const BaselineTerms* b, int32_t x) {
    for (int32_t k = 0; k < x_row.size; ++k) {
      const int32_t y = x_row.index[k];
      double vx = x_row.value[k];
      double shift = 0.0;
      if (K == SimilarityKind::PearsonBaseline) {
        shift = b->mu + b->by[y];
        vx -= shift + (x >= 0 ? b->bx[x] : b->x_bias);
      }
      const SparseRow col = col_of(y);
      for (int32_t j = 0; j < col.size; ++j) {
        const int32_t other = col.index[j];
        Sums& s = sums_[static_cast<size_t>(other)];
        if (s.count == 0) touched_.push_back(other);
        ++s.count;
        double vo = col.value[j];
        if (K == SimilarityKind::PearsonBaseline) vo -= shift + b->bx[other];
        if (K == SimilarityKind::Msd) {
          const double d = vx - vo;
          s.prod += d * d;
        } else {
          s.prod += vx * vo;
          s.sq_x += vx * vx;
          s.sq_other += vo * vo;
          if (K == SimilarityKind::Pearson) {
            s.sum_x += vx;
            s.sum_other += vo;
          }
        }
      }
    }
  }

  template <typename Cols>
  void accumulate(SimilarityKind kind, Cols col_of, SparseRow x_row, const BaselineTerms* b, int32_t x) {
    switch (kind) {
      case SimilarityKind::Cosine: accumulate<SimilarityKind::Cosine>(col_of, x_row, b, x); break;
      case SimilarityKind::Msd: accumulate<SimilarityKind::Msd>(col_of, x_row, b, x); break;
      case SimilarityKind::Pearson: accumulate<SimilarityKind::Pearson>(col_of, x_row, b, x); break;
      case SimilarityKind::PearsonBaseline: accumulate<SimilarityKind::PearsonBaseline>(col_of, x_row, b, x); break;
    }
  }

  static double finish(const Sums& s, const SimilarityOptions& o) {
    if (s.count == 0 || s.count < o.min_support) return 0.0;
    const double n = s.count;
    switch (o.kind) {
      case SimilarityKind::Cosine: {
        const double denom = std::sqrt(s.sq_x * s.sq_other);
        return denom > 0 ? s.prod / denom : 0.0;
      }
      case SimilarityKind::Msd:
        return 1.0 / (s.prod / n + 1.0);
      case SimilarityKind::Pearson: {
        const double num = n * s.prod - s.sum_x * s.sum_other;
        const double denom =
            std::sqrt((n * s.sq_x - s.sum_x * s.sum_x) * (n * s.sq_other - s.sum_other * s.sum_other));
        return denom > 0 ? num / denom : 0.0;
      }
      case SimilarityKind::PearsonBaseline: {
        // As Surprise (min_support raised to 2): one shared rating has no correlation, and with
        // shrinkage 0 the factor (n - 1) / (n - 1 + shrinkage) would be 0/0.
        if (s.count < 2) return 0.0;
        const double denom = std::sqrt(s.sq_x * s.sq_other);
        if (!(denom > 0)) return 0.0;
        return s.prod / denom * (n - 1.0) / (n - 1.0 + o.shrinkage);
      }
    }
    return 0.0;
  }

  // Calls emit(other, similarity) for every touched row, then resets them.
  template <typename Emit>
  void drain(const SimilarityOptions& o, Emit emit) {
    for (int32_t other : touched_) {
      Sums& s = sums_[static_cast<size_t>(other)];
      emit(other, static_cast<float>(finish(s, o)));
      s = Sums();
    }
    touched_.clear();
  }

 private:
  std::vector<Sums> sums_;
  std::vector<int32_t> touched_;
};

void check_baseline(const SimilarityOptions& options, const BaselineTerms* baseline) {
  if (options.kind == SimilarityKind::PearsonBaseline && (!baseline || !baseline->bx || !baseline->by))
    throw std::invalid_argument("pearson_baseline similarity needs baselines");
}

}  // namespace

void similarity_to_all(const SparseRows& rows, const SparseRows& cols, SparseRow x_row,
                       const SimilarityOptions& options, const BaselineTerms* baseline, std::vector<float>& out) {
  check_baseline(options, baseline);
  out.assign(static_cast<size_t>(rows.rows()), 0.0f);
  Accumulator acc(rows.rows());
  acc.accumulate(options.kind, [&](int32_t y) { return cols.row(y); }, x_row, baseline, -1);
  acc.drain(options, [&](int32_t other, float sim) { out[static_cast<size_t>(other)] = sim; });
}

SimilarityMatrix SimilarityMatrix::compute(const SparseRows& rows, const SparseRows& cols,
                                           const SimilarityOptions& options, const BaselineTerms* baseline,
                                           size_t max_dense_bytes, int32_t kept) {
  check_baseline(options, baseline);
  SimilarityMatrix m;
  m.n_ = rows.rows();
  const size_t n = static_cast<size_t>(m.n_);
  m.dense_ = n == 0 || n <= max_dense_bytes / sizeof(float) / n;
  if (m.dense_) {
    // Symmetric, so each pair is accumulated once: row x meets only the rows x' > x. That needs
    // every y's raters in ascending order, so that the raters after x are a suffix of y's list.
    m.values_.assign(n * n, 0.0f);
    std::vector<int64_t> offsets(static_cast<size_t>(cols.rows()) + 1, 0);
    std::vector<int32_t> index(static_cast<size_t>(cols.nnz()));
    std::vector<float> value(static_cast<size_t>(cols.nnz()));
    std::vector<std::pair<int32_t, float>> entries;
    for (int32_t y = 0; y < cols.rows(); ++y) {
      const SparseRow col = cols.row(y);
      entries.clear();
      for (int32_t k = 0; k < col.size; ++k) entries.emplace_back(col.index[k], col.value[k]);
      std::sort(entries.begin(), entries.end());
      const int64_t begin = offsets[static_cast<size_t>(y)];
      for (size_t k = 0; k < entries.size(); ++k) {
        index[static_cast<size_t>(begin) + k] = entries[k].first;
        value[static_cast<size_t>(begin) + k] = entries[k].second;
      }
      offsets[static_cast<size_t>(y) + 1] = begin + col.size;
    }
    // Rows are independent (util/parallel.h): row x writes the cells (x, x') and (x', x) for
    // x' > x only, which no other row writes, and its sums run in the same order on any thread.
    // The Accumulator is scratch, one per chunk of rows.
    parallel_for(0, m.n_, [&](int64_t lo, int64_t hi) {
      Accumulator acc(m.n_);
      for (int32_t x = static_cast<int32_t>(lo); x < hi; ++x) {
        // The raters of y after x: x is in y's list (it rated y), found by binary search.
        auto after_x = [&](int32_t y) {
          const int32_t* first = index.data() + offsets[static_cast<size_t>(y)];
          const int32_t* last = index.data() + offsets[static_cast<size_t>(y) + 1];
          const int64_t at = (std::lower_bound(first, last, x) - index.data()) + 1;
          const int64_t end = offsets[static_cast<size_t>(y) + 1];
          return SparseRow{index.data() + at, value.data() + at, static_cast<int32_t>(end - at)};
        };
        acc.accumulate(options.kind, after_x, rows.row(x), baseline, x);
        float* out = m.values_.data() + static_cast<size_t>(x) * n;
        acc.drain(options, [&](int32_t other, float sim) {
          out[other] = sim;
          m.values_[static_cast<size_t>(other) * n + static_cast<size_t>(x)] = sim;
        });
        out[x] = 1.0f;
      }
    });
    return m;
  }

  // Pruned: each row is accumulated in full (both halves), so that its best neighbours can be
  // chosen without holding every pair. Rows are chosen independently (in parallel, each into its
  // own list), then stored in row order.
  std::vector<std::vector<std::pair<float, int32_t>>> kept_rows(n);
  parallel_for(0, m.n_, [&](int64_t lo, int64_t hi) {
    Accumulator acc(m.n_);
    for (int32_t x = static_cast<int32_t>(lo); x < hi; ++x) {
      std::vector<std::pair<float, int32_t>>& candidates = kept_rows[static_cast<size_t>(x)];
      acc.accumulate(options.kind, [&](int32_t y) { return cols.row(y); }, rows.row(x), baseline, x);
      acc.drain(options, [&](int32_t other, float sim) {
        if (other != x && sim != 0.0f) candidates.emplace_back(sim, other);
      });
      // Keep the `kept` largest similarities (ties: lower index), stored by ascending neighbour index.
      if (candidates.size() > static_cast<size_t>(kept)) {
        std::nth_element(candidates.begin(), candidates.begin() + kept, candidates.end(), [](const auto& a, const auto& b) {
          return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
        candidates.resize(static_cast<size_t>(kept));
      }
      candidates.shrink_to_fit();  // held until all rows are done: no spare capacity
      std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    }
  });
  // Stored at their exact size, each row's list freed as it is copied: the peak stays near twice
  // the kept similarities (as the growing vectors of a serial fill would reach too).
  size_t total = 0;
  for (const auto& candidates : kept_rows) total += candidates.size();
  m.neighbors_.reserve(total);
  m.values_.reserve(total);
  m.offsets_.reserve(n + 1);
  m.offsets_.assign(1, 0);
  for (auto& candidates : kept_rows) {
    for (const auto& c : candidates) {
      m.neighbors_.push_back(c.second);
      m.values_.push_back(c.first);
    }
    m.offsets_.push_back(static_cast<int64_t>(m.neighbors_.size()));
    std::vector<std::pair<float, int32_t>>().swap(candidates);  // freed as it is stored
  }
  return m;
}

float SimilarityMatrix::get_pruned(int32_t a, int32_t b) const {
  if (a == b) return 1.0f;
  const auto begin = neighbors_.begin() + offsets_[static_cast<size_t>(a)];
  const auto end = neighbors_.begin() + offsets_[static_cast<size_t>(a) + 1];
  const auto found = std::lower_bound(begin, end, b);
  return found != end && *found == b ? values_[static_cast<size_t>(found - neighbors_.begin())] : 0.0f;
}

const float* SimilarityMatrix::row(int32_t a, std::vector<float>& buffer) const {
  if (dense_) return values_.data() + static_cast<size_t>(a) * static_cast<size_t>(n_);
  buffer.assign(static_cast<size_t>(n_), 0.0f);
  for (int64_t k = offsets_[static_cast<size_t>(a)]; k < offsets_[static_cast<size_t>(a) + 1]; ++k)
    buffer[static_cast<size_t>(neighbors_[static_cast<size_t>(k)])] = values_[static_cast<size_t>(k)];
  buffer[static_cast<size_t>(a)] = 1.0f;
  return buffer.data();
}

size_t SimilarityMatrix::memory_bytes() const {
  return values_.capacity() * sizeof(float) + offsets_.capacity() * sizeof(int64_t) +
         neighbors_.capacity() * sizeof(int32_t);
}

}  // namespace cofi
