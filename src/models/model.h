// The interface every algorithm implements (as Surprise's AlgoBase): fit on a Dataset, predict a
// rating, score every item for a person, recommend, find similar items.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "models/params.h"

namespace cofi {

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

// A person to score items for: a training user (user >= 0, items/ratings = their training row)
// or a new person known only by a few ratings (user = -1). Items are indices in the training set.
struct Profile {
  int32_t user = -1;
  std::vector<int32_t> items;
  std::vector<float> ratings;

  static Profile of_user(const Dataset& data, int32_t user);
};

class Model {
 public:
  virtual ~Model() = default;

  // The algorithm's registry name, e.g. "knn-baseline".
  virtual std::string algorithm() const = 0;

  // Trains on `train` (kept alive by the model, which needs it to answer queries). `seed` makes
  // every random choice reproducible, natively and in WASM alike.
  void fit(std::shared_ptr<const Dataset> train, uint64_t seed = 0);
  bool fitted() const { return train_ != nullptr; }
  const Dataset& train() const;

  // Predicted rating for training indices; -1 marks an unknown user or item.
  Prediction predict(int32_t user, int32_t item) const;

  // A ranking score for every training item (size num_items); NaN where the model has no
  // personal evidence for the item (it is then never recommended).
  void score(const Profile& person, std::vector<float>& scores) const;

  // The n best-scored items the person has not rated, best first (ties: lower index first).
  // A person with no ratings at all gets the most popular items.
  std::vector<ScoredItem> recommend(const Profile& person, int n) const;

  // Items most similar to `item`, best first; the item itself excluded. Item-based neighbourhood
  // models use their similarity matrix; other models use cosine similarity of the rating columns.
  virtual std::vector<ScoredItem> similar_items(int32_t item, int n) const;

  // The items ranked by number of ratings (ties: lower index first); every model keeps it for
  // people it knows nothing about.
  std::vector<ScoredItem> popular(int n, const std::vector<int32_t>& exclude = {}) const;

 protected:
  virtual void do_fit(const Dataset& train, uint64_t seed) = 0;
  // Unclipped estimate; value is filled in by predict(). Unknown user/item arrive as -1.
  virtual Prediction do_predict(int32_t user, int32_t item) const = 0;
  // Default: do_predict for a known user (NaN where it falls back); a new person's scores must be
  // provided by models that can fold one in, which override this.
  virtual void do_score(const Profile& person, std::vector<float>& scores) const;
  void require_fitted(const char* what) const;

 private:
  std::shared_ptr<const Dataset> train_;
};

// Creates a model by registry name with its parameters (throws std::invalid_argument for an
// unknown name or parameter; the message lists what is accepted).
std::unique_ptr<Model> make_model(const std::string& algorithm, const Params& params);
// Every registry name, in the order the CLI lists them.
std::vector<std::string> model_names();

}  // namespace cofi
