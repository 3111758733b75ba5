#include "io/model_file.h"

#include <cmath>

#include "io/binary.h"

namespace cofi {

namespace {

constexpr char kMagic[8] = {'C', 'O', 'F', 'I', 'M', 'O', 'D', 'L'};

// FNV-1a, 64-bit: detects corruption (not tampering) cheaply.
uint64_t checksum(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

void write_dataset(BinaryWriter& out, const Dataset& d) {
  out.u8(d.implicit() ? 1 : 0);
  out.u64(static_cast<uint64_t>(d.num_users()));
  for (const auto& id : d.users().ids()) out.str(id);
  out.u64(static_cast<uint64_t>(d.num_items()));
  for (const auto& id : d.items().ids()) out.str(id);
  // Ratings by user: each user's count, then (item, value) pairs in the user's row order.
  out.u64(static_cast<uint64_t>(d.num_ratings()));
  for (int32_t u = 0; u < d.num_users(); ++u) {
    const SparseRow row = d.by_user().row(u);
    out.u32(static_cast<uint32_t>(row.size));
    for (int32_t k = 0; k < row.size; ++k) {
      out.i32(row.index[k]);
      out.f32(row.value[k]);
    }
  }
}

IdMap read_ids(BinaryReader& in, const char* what) {
  IdMap ids;
  const uint64_t n = in.count(8, what);  // each id takes at least its 8-byte length
  for (uint64_t k = 0; k < n; ++k) {
    if (ids.intern(in.str()) != static_cast<int32_t>(k)) in.fail(std::string("a repeated id among the ") + what);
  }
  return ids;
}

std::shared_ptr<const Dataset> read_dataset(BinaryReader& in) {
  const bool implicit = in.u8() != 0;
  IdMap users = read_ids(in, "users");
  IdMap items = read_ids(in, "items");
  const uint64_t n = in.count(8, "ratings");
  std::vector<Rating> ratings;
  ratings.reserve(static_cast<size_t>(n));
  for (int32_t u = 0; u < users.size(); ++u) {
    const uint32_t size = in.u32();
    if (size > n - ratings.size()) in.fail("a user's ratings exceed the declared total");
    for (uint32_t k = 0; k < size; ++k) {
      const int32_t item = in.i32();
      const float value = in.f32();
      if (item < 0 || item >= items.size()) in.fail("a rating names an item outside the id list");
      if (!std::isfinite(value)) in.fail("a rating is not a finite number");
      ratings.push_back({u, item, value});
    }
  }
  if (ratings.size() != n) in.fail("fewer ratings than declared");
  return std::make_shared<const Dataset>(std::move(users), std::move(items), ratings, implicit);
}

}  // namespace

std::string save_model(const Model& model) {
  BinaryWriter payload;
  payload.str(model.algorithm());
  payload.u64(model.params().values().size());
  for (const auto& kv : model.params().values()) {
    payload.str(kv.first);
    payload.str(kv.second);
  }
  write_dataset(payload, model.train());
  model.save_state(payload);

  BinaryWriter file;
  file.raw(std::string_view(kMagic, sizeof kMagic));
  file.u32(kModelFormatVersion);
  file.u64(payload.bytes().size());
  file.raw(payload.bytes());
  file.u64(checksum(payload.bytes()));
  return file.take();
}

std::unique_ptr<Model> load_model(std::string_view bytes, const std::string& source) {
  BinaryReader file(bytes, source);
  if (bytes.size() < sizeof kMagic || bytes.substr(0, sizeof kMagic) != std::string_view(kMagic, sizeof kMagic))
    throw ParseError(source, 0, 0, "not a cofi model file");
  file.raw(sizeof kMagic);
  const uint32_t version = file.u32();
  if (version != kModelFormatVersion)
    throw ParseError(source, 0, 0, "model format version " + std::to_string(version) + " is not supported (this cofi reads version " +
                                       std::to_string(kModelFormatVersion) + ")");
  const uint64_t length = file.u64();
  if (length > file.remaining() || file.remaining() - length != 8)
    throw ParseError(source, 0, 0, "the file is truncated or has extra bytes (declared " + std::to_string(length) +
                                       " payload bytes, " + std::to_string(file.remaining()) + " present with the checksum)");
  const std::string_view payload_bytes = file.raw(static_cast<size_t>(length));
  if (file.u64() != checksum(payload_bytes)) throw ParseError(source, 0, 0, "checksum mismatch: the file is corrupted");

  BinaryReader in(payload_bytes, source);
  const std::string algorithm = in.str();
  Params params;
  const uint64_t n_params = in.count(16, "parameters");
  for (uint64_t k = 0; k < n_params; ++k) {
    std::string key = in.str();
    params.set(key, in.str());
  }
  std::unique_ptr<Model> model = make_model(algorithm, params);
  auto train = read_dataset(in);
  model->load_state(train, in);
  if (in.remaining() != 0) in.fail("unexpected bytes after the model state");
  return model;
}

}  // namespace cofi
