#include "models/model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "io/binary.h"
#include "models/similarity.h"
#include "util/memory.h"

namespace cofi {

Profile Profile::of_user(const Dataset& data, int32_t user) {
  Profile p;
  p.user = user;
  const SparseRow row = data.by_user().row(user);
  p.items.assign(row.index, row.index + row.size);
  p.ratings.assign(row.value, row.value + row.size);
  return p;
}

void Model::fit(std::shared_ptr<const Dataset> train, uint64_t seed) {
  FitOptions options;
  options.seed = seed;
  fit(std::move(train), options);
}

void Model::fit(std::shared_ptr<const Dataset> train, const FitOptions& options) {
  Training training(*this, std::move(train), options);
  while (!training.done()) training.step();
  training.finish();
}

Training::Training(Model& model, std::shared_ptr<const Dataset> train, FitOptions options)
    : model_(model), train_(std::move(train)), options_(std::move(options)) {
  if (!train_) throw std::invalid_argument("fit needs a dataset");
  if (train_->num_ratings() == 0) throw std::invalid_argument("fit needs at least one rating");
  if (options_.patience < 0) throw std::invalid_argument("patience must not be negative");
  if (options_.validation) {
    for (const Rating& r : *options_.validation)
      if (r.user >= train_->num_users() || r.item >= train_->num_items())
        throw std::out_of_range("a validation rating lies outside the training set's indices");
  }
  // Before anything is allocated or the model is touched, so a refusal leaves it as it was.
  require_memory(model_.fit_bytes(*train_), model_.algorithm(),
                 "its parameters on " + std::to_string(train_->num_users()) + " users and " +
                     std::to_string(train_->num_items()) + " items");
  // The model answers predict() between epochs (for validation scores), but is not fitted
  // until finish(); until then a failure leaves it unfitted.
  model_.fitted_ = false;
  model_.train_ = train_;
  model_.seed_ = options_.seed;
  try {
    model_.do_fit(*train_, options_.seed);
  } catch (...) {
    model_.train_.reset();
    throw;
  }
  epochs_ = std::max(1, model_.epochs());
}

Training::~Training() {
  if (!finished_) {
    model_.train_.reset();
    model_.fitted_ = false;
  }
}

EpochReport Training::step() {
  if (done_) throw std::logic_error("training has no epochs left");
  EpochReport report;
  report.epoch = next_ + 1;
  report.epochs = epochs_;
  if (model_.epochs() > 0) report.loss = model_.run_epoch(*train_, next_);
  ++next_;
  done_ = next_ >= epochs_;
  if (options_.validation && !options_.validation->empty()) {
    double sq = 0.0;
    for (const Rating& r : *options_.validation) {
      const double err = static_cast<double>(model_.predict(r.user, r.item).value) - r.value;
      sq += err * err;
    }
    report.validation_rmse = std::sqrt(sq / static_cast<double>(options_.validation->size()));
    if (report.validation_rmse < best_rmse_) {
      best_rmse_ = report.validation_rmse;
      best_epoch_ = report.epoch;
      report.best = true;
      if (options_.patience > 0 && !done_) {
        BinaryWriter snapshot;
        model_.write_state(snapshot);
        best_state_ = snapshot.take();
      }
    } else if (options_.patience > 0 && report.epoch - best_epoch_ >= options_.patience) {
      done_ = true;
    }
  }
  if (options_.on_epoch && !options_.on_epoch(report)) throw Cancelled();
  return report;
}

void Training::finish() {
  if (!done_) throw std::logic_error("finish: epochs remain");
  // Early stopping ended past the best epoch: go back to it.
  if (!best_state_.empty() && best_epoch_ != next_) {
    BinaryReader in(best_state_, "early-stopping snapshot");
    model_.read_state(*train_, in);
  }
  model_.fitted_ = true;
  finished_ = true;
}

void Model::write_state(BinaryWriter&) const {}

void Model::read_state(const Dataset& train, BinaryReader&) { do_fit(train, seed_); }

void Model::save_state(BinaryWriter& out) const {
  require_fitted("save");
  out.u64(seed_);
  write_state(out);
}

void Model::load_state(std::shared_ptr<const Dataset> train, BinaryReader& in) {
  if (!train) throw std::invalid_argument("load_state needs the training set");
  fitted_ = false;
  train_ = train;
  try {
    seed_ = in.u64();
    read_state(*train, in);
  } catch (...) {
    train_.reset();
    throw;
  }
  fitted_ = true;
}

const Dataset& Model::train() const {
  require_fitted("train");
  return *train_;
}

void Model::require_fitted(const char* what) const {
  if (!train_) throw std::logic_error(std::string(what) + ": the model is not fitted yet (call fit first)");
}

Prediction Model::predict(int32_t user, int32_t item) const {
  require_fitted("predict");
  if (user >= train_->num_users() || item >= train_->num_items())
    throw std::out_of_range("predict: index outside the training set");
  Prediction p = do_predict(user, item);
  p.value = std::min(std::max(p.raw, train_->rating_min()), train_->rating_max());
  return p;
}

void Model::do_score(const Profile& person, std::vector<float>& scores) const {
  if (person.user < 0)
    throw std::invalid_argument(algorithm() + " cannot score a new person without retraining");
  for (int32_t i = 0; i < train_->num_items(); ++i) {
    const Prediction p = do_predict(person.user, i);
    scores[static_cast<size_t>(i)] = p.fallback ? std::numeric_limits<float>::quiet_NaN() : p.raw;
  }
}

void Model::score(const Profile& person, std::vector<float>& scores) const {
  require_fitted("score");
  if (person.items.size() != person.ratings.size())
    throw std::invalid_argument("a profile needs as many ratings as items");
  for (size_t k = 0; k < person.items.size(); ++k) {
    if (person.items[k] < 0 || person.items[k] >= train_->num_items())
      throw std::out_of_range("profile item index outside the training set");
    if (!std::isfinite(person.ratings[k])) throw std::invalid_argument("a profile rating is not a finite number");
  }
  scores.assign(static_cast<size_t>(train_->num_items()), std::numeric_limits<float>::quiet_NaN());
  do_score(person, scores);
}

namespace {

// The n best entries of `scores` (NaN skipped, excluded items skipped), best first; ties by index.
std::vector<ScoredItem> top_n(const std::vector<float>& scores, const std::vector<uint8_t>& excluded, int n) {
  std::vector<ScoredItem> all;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (excluded[i] || std::isnan(scores[i])) continue;
    all.push_back({static_cast<int32_t>(i), scores[i]});
  }
  auto better = [](const ScoredItem& a, const ScoredItem& b) {
    return a.score != b.score ? a.score > b.score : a.item < b.item;
  };
  const size_t keep = std::min(all.size(), static_cast<size_t>(std::max(n, 0)));
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(), better);
  all.resize(keep);
  return all;
}

}  // namespace

