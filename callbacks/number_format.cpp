#include "callbacks/number_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

#include "tensor/error.h"

namespace nabla::callbacks {

namespace {

struct Spec {
  bool zero_pad = false;
  int width = 0;
  int precision = -1;
  char type = 0;
};

Spec parse_spec(std::string_view spec, std::string_view owner) {
  Spec s;
  std::size_t i = 0;
  auto fail = [&] {
    NABLA_CHECK(false, owner, "invalid format spec '", spec,
                "' (expected [0][width][.precision][d|f|e|g], width and precision <= 100)");
  };
  auto read_int = [&](int& out) {
    const std::size_t start = i;
    int value = 0;
    while (i < spec.size() && spec[i] >= '0' && spec[i] <= '9') {
      value = value * 10 + (spec[i] - '0');
      if (value > 100) fail();
      ++i;
    }
    if (i == start) return false;
    out = value;
    return true;
  };
  if (i < spec.size() && spec[i] == '0') {
    s.zero_pad = true;
    ++i;
  }
  read_int(s.width);
  if (i < spec.size() && spec[i] == '.') {
    ++i;
    if (!read_int(s.precision)) fail();
  }
  if (i < spec.size()) {
    s.type = spec[i++];
    if (s.type != 'd' && s.type != 'f' && s.type != 'e' && s.type != 'g') fail();
    if (s.type == 'd' && s.precision >= 0) fail();
  }
  if (i != spec.size()) fail();
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
  std::string text;
  if (!std::isfinite(value)) {
    text = special(value);
    // Zero padding a word reads badly; Python pads "nan" with spaces too.
    if (static_cast<int>(text.size()) < s.width) text.insert(0, s.width - text.size(), ' ');
    return text;
  }
  // The format is built from a validated spec, so it holds one conversion
  // whose width and precision come from the arguments.
  std::string format = "%";
  if (s.zero_pad) format += '0';
  format += "*.*";
  format += s.type == 'd' ? 'f' : s.type == 0 ? 'g' : s.type;
  const int precision = s.type == 'd' ? 0 : (s.precision >= 0 ? s.precision : 6);
  const double shown = s.type == 'd' ? std::nearbyint(value) : value;
  // Width <= 100 and precision <= 100 bound the text for |value| < 1e308 plus digits.
  char buffer[512];
  std::snprintf(buffer, sizeof(buffer), format.c_str(), s.width, precision, shown);
  return buffer;
}

}  // namespace nabla::callbacks
