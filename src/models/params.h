// Model parameters as given by a user (`--set k=40`, or a JS object), read with typed getters.
// Each model reads the keys it knows; finish() then rejects any key nobody read, so a typo such as
// `--set K=40` is an error instead of being silently ignored.
#pragma once
#include <map>
#include <set>
#include <string>

namespace cofi {

class Params {
 public:
  Params() = default;
  explicit Params(std::map<std::string, std::string> values) : values_(std::move(values)) {}

  void set(const std::string& key, const std::string& value) { values_[key] = value; }
  bool has(const std::string& key) const { return values_.count(key) != 0; }
  const std::map<std::string, std::string>& values() const { return values_; }

  // Each getter throws std::invalid_argument naming the key and the expected type on a bad value.
  int get_int(const std::string& key, int fallback, int min_value, int max_value) const;
  double get_double(const std::string& key, double fallback, double min_value, double max_value) const;
  bool get_bool(const std::string& key, bool fallback) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;
  // `allowed` lists the accepted values; the error names them.
  std::string get_choice(const std::string& key, const std::string& fallback,
                         const std::set<std::string>& allowed) const;

  // Throws std::invalid_argument if a key was given that no getter asked for.
  void finish(const std::string& algorithm) const;

 private:
  const std::string* lookup(const std::string& key) const;
  std::map<std::string, std::string> values_;
  mutable std::set<std::string> known_;
};

}  // namespace cofi