float Model::item_popularity(int32_t item) const { return static_cast<float>(train_->by_item().row_size(item)); }

std::vector<ScoredItem> Model::popular(int n, const std::vector<int32_t>& exclude) const {
  require_fitted("popular");
  std::vector<float> counts(static_cast<size_t>(train_->num_items()));
  for (int32_t i = 0; i < train_->num_items(); ++i)
    counts[static_cast<size_t>(i)] = item_popularity(i);
  std::vector<uint8_t> excluded(counts.size(), 0);
  for (int32_t i : exclude)
    if (i >= 0 && i < train_->num_items()) excluded[static_cast<size_t>(i)] = 1;
  return top_n(counts, excluded, n);
}

std::vector<ScoredItem> Model::recommend(const Profile& person, int n) const {
  return recommend(person, n, RecommendFilter{});
}

std::vector<ScoredItem> Model::recommend(const Profile& person, int n, const RecommendFilter& filter) const {
  require_fitted("recommend");
  if (n < 0) throw std::invalid_argument("recommend: n must not be negative");
  const size_t num_items = static_cast<size_t>(train_->num_items());
  // excluded[i] = 1 hides item i; with an include list everything starts hidden but those.
  std::vector<uint8_t> excluded(num_items, filter.include.empty() ? 0 : 1);
  for (int32_t i : filter.include)
    if (i >= 0 && static_cast<size_t>(i) < num_items) excluded[static_cast<size_t>(i)] = 0;
  for (int32_t i : filter.exclude)
    if (i >= 0 && static_cast<size_t>(i) < num_items) excluded[static_cast<size_t>(i)] = 1;
  std::vector<float> scores;
  if (person.items.empty()) {
    scores.resize(num_items);
    for (size_t i = 0; i < num_items; ++i)
      scores[i] = item_popularity(static_cast<int32_t>(i));
  } else {
    score(person, scores);
    if (filter.exclude_rated)
      for (int32_t i : person.items) excluded[static_cast<size_t>(i)] = 1;
  }
  return top_n(scores, excluded, n);
}

