#include "models/params.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace cofi {

const std::string* Params::lookup(const std::string& key) const {
  known_.insert(key);
  auto found = values_.find(key);
  return found == values_.end() ? nullptr : &found->second;
}

int Params::get_int(const std::string& key, int fallback, int min_value, int max_value) const {
  const std::string* text = lookup(key);
  if (!text) return fallback;
  errno = 0;
  char* end = nullptr;
  const long value = std::strtol(text->c_str(), &end, 10);
  if (text->empty() || *end != '\0' || errno == ERANGE)
    throw std::invalid_argument("parameter " + key + "=" + *text + ": expected a whole number");
  if (value < min_value || value > max_value)
    throw std::invalid_argument("parameter " + key + "=" + *text + ": expected a whole number from " +
                                std::to_string(min_value) + " to " + std::to_string(max_value));
  return static_cast<int>(value);
}

double Params::get_double(const std::string& key, double fallback, double min_value, double max_value) const {
  const std::string* text = lookup(key);
  if (!text) return fallback;
  char* end = nullptr;
  const double value = std::strtod(text->c_str(), &end);
  if (text->empty() || *end != '\0' || !std::isfinite(value))
    throw std::invalid_argument("parameter " + key + "=" + *text + ": expected a finite number");
  if (value < min_value || value > max_value) {
    auto fmt = [](double v) {
      std::string s = std::to_string(v);
      s.erase(s.find_last_not_of('0') + 1);
      if (!s.empty() && s.back() == '.') s.pop_back();
      return s;
    };
    throw std::invalid_argument("parameter " + key + "=" + *text + ": expected a number from " + fmt(min_value) +
                                " to " + fmt(max_value));
  }
  return value;
}

bool Params::get_bool(const std::string& key, bool fallback) const {
  const std::string* text = lookup(key);
  if (!text) return fallback;
  if (*text == "true" || *text == "1" || *text == "yes") return true;
  if (*text == "false" || *text == "0" || *text == "no") return false;
  throw std::invalid_argument("parameter " + key + "=" + *text + ": expected true or false");
}

std::string Params::get_string(const std::string& key, const std::string& fallback) const {
  const std::string* text = lookup(key);
  return text ? *text : fallback;
}

std::string Params::get_choice(const std::string& key, const std::string& fallback,
                               const std::set<std::string>& allowed) const {
  const std::string* text = lookup(key);
  if (!text) return fallback;
  if (allowed.count(*text)) return *text;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  throw std::invalid_argument("parameter " + key + "=" + *text + ": expected one of " + list);
}

void Params::finish(const std::string& algorithm) const {
  for (const auto& kv : values_) {
    if (known_.count(kv.first)) continue;
    std::string list;
    for (const auto& k : known_) list += (list.empty() ? "" : ", ") + k;
    throw std::invalid_argument("unknown parameter '" + kv.first + "' for " + algorithm +
                                (list.empty() ? " (it takes none)" : " (known: " + list + ")"));
  }
}

}  // namespace cofi
