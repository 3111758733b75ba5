#include "io/factors_reader.h"

#include <cmath>
#include <cstring>
#include <unordered_set>

#include "io/csv.h"
#include "io/json_reader.h"
#include "io/parse_error.h"
#include "io/text.h"

namespace cofi {

namespace {

// Collects rows, checking that every row has the rank of the first and that ids are distinct.
class FactorTable {
 public:
  explicit FactorTable(const std::string& source) : source_(source) {}

  void add(std::string id, const std::vector<double>& features, int64_t line) {
    if (id.empty()) throw ParseError(source_, line, 0, "empty item id");
    if (features.empty()) throw ParseError(source_, line, 0, "no factors for item " + text::quoted(id, 40));
    if (out_.ids.empty()) {
      out_.rank = static_cast<int32_t>(features.size());
    } else if (static_cast<int32_t>(features.size()) != out_.rank) {
      throw ParseError(source_, line, 0,
                       "item " + text::quoted(id, 40) + " has " + std::to_string(features.size()) +
                           " factors; the first item had " + std::to_string(out_.rank));
    }
    for (size_t f = 0; f < features.size(); ++f) {
      const float v = static_cast<float>(features[f]);
      if (!std::isfinite(v)) throw ParseError(source_, line, 0, "factor " + std::to_string(f + 1) + " of item " + text::quoted(id, 40) + " is not a finite float");
      out_.values.push_back(v);
    }
    if (!seen_.insert(id).second) throw ParseError(source_, line, 0, "item " + text::quoted(id, 40) + " appears twice");
    out_.ids.push_back(std::move(id));
  }

  ItemFactors finish() {
    if (out_.ids.empty()) throw ParseError(source_, 0, 0, "no item factors found");
    return std::move(out_);
  }

 private:
  const std::string& source_;
  ItemFactors out_;
  std::unordered_set<std::string> seen_;
};

// An id as JSON gives it: a string as is, an integer without a decimal point ("12", not "12.0").
std::string id_text(const JsonValue& v, const std::string& source, int64_t line) {
  if (v.is_string()) return v.text;
  if (v.is_number()) {
    if (v.number == std::floor(v.number) && std::fabs(v.number) < 9.007199254740992e15) {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.0f", v.number);
      return buffer;
    }
    return v.text;
  }
  throw ParseError(source, line, 0, "\"id\" must be a number or a string");
}

void read_json_lines(std::string_view text, const std::string& source, FactorTable& table) {
  int64_t line = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    ++line;
    std::string_view row = text::trim(text.substr(pos, end - pos));
    pos = end + 1;
    if (row.empty()) continue;
    const JsonValue v = parse_json(row, source, line);
    const JsonValue* id = v.find("id");
    const JsonValue* features = v.find("features");
    if (!id || !features) throw ParseError(source, line, 0, "expected an object with \"id\" and \"features\"");
    if (!features->is_array()) throw ParseError(source, line, 0, "\"features\" must be an array of numbers");
    std::vector<double> values;
    values.reserve(features->items.size());
    for (const JsonValue& f : features->items) {
      if (!f.is_number()) throw ParseError(source, line, 0, "\"features\" must be an array of numbers");
      values.push_back(f.number);
    }
    table.add(id_text(*id, source, line), values, line);
  }
}

// "[0.1,-0.3]", "0.1 -0.3", "0.1;-0.3": the numbers in a features field.
bool split_features(std::string_view field, std::vector<double>& out) {
  field = text::trim(field);
  if (!field.empty() && field.front() == '[' && field.back() == ']') field = field.substr(1, field.size() - 2);
  out.clear();
  size_t pos = 0;
  while (pos <= field.size()) {
    size_t end = field.find_first_of(", ;\t", pos);
    if (end == std::string_view::npos) end = field.size();
    const std::string_view token = field.substr(pos, end - pos);
    pos = end + 1;
    if (token.empty()) continue;
    double v;
    if (text::parse_number(token, v) != text::Number::ok) return false;
    out.push_back(v);
  }
  return !out.empty();
}

void read_csv(std::string_view text, const std::string& source, FactorTable& table) {
  const std::string delimiter = csv::choose_delimiter(text, "", source);
  csv::Tokenizer tokenizer(text, delimiter, source);
  csv::Row row;
  bool first = true;
  std::vector<double> values;
  while (tokenizer.next(row)) {
    const auto& fields = row.fields;
    if (fields.size() < 2) throw ParseError(source, row.line, 0, "expected an id and its factors");
    if (first) {
      first = false;
      // A header: its second field is not a number list ("features", "f0", ...).
      double ignored;
      if (!split_features(fields[1], values) && text::parse_number(fields[1], ignored) != text::Number::ok) continue;
    }
    values.clear();
    if (fields.size() == 2) {
      if (!split_features(fields[1], values)) throw ParseError(source, row.line, 2, "factors " + text::quoted(fields[1], 40) + " are not numbers");
    } else {
      for (size_t c = 1; c < fields.size(); ++c) {
        double v;
        if (text::parse_number(fields[c], v) != text::Number::ok)
          throw ParseError(source, row.line, static_cast<int32_t>(c + 1), "factor " + text::quoted(fields[c], 40) + " is not a number");
        values.push_back(v);
      }
    }
    table.add(std::string(fields[0]), values, row.line);
  }
}

}  // namespace

