// The interface every algorithm implements (as Surprise's AlgoBase): fit on a Dataset, predict a
// rating, score every item for a person, recommend, find similar items.
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "models/params.h"

namespace cofi {

class BinaryReader;
class BinaryWriter;

struct Prediction {
  float value = 0.0f;     // clipped to the training rating scale
  float raw = 0.0f;       // before clipping
  bool fallback = false;  // the model could not personalise (unknown user or item, too few neighbours)
  int32_t neighbors = -1; // neighbourhood models: neighbours used (Surprise's actual_k); -1 otherwise
};

struct ScoredItem {
  int32_t item;
  float score;
};

// Which items a recommendation may contain, in training indices. Out-of-range indices are ignored
// (callers translate ids, and an id the training set never saw can be neither shown nor hidden).
struct RecommendFilter {
  std::vector<int32_t> exclude;  // never recommend these (for example items already in a basket)
  std::vector<int32_t> include;  // when not empty: recommend only from these (a category, a shelf)
  bool exclude_rated = true;     // leave out what the person rated (false: re-recommend, as for re-buys)
};

// One of the person's rated items and how much it contributed to an item's score.
struct Contribution {
  int32_t item;
  float weight;
};

// A person to score items for: a training user (user >= 0, items/ratings = their training row)
// or a new person known only by a few ratings (user = -1). Items are indices in the training set.
struct Profile {
  int32_t user = -1;
  std::vector<int32_t> items;
  std::vector<float> ratings;

  static Profile of_user(const Dataset& data, int32_t user);
};

// What a fit reports after each epoch (one-shot models report one "epoch").
struct EpochReport {
  int epoch = 0;    // 1-based
  int epochs = 0;   // planned epochs
  double loss = std::numeric_limits<double>::quiet_NaN();             // training loss, where the model has one
  double validation_rmse = std::numeric_limits<double>::quiet_NaN();  // with FitOptions::validation
  bool best = false;  // the best validation RMSE so far (early stopping keeps this epoch)
};

struct FitOptions {
  uint64_t seed = 0;
  // Called after each epoch; returning false cancels the fit (it then throws Cancelled).
  std::function<bool(const EpochReport&)> on_epoch;
  // Held-out ratings in the training set's indices, scored after every epoch.
  const std::vector<Rating>* validation = nullptr;
  // Early stopping: stop once validation RMSE has not improved for this many epochs, and keep
  // the best epoch's parameters (0 = run every epoch).
  int patience = 0;
};

// Thrown by fit when on_epoch asked to stop; the model is then unfitted.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("training was cancelled") {}
};

class Model {
 public:
  virtual ~Model() = default;

  // The algorithm's registry name, e.g. "knn-baseline".
  virtual std::string algorithm() const = 0;

  // Trains on `train` (kept alive by the model, which needs it to answer queries). The seed makes
  // every random choice reproducible, natively and in WASM alike. A fit that fails or is cancelled
  // leaves the model unfitted.
  void fit(std::shared_ptr<const Dataset> train, uint64_t seed = 0);
  void fit(std::shared_ptr<const Dataset> train, const FitOptions& options);
  bool fitted() const { return fitted_; }
  const Dataset& train() const;

  // The parameters the model was created with (saved with it, so a loaded model is the same).
  const Params& params() const { return params_; }
  void set_params(const Params& params) { params_ = params; }

  // The learned state after fit, in the model file's format (see docs/model-format.md), and back.
  // The training set is saved separately by the model file; load_state runs on a model created
  // with the same parameters and given that training set.
  void save_state(BinaryWriter& out) const;
  void load_state(std::shared_ptr<const Dataset> train, BinaryReader& in);

  // Predicted rating for training indices; -1 marks an unknown user or item.
  Prediction predict(int32_t user, int32_t item) const;

  // A ranking score for every training item (size num_items); NaN where the model has no
  // personal evidence for the item (it is then never recommended).
  void score(const Profile& person, std::vector<float>& scores) const;

  // The n best-scored items the person has not rated, best first (ties: lower index first).
  // A person with no ratings at all gets the most popular items.
  std::vector<ScoredItem> recommend(const Profile& person, int n) const;
  // The same, restricted by `filter`; a person with no ratings gets the most popular allowed items.
  std::vector<ScoredItem> recommend(const Profile& person, int n, const RecommendFilter& filter) const;

