// Number formatting shared by the callbacks that write values as text
// (CSVLogger's rows, ModelCheckpoint's file names and metadata).
#pragma once

#include <string>
#include <string_view>

namespace nabla::callbacks {

/// The shortest text that reads back as exactly `value` (std::to_chars), with
/// "nan", "inf" and "-inf" for the special values: 0.5 -> "0.5", 1e-05 -> "1e-05".
std::string format_shortest(double value);

/// `value` formatted by a printf-like spec without the '%', as Python's
/// format spec: [0][width][.precision][type] with type one of d, f, e, g
/// (default g when only a precision is given), formatted by {fmt}. "d" rounds
/// to the nearest integer, ties to even. An empty spec gives format_shortest(value). NaN and ±∞
/// print as "nan", "inf", "-inf" (padded to the width). Throws nabla::Error naming `owner` and the
/// spec when the spec is malformed or its width or precision exceeds 100.
std::string format_spec(double value, std::string_view spec, std::string_view owner);

/// Checks a spec as format_spec would, without formatting anything.
void check_spec(std::string_view spec, std::string_view owner);

}  // namespace nabla::callbacks