ItemFactors read_spark_item_factors(std::string_view bytes, const std::string& source) {
  text::Decoded decoded;
  text::decode(bytes, source, decoded);
  const std::string_view body = text::trim(decoded.text());
  if (body.empty()) throw ParseError(source, 0, 0, "the file is empty");
  FactorTable table(source);
  if (body.front() == '{') read_json_lines(decoded.text(), source, table);
  else read_csv(decoded.text(), source, table);
  return table.finish();
}

void append_item_factors(ItemFactors& into, ItemFactors part, const std::string& source) {
  if (into.ids.empty()) {
    into = std::move(part);
    return;
  }
  if (part.rank != into.rank)
    throw ParseError(source, 0, 0, "its factors have rank " + std::to_string(part.rank) + "; the first part's have rank " + std::to_string(into.rank));
  std::unordered_set<std::string> seen(into.ids.begin(), into.ids.end());
  for (const auto& id : part.ids)
    if (seen.count(id)) throw ParseError(source, 0, 0, "item " + text::quoted(id, 40) + " also appears in an earlier part");
  into.ids.insert(into.ids.end(), std::make_move_iterator(part.ids.begin()), std::make_move_iterator(part.ids.end()));
  into.values.insert(into.values.end(), part.values.begin(), part.values.end());
}

namespace {

// The header dictionary of a .npy file: {'descr': '<f4', 'fortran_order': False, 'shape': (9, 4), }
struct NpyHeader {
  bool float64 = false;
  bool fortran = false;
  uint64_t rows = 0, cols = 0;
};

NpyHeader parse_npy_header(std::string_view npy, const std::string& source, size_t& data_offset) {
  auto fail = [&](const std::string& problem) -> ParseError { return ParseError(source, 0, 0, problem); };
  if (npy.size() < 10 || npy.substr(0, 6) != std::string_view("\x93NUMPY", 6)) throw fail("not a .npy file (no \\x93NUMPY magic)");
  const uint8_t major = static_cast<uint8_t>(npy[6]);
  size_t header_len, start;
  if (major == 1) {
    header_len = static_cast<uint8_t>(npy[8]) | (static_cast<size_t>(static_cast<uint8_t>(npy[9])) << 8);
    start = 10;
  } else if (major == 2 || major == 3) {
    if (npy.size() < 12) throw fail("truncated .npy header");
    header_len = 0;
    for (int b = 3; b >= 0; --b) header_len = (header_len << 8) | static_cast<uint8_t>(npy[8 + static_cast<size_t>(b)]);
    start = 12;
  } else {
    throw fail(".npy format version " + std::to_string(major) + " is not supported");
  }
  if (header_len > npy.size() - start) throw fail("truncated .npy header");
  const std::string_view header = npy.substr(start, header_len);
  data_offset = start + header_len;
  NpyHeader h;
  auto value_of = [&](std::string_view key) -> std::string_view {
    const size_t at = header.find(key);
    if (at == std::string_view::npos) throw fail(".npy header has no " + std::string(key));
    size_t colon = header.find(':', at + key.size());
    if (colon == std::string_view::npos) throw fail("malformed .npy header");
    return text::trim(header.substr(colon + 1));
  };
  const std::string_view descr = value_of("'descr'");
  if (descr.substr(0, 5) == "'<f4'") h.float64 = false;
  else if (descr.substr(0, 5) == "'<f8'") h.float64 = true;
  else throw fail(".npy data type " + std::string(descr.substr(0, descr.find(','))) + " is not float32 or float64 (little-endian)");
  h.fortran = value_of("'fortran_order'").substr(0, 4) == "True";
  std::string_view shape = value_of("'shape'");
  if (shape.empty() || shape.front() != '(') throw fail("malformed .npy shape");
  shape = shape.substr(1, shape.find(')') - 1);
  std::vector<uint64_t> dims;
  size_t pos = 0;
  while (pos < shape.size()) {
    size_t end = shape.find(',', pos);
    if (end == std::string_view::npos) end = shape.size();
    const std::string_view token = text::trim(shape.substr(pos, end - pos));
    pos = end + 1;
    if (token.empty()) continue;
    uint64_t v = 0;
    for (char c : token) {
      if (c < '0' || c > '9' || v > (uint64_t{1} << 40)) throw fail("malformed .npy shape");
      v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    dims.push_back(v);
  }
  if (dims.size() != 2) throw fail("expected a 2-dimensional .npy matrix (items x factors), got " + std::to_string(dims.size()) + " dimensions");
  h.rows = dims[0];
  h.cols = dims[1];
  return h;
}

}  // namespace

ItemFactors read_npy_item_factors(std::string_view npy, const std::string& npy_source, std::string_view ids,
                                  const std::string& ids_source) {
  size_t offset = 0;
  const NpyHeader h = parse_npy_header(npy, npy_source, offset);
  if (h.cols == 0 || h.cols > 100000) throw ParseError(npy_source, 0, 0, "implausible number of factors: " + std::to_string(h.cols));
  const uint64_t width = h.float64 ? 8 : 4;
  const uint64_t available = npy.size() - offset;
  if (h.rows > available / width / h.cols || h.rows * h.cols * width != available)
    throw ParseError(npy_source, 0, 0, "the .npy data holds " + std::to_string(available) + " bytes; shape (" + std::to_string(h.rows) + ", " +
                                           std::to_string(h.cols) + ") needs " + std::to_string(h.rows * h.cols * width));

  text::Decoded decoded;
  text::decode(ids, ids_source, decoded);
  std::vector<std::string> id_list;
  int64_t line = 0;
  const std::string_view body = decoded.text();
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    ++line;
    std::string_view id = body.substr(pos, end - pos);
    if (!id.empty() && id.back() == '\r') id.remove_suffix(1);
    pos = end + 1;
    if (text::trim(id).empty() && pos >= body.size()) break;  // a final newline
    if (text::trim(id).empty()) throw ParseError(ids_source, line, 0, "empty item id");
    id_list.emplace_back(id);
  }
  if (id_list.size() != h.rows)
    throw ParseError(ids_source, 0, 0, std::to_string(id_list.size()) + " ids for " + std::to_string(h.rows) + " rows of factors in " + npy_source);

