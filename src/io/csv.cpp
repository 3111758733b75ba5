#include "io/csv.h"

#include <cstring>
#include <utility>

#include "io/parse_error.h"
#include "io/text.h"

namespace cofi {
namespace csv {

Tokenizer::Tokenizer(std::string_view text, std::string_view delimiter, std::string source)
    : begin_(text.data()),
      p_(text.data()),
      end_(text.data() + text.size()),
      delimiter_(delimiter),
      first_(delimiter.empty() ? ',' : delimiter[0]),
      trim_spaces_(delimiter.find(' ') == std::string_view::npos),
      trim_tabs_(delimiter.find('\t') == std::string_view::npos),
      source_(std::move(source)) {
  if (delimiter_.empty()) delimiter_ = ",";
  std::memset(stop_, 0, sizeof stop_);
  stop_[static_cast<unsigned char>(first_)] = 1;
  stop_[static_cast<unsigned char>('\n')] = 1;
  stop_[static_cast<unsigned char>('\r')] = 1;
}

bool Tokenizer::at_delimiter(const char* p) const {
  if (*p != first_) return false;
  const size_t size = delimiter_.size();
  return size == 1 || (static_cast<size_t>(end_ - p) >= size && std::memcmp(p, delimiter_.data(), size) == 0);
}

bool Tokenizer::at_field_end(const char* p) const {
  return p == end_ || *p == '\n' || *p == '\r' || at_delimiter(p);
}

const char* Tokenizer::scan_unquoted(const char* p) const {
  if (delimiter_.size() == 1) {
    while (p < end_ && stop_[static_cast<unsigned char>(*p)] == 0) ++p;
    return p;
  }
  for (;;) {
    while (p < end_ && stop_[static_cast<unsigned char>(*p)] == 0) ++p;
    if (p == end_ || *p == '\n' || *p == '\r' || at_delimiter(p)) return p;
    ++p;  // the delimiter's first byte alone
  }
}

void Tokenizer::count_lines(const char* begin, const char* end) {
  for (const char* p = begin; p < end; ++p) {
    if (*p == '\n') {
      ++line_;
    } else if (*p == '\r' && (p + 1 >= end_ || p[1] != '\n')) {
      ++line_;
    }
  }
}

bool Tokenizer::next(Row& row) {
  row.fields.clear();
  buffer_.clear();
  pending_.clear();

  // Skip blank lines (only spaces and tabs, even when they are the delimiter).
  for (;;) {
    const char* q = p_;
    while (q < end_ && (*q == ' ' || *q == '\t')) ++q;
    if (q == end_) {
      p_ = end_;
      return false;
    }
    if (*q == '\n') {
      p_ = q + 1;
      ++line_;
      continue;
    }
    if (*q == '\r') {
      p_ = q + 1;
      if (p_ < end_ && *p_ == '\n') ++p_;
      ++line_;
      continue;
    }
    break;
  }
  row.line = line_;

  for (;;) {
    while (p_ < end_ && is_blank(*p_)) ++p_;
    if (p_ < end_ && *p_ == '"') {
      const int64_t open_line = line_;
      const size_t field_number = row.fields.size() + 1;
      ++p_;
      const char* content = p_;
      const char* close = nullptr;
      bool in_buffer = false;
      const size_t offset = buffer_.size();
      for (;;) {
        const void* found = std::memchr(p_, '"', static_cast<size_t>(end_ - p_));
        if (found == nullptr) {
          throw ParseError(source_, open_line, static_cast<int32_t>(field_number),
                           "unclosed quote in field " + std::to_string(field_number));
        }
        const char* quote = static_cast<const char*>(found);
        count_lines(p_, quote);
        if (quote + 1 < end_ && quote[1] == '"') {  // "" is one literal quote
          if (!in_buffer) {
            buffer_.append(content, static_cast<size_t>(quote + 1 - content));
            in_buffer = true;
          } else {
            buffer_.append(p_, static_cast<size_t>(quote + 1 - p_));
          }
          p_ = quote + 2;
          continue;
        }
        if (in_buffer) buffer_.append(p_, static_cast<size_t>(quote - p_));
        close = quote;
        p_ = quote + 1;
        break;
      }
      const char* after = p_;
      while (p_ < end_ && is_blank(*p_)) ++p_;
      if (!at_field_end(p_)) {
        // Text after the closing quote: kept literally.
        const char* tail_end = scan_unquoted(p_);
        const char* tail_last = tail_end;
        while (tail_last > after && is_blank(tail_last[-1])) --tail_last;
        if (!in_buffer) {
          buffer_.append(content, static_cast<size_t>(close - content));
          in_buffer = true;
        }
        buffer_.append(after, static_cast<size_t>(tail_last - after));
        p_ = tail_end;
      }
      if (in_buffer) {
        pending_.push_back({row.fields.size(), offset, buffer_.size() - offset});
        row.fields.emplace_back();
      } else {
        row.fields.emplace_back(content, static_cast<size_t>(close - content));
      }
    } else {
      const char* begin = p_;
      p_ = scan_unquoted(p_);
      const char* last = p_;
      while (last > begin && is_blank(last[-1])) --last;
      row.fields.emplace_back(begin, static_cast<size_t>(last - begin));
    }

    if (p_ == end_) break;
    const char c = *p_;
    if (c == '\n') {
      ++p_;
      ++line_;
      break;
    }
    if (c == '\r') {
      ++p_;
      if (p_ < end_ && *p_ == '\n') ++p_;
      ++line_;
      break;
    }
    p_ += delimiter_.size();  // the field ended at a delimiter
  }
  for (const Pending& pending : pending_)
    row.fields[pending.field] = std::string_view(buffer_.data() + pending.offset, pending.size);
  return true;
}

std::string resolve_delimiter(const std::string& option, const std::string& source) {
  if (option.empty()) return option;
  if (option == "\\t" || text::iequals(option, "tab")) return "\t";
  if (option.find_first_of("\"\n\r") != std::string::npos)
    throw ParseError(source, 0, 0, "the delimiter " + text::quoted(option) + " holds a quote or a line break");
  return option;
}

std::string detect_delimiter(std::string_view text, const std::string& source) {
  constexpr size_t kSampleBytes = 64 * 1024;
  constexpr size_t kSampleRows = 50;
  std::string_view sample = text;
  if (text.size() > kSampleBytes) {
    size_t cut = text.find_last_of("\n\r", kSampleBytes - 1);
    if (cut == std::string_view::npos) cut = text.find_first_of("\n\r", kSampleBytes);
    if (cut != std::string_view::npos) sample = text.substr(0, cut + 1);
  }

  static const char* const kCandidates[] = {"\t", ",", ";", "|", "::"};
  constexpr size_t kCount = sizeof kCandidates / sizeof kCandidates[0];
  std::vector<size_t> counts[kCount];
  Row row;
  for (size_t c = 0; c < kCount; ++c) {
    Tokenizer tokenizer(sample, kCandidates[c], source);
    try {
      while (counts[c].size() < kSampleRows && tokenizer.next(row)) counts[c].push_back(row.fields.size());
    } catch (const ParseError&) {
      // An unclosed quote (perhaps cut by the sample's end): judge by the rows before it.
    }
  }

  // A delimiter giving every sample row the same count >= 2; the most fields wins.
  int best = -1;
  size_t best_fields = 0;
  for (size_t c = 0; c < kCount; ++c) {
    const auto& n = counts[c];
    if (n.empty() || n[0] < 2) continue;
    bool same = true;
    for (size_t k : n) same = same && k == n[0];
    if (same && n[0] > best_fields) {
      best = static_cast<int>(c);
      best_fields = n[0];
    }
  }
  if (best >= 0) return kCandidates[best];

  // Otherwise the delimiter whose most common count (>= 2) covers the most rows.
  size_t best_rows = 0;
  for (size_t c = 0; c < kCount; ++c) {
    const auto& n = counts[c];
    for (size_t k : n) {
      if (k < 2) continue;
      size_t rows = 0;
      for (size_t other : n) rows += other == k ? 1 : 0;
      if (rows > best_rows || (rows == best_rows && k > best_fields)) {
        best = static_cast<int>(c);
        best_rows = rows;
        best_fields = k;
      }
    }
  }
  return best >= 0 ? kCandidates[best] : ",";
}

std::string choose_delimiter(std::string_view text, const std::string& option, const std::string& source) {
  std::string delimiter = resolve_delimiter(option, source);
  return delimiter.empty() ? detect_delimiter(text, source) : delimiter;
}

bool name_in(std::string_view name, const char* const* names, size_t count) {
  for (size_t i = 0; i < count; ++i)
    if (text::iequals(name, names[i])) return true;
  return false;
}

}  // namespace csv
}  // namespace cofi
