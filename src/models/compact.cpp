#include "models/compact.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include "io/binary.h"
#include "kernels/float16.h"
#include "kernels/vector_ops.h"
#include "models/als.h"
#include "models/ials.h"
#include "models/imported_als.h"
#include "models/svd.h"

namespace cofi {

namespace {

const std::set<std::string> kSources = {"svd", "als", "ials", "imported-als"};

// The source's parameters: the compact model's own, less the two keys that are the compact's.
Params source_params(const Params& params) {
  Params rest;
  for (const auto& kv : params.values())
    if (kv.first != "source" && kv.first != "encoding") rest.set(kv.first, kv.second);
  return rest;
}

bool has_biases(const std::string& source) { return source == "svd" || source == "als"; }

// The item factors in `encoding`, appended to `out` in the state's layout.
void encode_factors(const std::vector<float>& factors, int k, FactorEncoding encoding, BinaryWriter& out) {
  out.u8(static_cast<uint8_t>(encoding));
  switch (encoding) {
    case FactorEncoding::Float32:
      out.vec(factors);
      return;
    case FactorEncoding::Float16: {
      std::vector<uint16_t> halves(factors.size());
      for (size_t v = 0; v < factors.size(); ++v) halves[v] = kernels::float_to_half(factors[v]);
      out.vec(halves);
      return;
    }
    case FactorEncoding::Int8: {
      const size_t stride = static_cast<size_t>(k);
      const size_t items = factors.size() / stride;
      std::vector<float> scales(items);
      std::vector<uint8_t> codes(factors.size());
      for (size_t i = 0; i < items; ++i) {
        const float* row = factors.data() + i * stride;
        float largest = 0.0f;
        for (size_t f = 0; f < stride; ++f) largest = std::max(largest, std::fabs(row[f]));
        const float scale = largest / 127.0f;
        scales[i] = scale;
        for (size_t f = 0; f < stride; ++f) {
          const long code = scale > 0.0f ? std::lround(row[f] / scale) : 0;
          codes[i * stride + f] = static_cast<uint8_t>(static_cast<int8_t>(std::clamp(code, -127L, 127L)));
        }
      }
      out.vec(scales);
      out.vec(codes);
      return;
    }
  }
}

// Reads what encode_factors wrote for `items` x `k` values and decodes it to float32, refusing
// anything that does not decode to finite numbers.
std::vector<float> decode_factors(BinaryReader& in, FactorEncoding expected, uint64_t items, int k) {
  const uint64_t values = items * static_cast<uint64_t>(k);
  const uint8_t encoding = in.u8();
  if (encoding != static_cast<uint8_t>(expected))
    in.fail("the compact factors are encoded as " +
            (encoding <= 2 ? factor_encoding_name(static_cast<FactorEncoding>(encoding)) : "unknown encoding " + std::to_string(encoding)) +
            ", but the parameters say " + factor_encoding_name(expected));
  std::vector<float> factors;
  switch (expected) {
    case FactorEncoding::Float32:
      factors = in.vec<float>(values, "the compact item factors");
      break;
    case FactorEncoding::Float16: {
      const std::vector<uint16_t> halves = in.vec<uint16_t>(values, "the compact item factors");
      factors.resize(halves.size());
      for (size_t v = 0; v < halves.size(); ++v) factors[v] = kernels::half_to_float(halves[v]);
      break;
    }
    case FactorEncoding::Int8: {
      const std::vector<float> scales = in.vec<float>(items, "the compact item scales");
      for (float s : scales)
        if (!(s >= 0.0f) || !std::isfinite(s)) in.fail("a compact item scale is negative or not a finite number");
      const std::vector<uint8_t> codes = in.vec<uint8_t>(values, "the compact item factors");
      factors.resize(codes.size());
      const size_t stride = static_cast<size_t>(k);
      for (size_t v = 0; v < codes.size(); ++v)
        factors[v] = static_cast<float>(static_cast<int8_t>(codes[v])) * scales[v / stride];
      break;
    }
  }
  for (float v : factors)
    if (!std::isfinite(v)) in.fail("a compact item factor is not a finite number");
  return factors;
}

}  // namespace

std::string factor_encoding_name(FactorEncoding encoding) {
  switch (encoding) {
    case FactorEncoding::Float32: return "float32";
    case FactorEncoding::Float16: return "float16";
    case FactorEncoding::Int8: return "int8";
  }
  return "unknown";
}

FactorEncoding parse_factor_encoding(const std::string& name) {
  if (name == "float32") return FactorEncoding::Float32;
  if (name == "float16") return FactorEncoding::Float16;
  if (name == "int8") return FactorEncoding::Int8;
  throw std::invalid_argument("unknown factor encoding \"" + name + "\" (float32, float16 or int8)");
}

CompactModel::CompactModel(const Params& params)
    : source_(params.get_choice("source", "svd", kSources)),
      encoding_(parse_factor_encoding(params.get_choice("encoding", "int8", {"float32", "float16", "int8"}))),
      // Validates the remaining parameters as the source model's (a typo is refused there).
      settings_(make_model(source_, source_params(params))) {}

void CompactModel::do_fit(const Dataset&, uint64_t) {
  throw std::invalid_argument(
      "a compact model is made from a fitted svd, als, ials or imported-als model (compact), not fitted");
}

Prediction CompactModel::do_predict(int32_t, int32_t) const {
  // No training users: only a person's own ratings (a profile) can be scored.
  Prediction p;
  p.fallback = true;
  return p;
}

float CompactModel::item_popularity(int32_t item) const { return static_cast<float>(counts_[static_cast<size_t>(item)]); }

void CompactModel::do_score(const Profile& person, std::vector<float>& scores) const {
  const size_t k = static_cast<size_t>(factors_);
  if (source_ == "imported-als") {
    settings_->score(person, scores);
    return;
  }
  std::vector<float> x;
  float bias = 0.0f;
  if (source_ == "svd") {
    FoldedUser folded = static_cast<const Svd&>(*settings_).fold_in_with(person, item_factors_, item_bias_, mu_);
    x = std::move(folded.factors);
    bias = folded.bias;
  } else if (source_ == "als") {
    // ALS-WR's user solve: one penalty, reg times the person's ratings, on the bias and factors.
    std::vector<double> targets(person.items.size());
    for (size_t r = 0; r < person.items.size(); ++r)
      targets[r] = static_cast<double>(person.ratings[r]) - mu_ - item_bias_[static_cast<size_t>(person.items[r])];
    const double reg = static_cast<const Als&>(*settings_).reg() * static_cast<double>(person.items.size());
    FoldedUser folded = fold_in_ridge(item_factors_, factors_, person.items, targets, true, reg, reg);
    x = std::move(folded.factors);
    bias = folded.bias;
  } else {  // ials
    const auto& ials = static_cast<const Ials&>(*settings_);
    std::vector<double> weights(person.items.size()), targets(person.items.size());
    for (size_t r = 0; r < person.items.size(); ++r) {
      targets[r] = ials.confidence(person.ratings[r]);
      weights[r] = targets[r] - 1.0;
    }
    const std::vector<double> solved =
        weighted_fold_in(item_factors_, factors_, &gram_, person.items, weights, targets, ials.reg());
    x.assign(solved.begin(), solved.end());
  }
  // mu, the biases and the person's bias are 0 for sources without them (ials, unbiased svd).
  const bool biased = !item_bias_.empty();
  for (size_t i = 0; i < scores.size(); ++i) {
    const float personal = kernels::dot(item_factors_.data() + i * k, x.data(), factors_);
    scores[i] = biased ? mu_ + bias + item_bias_[i] + personal : personal;
  }
}

std::vector<ScoredItem> CompactModel::similar_items(int32_t item, int n) const {
  require_fitted("similar_items");
  if (item < 0 || item >= train().num_items()) throw std::out_of_range("similar_items: unknown item");
  return similar_by_factors(item_factors_, factors_, item, n);
}

float CompactModel::item_similarity(int32_t a, int32_t b) const {
  require_fitted("item_similarity");
  if (a < 0 || b < 0 || a >= train().num_items() || b >= train().num_items())
    throw std::out_of_range("item_similarity: unknown item");
  return factor_cosine(item_factors_, factors_, a, b);
}

void CompactModel::write_state(BinaryWriter& out) const {
  out.i32(factors_);
  out.vec(counts_);
  out.f32(mu_);
  out.vec(item_bias_);
  out.raw(encoded_);
}

void CompactModel::read_state(const Dataset& train, BinaryReader& in) {
  if (train.num_users() != 0 || train.num_ratings() != 0)
    in.fail("a compact model keeps no training users or ratings, but this one has " +
            std::to_string(train.num_users()) + " users");
  const uint64_t items = static_cast<uint64_t>(train.num_items());
  const int32_t k = in.i32();
  int expected = 0;  // the source's factor count (any rank for imported factors)
  if (source_ == "svd") expected = static_cast<const Svd&>(*settings_).factors();
  if (source_ == "als") expected = static_cast<const Als&>(*settings_).factors();
  if (source_ == "ials") expected = static_cast<const Ials&>(*settings_).factors();
  if (k < 1 || k > 100000 || (expected != 0 && k != expected))
    in.fail("the compact model has " + std::to_string(k) + " factors" +
            (expected != 0 ? ", but its " + source_ + " parameters give " + std::to_string(expected) : std::string(" (1 to 100000 expected)")));
  std::vector<uint32_t> counts = in.vec<uint32_t>(items, "the compact rating counts");
  const float mu = in.f32();
  if (!std::isfinite(mu)) in.fail("the compact model's mean rating is not a finite number");
  std::vector<float> item_bias = in.vec<float>(has_biases(source_) ? items : 0, "the compact item biases");
  for (float b : item_bias)
    if (!std::isfinite(b)) in.fail("a compact item bias is not a finite number");
  const size_t encoded_at = in.position();
  std::vector<float> factors = decode_factors(in, encoding_, items, k);
  encoded_.assign(in.read_since(encoded_at));

  factors_ = k;
  counts_ = std::move(counts);
  mu_ = mu;
  item_bias_ = std::move(item_bias);
  item_factors_ = std::move(factors);
  gram_.clear();
  if (source_ == "ials") gram_ = item_gram(item_factors_, factors_);
  if (source_ == "imported-als") {
    // The imported model on the decoded factors scores every person with its own convention.
    ItemFactors imported;
    imported.ids = train.items().ids();
    imported.rank = factors_;
    imported.values = item_factors_;
    settings_ = import_item_factors(std::move(imported), source_params(params()));
  }
}

std::unique_ptr<Model> compact_model(const Model& source, FactorEncoding encoding) {
  const std::string name = source.algorithm();
  if (!kSources.count(name))
    throw std::invalid_argument("compact models are made from svd, als, ials or imported-als models (which serve new people "
                                "from item factors alone), not from " + name);
  const Dataset& data = source.train();  // throws logic_error when not fitted
  std::vector<float> factors, bias;
  float mu = 0.0f;
  int k = 0;
  if (name == "svd") {
    const auto& svd = static_cast<const Svd&>(source);
    factors = svd.item_factors();
    bias = svd.item_bias();
    mu = svd.mu();
    k = svd.factors();
  } else if (name == "als") {
    const auto& als = static_cast<const Als&>(source);
    factors = als.item_factors();
    bias = als.item_bias();
    mu = als.mu();
    k = als.factors();
  } else if (name == "ials") {
    const auto& ials = static_cast<const Ials&>(source);
    factors = ials.item_factors();
    k = ials.factors();
  } else {
    const auto& imported = static_cast<const ImportedAls&>(source);
    factors = imported.item_factors();
    k = imported.rank();
  }
  Params params = source.params();
  params.set("source", name);
  params.set("encoding", factor_encoding_name(encoding));
  auto model = make_model("compact", params);

  IdMap items;
  for (const auto& id : data.items().ids()) items.intern(id);
  auto train = std::make_shared<const Dataset>(IdMap{}, std::move(items), std::vector<Rating>{}, data.implicit());
  // The state goes through the model's own reader, so a compact model made in memory answers
  // exactly as the same model saved and loaded.
  BinaryWriter state;
  state.u64(0);  // seed: unused
  state.i32(k);
  std::vector<uint32_t> counts(static_cast<size_t>(data.num_items()));
  for (int32_t i = 0; i < data.num_items(); ++i) counts[static_cast<size_t>(i)] = static_cast<uint32_t>(data.by_item().row_size(i));
  state.vec(counts);
  state.f32(mu);
  state.vec(bias);
  encode_factors(factors, k, encoding, state);
  BinaryReader reader(state.bytes(), "compact " + name + " model");
  model->load_state(train, reader);
  return model;
}

}  // namespace cofi