std::vector<ScoredItem> Model::similar_items(int32_t item, int n) const {
  require_fitted("similar_items");
  if (item < 0 || item >= train_->num_items()) throw std::out_of_range("similar_items: unknown item");
  SimilarityOptions options;
  options.kind = SimilarityKind::Cosine;
  std::vector<float> sims;
  similarity_to_all(train_->by_item(), train_->by_user(), train_->by_item().row(item), options, nullptr, sims);
  std::vector<uint8_t> excluded(sims.size(), 0);
  excluded[static_cast<size_t>(item)] = 1;
  for (auto& s : sims)
    if (!(s > 0.0f)) s = std::numeric_limits<float>::quiet_NaN();
  return top_n(sims, excluded, n);
}

float Model::item_similarity(int32_t a, int32_t b) const {
  require_fitted("item_similarity");
  const SparseRows& cols = train_->by_item();
  if (a < 0 || b < 0 || a >= cols.rows() || b >= cols.rows()) throw std::out_of_range("item_similarity: unknown item");
  // Both columns list users in ascending order (see Dataset), so a merge finds the shared users.
  const SparseRow x = cols.row(a), y = cols.row(b);
  double prod = 0.0, sx = 0.0, sy = 0.0;
  for (int32_t k = 0; k < x.size; ++k) sx += static_cast<double>(x.value[k]) * x.value[k];
  for (int32_t k = 0; k < y.size; ++k) sy += static_cast<double>(y.value[k]) * y.value[k];
  for (int32_t p = 0, q = 0; p < x.size && q < y.size;) {
    if (x.index[p] < y.index[q]) ++p;
    else if (x.index[p] > y.index[q]) ++q;
    else prod += static_cast<double>(x.value[p++]) * y.value[q++];
  }
  return sx > 0 && sy > 0 ? static_cast<float>(prod / std::sqrt(sx * sy)) : 0.0f;
}

std::vector<Contribution> Model::explain(const Profile& person, int32_t item, int n) const {
  require_fitted("explain");
  if (item < 0 || item >= train_->num_items()) throw std::out_of_range("explain: unknown item");
  double mean = 0.0;
  for (float r : person.ratings) mean += r;
  if (!person.ratings.empty()) mean /= static_cast<double>(person.ratings.size());
  // With implicit feedback (or one rating, or all equal) every deviation is 0: weigh by the rating.
  bool flat = true;
  for (float r : person.ratings) flat = flat && r == person.ratings.front();
  std::vector<Contribution> out;
  for (size_t k = 0; k < person.items.size(); ++k) {
    const int32_t j = person.items[k];
    if (j == item) continue;
    // Only what the person liked (above their mean) and the model finds similar explains a
    // recommendation: a disliked item "dissimilar" to it also raises its score, but "because you
    // rated X one star" explains nothing to a reader.
    const double deviation = flat ? person.ratings[k] : person.ratings[k] - mean;
    const double similarity = item_similarity(item, j);
    if (deviation > 0 && similarity > 0) out.push_back({j, static_cast<float>(similarity * deviation)});
  }
  const size_t keep = std::min(out.size(), static_cast<size_t>(std::max(n, 0)));
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(keep), out.end(),
                    [](const Contribution& a, const Contribution& b) {
                      return a.weight != b.weight ? a.weight > b.weight : a.item < b.item;
                    });
  out.resize(keep);
  return out;
}

}  // namespace cofi
