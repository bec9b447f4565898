#include "callbacks/number_format.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <regex>
#include <string>

#include "tensor/error.h"

namespace nabla::callbacks {

namespace {

// A spec of the accepted grammar, [0][width][.precision][d|e|f|g], in parts.
struct Spec {
  bool zero_pad = false;
  int width = 0;
  int precision = -1;  // none
  char type = 0;       // none
};

Spec parse_spec(std::string_view spec, std::string_view owner) {
  static const std::regex grammar(R"((0?)(\d*)(?:\.(\d+))?([defg]?))");
  std::match_results<std::string_view::const_iterator> parts;
  bool ok = std::regex_match(spec.begin(), spec.end(), parts, grammar);
  // Width and precision are at most 100; a longer run of digits overflows.
  auto number = [&](const auto& digits, int& out) {
    if (!ok || digits.length() == 0) return;
    const auto end = std::from_chars(&*digits.first, &*digits.first + digits.length(), out);
    ok = end.ec == std::errc() && out <= 100;
  };
  Spec s;
  number(parts[2], s.width);
  number(parts[3], s.precision);
  if (ok) {
    s.zero_pad = parts[1].length() > 0;
    s.type = parts[4].length() > 0 ? *parts[4].first : 0;
    ok = !(s.type == 'd' && parts[3].matched);  // a whole number has no decimals
  }
  NABLA_CHECK(ok, owner, "invalid format spec '", spec,
              "' (expected [0][width][.precision][d|f|e|g], width and precision <= 100)");
  return s;
}

std::string special(double value) {
  return std::isnan(value) ? "nan" : value > 0 ? "inf" : "-inf";
}

}  // namespace

std::string format_shortest(double value) {
  if (!std::isfinite(value)) return special(value);
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

void check_spec(std::string_view spec, std::string_view owner) {
  parse_spec(spec, owner);
}

std::string format_spec(double value, std::string_view spec, std::string_view owner) {
  if (spec.empty()) return format_shortest(value);
  const Spec s = parse_spec(spec, owner);
  if (!std::isfinite(value)) {
    // Zero padding a word reads badly; Python pads "nan" with spaces too.
    std::string text = special(value);
    if (static_cast<int>(text.size()) < s.width) text.insert(0, s.width - text.size(), ' ');
    return text;
  }
  // "d" is a whole number: the value rounded to nearest (ties to even) and
  // printed without decimals. Without a type, a precision means "g".
  const bool whole = s.type == 'd';
  const int precision = whole ? 0 : (s.precision >= 0 ? s.precision : 6);
  const char type = whole ? 'f' : s.type == 0 ? 'g' : s.type;
  const std::string width = s.width > 0 ? fmt::format("{}{}", s.zero_pad ? "0" : "", s.width) : "";
  const std::string format = fmt::format("{{:{}.{}{}}}", width, precision, type);
  return fmt::format(fmt::runtime(format), whole ? std::nearbyint(value) : value);
}

}  // namespace nabla::callbacks
