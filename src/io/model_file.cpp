#include "io/model_file.h"

#include <cmath>
#include <limits>
#include <new>
#include <stdexcept>
#include <vector>

#include "io/binary.h"

namespace cofi {

namespace {

// magic (8) + version (u32) + payload length (u64); the payload follows, then the checksum (u64).
constexpr size_t kHeaderBytes = 8 + 4 + 8;
constexpr size_t kChecksumBytes = 8;
constexpr uint64_t kMaxIds = static_cast<uint64_t>(std::numeric_limits<int32_t>::max());

void write_dataset(BinaryWriter& out, const Dataset& d) {
  out.u8(d.implicit() ? 1 : 0);
  out.u64(static_cast<uint64_t>(d.num_users()));
  for (const auto& id : d.users().ids()) out.str(id);
  out.u64(static_cast<uint64_t>(d.num_items()));
  for (const auto& id : d.items().ids()) out.str(id);
  // Ratings by user: each user's count, then (item, value) pairs in the user's row order, so that
  // the loaded CSR rows (and the CSC columns built from them) are in the same order as the saved.
  out.u64(static_cast<uint64_t>(d.num_ratings()));
  for (int32_t u = 0; u < d.num_users(); ++u) {
    const SparseRow row = d.by_user().row(u);
    out.u32(static_cast<uint32_t>(row.size));
    char* p = out.grow(8 * static_cast<size_t>(row.size));
    for (int32_t k = 0; k < row.size; ++k, p += 8) {
      little_endian::store(p, row.index[k]);
      little_endian::store(p + 4, row.value[k]);
    }
  }
}

IdMap read_ids(BinaryReader& in, const char* what) {
  IdMap ids;
  const uint64_t n = in.count(8, what);  // each id takes at least its 8-byte length
  if (n > kMaxIds) in.fail(std::string(what) + " holds more than 2^31-1 ids");
  for (uint64_t k = 0; k < n; ++k) {
    const std::string id = in.str();
    if (id.empty()) in.fail(std::string("an empty id in ") + what);
    if (ids.intern(id) != static_cast<int32_t>(k)) in.fail(std::string("a repeated id in ") + what + ": \"" + id + "\"");
  }
  return ids;
}

std::shared_ptr<const Dataset> read_dataset(BinaryReader& in) {
  const uint8_t implicit = in.u8();
  if (implicit > 1) in.fail("the implicit-feedback flag is " + std::to_string(implicit) + " (0 or 1 expected)");
  IdMap users = read_ids(in, "the user list");
  IdMap items = read_ids(in, "the item list");
  // Each rating takes 8 bytes and each user's count 4 more: check both before reserving.
  const uint64_t n = in.count(8, "the rating list");
  // Only an imported model (item factors trained elsewhere) has a training set of items alone.
  if (n == 0 && users.size() > 0) in.fail("the training set has no ratings");
  if (static_cast<uint64_t>(users.size()) > (in.remaining() - n * 8) / 4)
    in.fail("the ratings of " + std::to_string(users.size()) + " users cannot fit in the bytes that remain");
  std::vector<Rating> ratings(static_cast<size_t>(n));
  size_t filled = 0;
  // The last user who rated each item: a repeated (user, item) pair is refused, since the
  // Dataset would silently merge it and the saved ratings would not be the ones loaded.
  std::vector<int32_t> last_rater(static_cast<size_t>(items.size()), -1);
  for (int32_t u = 0; u < users.size(); ++u) {
    const uint32_t size = in.u32();
    if (size > n - filled)
      in.fail("user \"" + users.id(u) + "\" has " + std::to_string(size) + " ratings, more than the " +
              std::to_string(n) + " declared in all");
    // One bounds check for the user's pairs, then a plain loop over them.
    const size_t start = in.position();
    const char* p = in.raw(8 * static_cast<size_t>(size)).data();
    for (uint32_t k = 0; k < size; ++k, p += 8) {
      int32_t item;
      float value;
      little_endian::load(p, item);
      little_endian::load(p + 4, value);
      if (item < 0 || item >= items.size())
        in.fail_at(start + 8 * k, "a rating of user \"" + users.id(u) + "\" names item " + std::to_string(item) +
                                      ", outside the " + std::to_string(items.size()) + " items");
      if (!std::isfinite(value))
        in.fail_at(start + 8 * k + 4, "a rating of user \"" + users.id(u) + "\" is not a finite number");
      if (last_rater[static_cast<size_t>(item)] == u)
        in.fail_at(start + 8 * k, "user \"" + users.id(u) + "\" rates item \"" + items.id(item) + "\" twice");
      last_rater[static_cast<size_t>(item)] = u;
      ratings[filled++] = {u, item, value};
    }
  }
  if (filled != n)
    in.fail("the users hold " + std::to_string(filled) + " ratings, not the " + std::to_string(n) + " declared");
  return std::make_shared<const Dataset>(std::move(users), std::move(items), ratings, implicit != 0);
}

// FNV-1a over `bytes`, continuing from `h` (so a payload written in parts is summed in parts).
uint64_t fnv1a64(uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

uint64_t model_file_checksum(std::string_view payload) { return fnv1a64(0xcbf29ce484222325ULL, payload); }

std::string save_model(const Model& model) {
  const Dataset& train = model.train();  // throws logic_error when the model is not fitted
  // The payload in two parts, each written once into memory reserved ahead (growing a string
  // of megabytes by doubling costs more than writing it): everything before the state, then
  // the state; the file is assembled from them in one allocation.
  BinaryWriter head;
  size_t id_bytes = 0;
  for (const auto& id : train.users().ids()) id_bytes += 8 + id.size();
  for (const auto& id : train.items().ids()) id_bytes += 8 + id.size();
  head.reserve(256 + id_bytes + 4 * static_cast<size_t>(train.num_users()) + 8 * static_cast<size_t>(train.num_ratings()));
  head.str(model.algorithm());
  head.u64(model.params().values().size());
  for (const auto& kv : model.params().values()) {  // std::map: keys ascending, each once
    head.str(kv.first);
    head.str(kv.second);
  }
  write_dataset(head, train);
  BinaryWriter state;
  model.save_state(state);
  BinaryWriter state_length;
  state_length.u64(state.bytes().size());
  const uint64_t payload_size = head.bytes().size() + state_length.bytes().size() + state.bytes().size();
  uint64_t sum = model_file_checksum(head.bytes());
  sum = fnv1a64(sum, state_length.bytes());
  sum = fnv1a64(sum, state.bytes());

  BinaryWriter file;
  file.reserve(kHeaderBytes + static_cast<size_t>(payload_size) + kChecksumBytes);
  file.raw(std::string_view(kModelFileMagic, sizeof kModelFileMagic));
  file.u32(kModelFormatVersion);
  file.u64(payload_size);
  file.raw(head.bytes());
  file.raw(state_length.bytes());
  file.raw(state.bytes());
  file.u64(sum);
  return file.take();
}

std::unique_ptr<Model> load_model(std::string_view bytes, const std::string& source) {
  auto refuse = [&](const std::string& problem) { return ParseError(source, 0, 0, problem); };
  const std::string_view magic(kModelFileMagic, sizeof kModelFileMagic);
  if (bytes.empty()) throw refuse("the file is empty, not a cofi model file");
  if (bytes.substr(0, magic.size()) != magic) {
    if (bytes.size() < magic.size() && magic.substr(0, bytes.size()) == bytes)
      throw refuse("the file is truncated: it ends inside the 8-byte COFIMODL signature");
    throw refuse("not a cofi model file (it does not start with COFIMODL)");
  }
  if (bytes.size() < kHeaderBytes)
    throw refuse("the file is truncated: " + std::to_string(bytes.size()) + " bytes, less than the " +
                 std::to_string(kHeaderBytes) + "-byte header");
  BinaryReader file(bytes, source);
  file.raw(magic.size());
  const uint32_t version = file.u32();
  if (version < kOldestModelFormatVersion)
    throw refuse("model format version " + std::to_string(version) + " does not exist (the first is " +
                 std::to_string(kOldestModelFormatVersion) + ")");
  if (version > kModelFormatVersion)
    throw refuse("model format version " + std::to_string(version) + " was written by a newer cofi; this cofi reads versions " +
                 std::to_string(kOldestModelFormatVersion) + " to " + std::to_string(kModelFormatVersion));
  const uint64_t length = file.u64();
  const size_t after_header = file.remaining();
  if (length > after_header || after_header - length < kChecksumBytes)
    throw refuse("the file is truncated: the header declares " + std::to_string(length) + " payload bytes and an " +
                 std::to_string(kChecksumBytes) + "-byte checksum, but only " + std::to_string(after_header) +
                 " bytes follow the header");
  if (after_header - length > kChecksumBytes)
    throw refuse(std::to_string(after_header - length - kChecksumBytes) +
                 " unexpected bytes after the checksum (the header declares " + std::to_string(length) + " payload bytes)");
  const std::string_view payload = file.raw(static_cast<size_t>(length));
  if (file.u64() != model_file_checksum(payload))
    throw refuse("checksum mismatch: the file is corrupted");

  BinaryReader in(payload, source, kHeaderBytes);
  const std::string algorithm = in.str();
  // Registry names are short; a long one is not worth repeating in every message below.
  if (algorithm.size() > 64) in.fail("the algorithm name is " + std::to_string(algorithm.size()) + " bytes long: not a cofi algorithm");
  Params params;
  const uint64_t n_params = in.count(16, "the parameter list");  // each: two strings of 8+ bytes
  std::string previous_key;
  for (uint64_t k = 0; k < n_params; ++k) {
    std::string key = in.str();
    if (k > 0 && !(previous_key < key))
      in.fail("parameter \"" + key + "\" is repeated or out of order (keys are stored once each, ascending)");
    params.set(key, in.str());
    previous_key = std::move(key);
  }
  std::unique_ptr<Model> model;
  try {
    model = make_model(algorithm, params);
  } catch (const std::logic_error& e) {  // invalid_argument: an unknown name or a refused parameter
    throw refuse("this cofi cannot create the saved model: " + std::string(e.what()));
  }
  const auto train = read_dataset(in);
  const uint64_t state_length = in.u64();
  BinaryReader state = in.section(state_length, "the " + algorithm + " state");
  if (in.remaining() != 0) in.fail(std::to_string(in.remaining()) + " unexpected bytes after the model state");
  try {
    model->load_state(train, state);
  } catch (const ParseError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    // A state that passes the reader's bounds checks but not the model's own (sizes that do not
    // match the training set, say) is a bad file too, not a usage error.
    throw refuse("the " + algorithm + " state does not fit its training set: " + e.what());
  }
  if (state.remaining() != 0)
    state.fail("the " + algorithm + " state has " + std::to_string(state.remaining()) +
               " bytes its reader did not use (the state is " + std::to_string(state_length) + " bytes)");
  return model;
}

}  // namespace cofi
