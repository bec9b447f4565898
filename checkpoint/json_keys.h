// The scalar callbacks of a nlohmann::json SAX handler that reads only a
// document's keys and structure: every scalar is accepted and ignored. The
// loaders' key passes (duplicates, file order) derive from it.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace nabla::checkpoint::detail {

struct IgnoreScalars {
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(nlohmann::json::number_integer_t) { return true; }
  bool number_unsigned(nlohmann::json::number_unsigned_t) { return true; }
  bool number_float(nlohmann::json::number_float_t, const std::string&) { return true; }
  bool string(std::string&) { return true; }
  bool binary(nlohmann::json::binary_t&) { return true; }
};

}  // namespace nabla::checkpoint::detail