  // Items most similar to `item`, best first; the item itself excluded. Item-based neighbourhood
  // models use their similarity matrix; other models use cosine similarity of the rating columns.
  virtual std::vector<ScoredItem> similar_items(int32_t item, int n) const;

  // Why `item` scores as it does for the person: their rated items that contributed most, largest
  // positive contribution first (at most n). Item-based neighbourhood models give each neighbour's
  // term of their formula; other models weigh each rated item the person liked (rated above their
  // mean) by item_similarity(item, j) times that rating's excess over the mean, when positive.
  virtual std::vector<Contribution> explain(const Profile& person, int32_t item, int n) const;

  // Similarity of two items as the model sees them (for explanations). Default: cosine similarity
  // of their rating columns; factor models override it with their item factors.
  virtual float item_similarity(int32_t a, int32_t b) const;

  // The items ranked by number of ratings (ties: lower index first); every model keeps it for
  // people it knows nothing about.
  std::vector<ScoredItem> popular(int n, const std::vector<int32_t>& exclude = {}) const;

 protected:
  friend class Training;
  // One-shot models do all their work here. Iterative models initialise here, then run_epoch is
  // called for epoch 0 .. epochs()-1 (predict works between epochs, for validation scores).
  virtual void do_fit(const Dataset& train, uint64_t seed) = 0;
  // About how many bytes do_fit will allocate for the model's parameters on `train` (0: little
  // beyond the training set). Checked against the memory ceiling (util/memory.h) before do_fit,
  // so a model too large for memory is refused before its arrays are allocated.
  virtual uint64_t fit_bytes(const Dataset& train) const {
    (void)train;
    return 0;
  }
  virtual int epochs() const { return 0; }
  virtual double run_epoch(const Dataset& train, int epoch) {
    (void)train;
    (void)epoch;
    return std::numeric_limits<double>::quiet_NaN();
  }
  // The state that do_fit/run_epoch produced. The default saves nothing and re-runs do_fit on
  // load, which is right for deterministic one-shot models (baselines, similarities).
  virtual void write_state(BinaryWriter& out) const;
  virtual void read_state(const Dataset& train, BinaryReader& in);
  // Unclipped estimate; value is filled in by predict(). Unknown user/item arrive as -1.
  virtual Prediction do_predict(int32_t user, int32_t item) const = 0;
  // Default: do_predict for a known user (NaN where it falls back); a new person's scores must be
  // provided by models that can fold one in, which override this.
  virtual void do_score(const Profile& person, std::vector<float>& scores) const;
  void require_fitted(const char* what) const;
  // How popular an item is, for popular(): its number of training ratings. A model that keeps no
  // ratings (compact) keeps the counts and overrides this.
  virtual float item_popularity(int32_t item) const;
  // The training set as the model holds it (set before do_fit runs), for models made of models.
  const std::shared_ptr<const Dataset>& train_shared() const { return train_; }

 private:
  std::shared_ptr<const Dataset> train_;
  bool fitted_ = false;
  uint64_t seed_ = 0;
  Params params_;
};

// Step-by-step training, for callers that must yield between epochs (a page's worker checks for
// Cancel there):  Training t(model, data, options); while (!t.done()) t.step(); t.finish();
// Model::fit does exactly this. A Training destroyed before finish() leaves the model unfitted.
class Training {
 public:
  Training(Model& model, std::shared_ptr<const Dataset> train, FitOptions options);
  ~Training();
  Training(const Training&) = delete;
  Training& operator=(const Training&) = delete;

  bool done() const { return done_; }
  int epochs() const { return epochs_; }
  // Runs the next epoch and reports it (calls on_epoch; throws Cancelled if it returns false).
  EpochReport step();
  // Completes the fit: restores the best epoch under early stopping, marks the model fitted.
  void finish();

 private:
  Model& model_;
  std::shared_ptr<const Dataset> train_;
  FitOptions options_;
  int epochs_ = 0;
  int next_ = 0;
  bool done_ = false;
  bool finished_ = false;
  double best_rmse_ = std::numeric_limits<double>::infinity();
  int best_epoch_ = 0;
  std::string best_state_;
};

// Creates a model by registry name with its parameters (throws std::invalid_argument for an
// unknown name or parameter; the message lists what is accepted).
std::unique_ptr<Model> make_model(const std::string& algorithm, const Params& params);
// Every registry name, in the order the CLI lists them.
std::vector<std::string> model_names();

}  // namespace cofi