  FactorTable table(npy_source);
  std::vector<double> row(static_cast<size_t>(h.cols));
  const char* data = npy.data() + offset;
  for (uint64_t r = 0; r < h.rows; ++r) {
    for (uint64_t c = 0; c < h.cols; ++c) {
      const uint64_t index = h.fortran ? c * h.rows + r : r * h.cols + c;
      if (h.float64) {
        double v;
        std::memcpy(&v, data + index * 8, 8);
        row[c] = v;
      } else {
        float v;
        std::memcpy(&v, data + index * 4, 4);
        row[c] = v;
      }
    }
    table.add(std::move(id_list[r]), row, static_cast<int64_t>(r + 1));
  }
  return table.finish();
}

FactorSettings read_factor_settings(std::string_view json, const std::string& source) {
  text::Decoded decoded;
  text::decode(json, source, decoded);
  // Spark's metadata is one JSON line; a file may hold several (take the first non-blank).
  std::string_view body = text::trim(decoded.text());
  const size_t newline = body.find('\n');
  if (body.substr(0, 1) == "{" && newline != std::string_view::npos && text::trim(body.substr(newline)).substr(0, 1) == "{")
    body = body.substr(0, newline);
  const JsonValue root = parse_json(body, source);
  if (!root.is_object()) throw ParseError(source, 1, 0, "expected a JSON object of settings");
  FactorSettings s;
  // Explicitly set parameters first, then Spark's defaults, then top-level keys.
  const JsonValue* layers[] = {root.find("paramMap"), root.find("defaultParamMap"), &root};
  auto number = [&](std::initializer_list<const char*> keys, double& out) {
    for (const JsonValue* layer : layers) {
      if (!layer || !layer->is_object()) continue;
      for (const char* key : keys) {
        const JsonValue* v = layer->find(key);
        if (!v) continue;
        if (!v->is_number() || !std::isfinite(v->number)) throw ParseError(source, 1, 0, std::string("\"") + key + "\" must be a number");
        out = v->number;
        return true;
      }
    }
    return false;
  };
  double rank = 0;
  s.has_rank = number({"rank", "factors"}, rank);
  if (s.has_rank && (rank < 1 || rank > 100000 || rank != std::floor(rank))) throw ParseError(source, 1, 0, "\"rank\" must be a whole number >= 1");
  s.rank = static_cast<int32_t>(rank);
  s.has_reg = number({"regParam", "regularization", "reg"}, s.reg);
  if (s.has_reg && s.reg < 0) throw ParseError(source, 1, 0, "\"regParam\" must not be negative");
  s.has_alpha = number({"alpha"}, s.alpha);
  if (s.has_alpha && s.alpha < 0) throw ParseError(source, 1, 0, "\"alpha\" must not be negative");
  for (const JsonValue* layer : layers) {
    const JsonValue* v = layer && layer->is_object() ? layer->find("implicitPrefs") : nullptr;
    if (!v) continue;
    if (v->kind != JsonValue::Kind::boolean) throw ParseError(source, 1, 0, "\"implicitPrefs\" must be true or false");
    s.has_implicit = true;
    s.implicit = v->boolean;
    break;
  }
  return s;
}

}  // namespace cofi
