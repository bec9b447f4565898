// Safetensors files built byte by byte, independently of how the library
// writes them: shared by the checkpoint tests and the catalogue of bad inputs.
#pragma once

#include <cstdint>
#include <string>

namespace nabla::testing {

/// `n` as 8 little-endian bytes.
inline std::string u64_le(std::uint64_t n) {
  std::string bytes;
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  return bytes;
}

/// A safetensors file from its parts: length field, header text, data.
inline std::string file_of(const std::string& header, const std::string& data) {
  return u64_le(header.size()) + header + data;
}

}  // namespace nabla::testing
