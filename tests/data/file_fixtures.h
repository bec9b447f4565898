// Files written by the data reader tests: IDX files and gzip streams built
// byte by byte (independently of the readers under test), written into a
// TempDir (temp_dir.h).
#pragma once

#include <gtest/gtest.h>

#include "temp_dir.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace nabla::data::test_files {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

// An IDX file written byte by byte: 0 0 <type> <ndims>, big-endian u32 dims,
// then `data` as given (already big-endian).
inline Bytes idx_file(std::uint8_t type,
                      const std::vector<std::uint32_t>& dims,
                      const Bytes& data) {
  Bytes out{0, 0, type, static_cast<std::uint8_t>(dims.size())};
  for (std::uint32_t d : dims) {
    out.push_back(static_cast<std::uint8_t>(d >> 24));
    out.push_back(static_cast<std::uint8_t>(d >> 16));
    out.push_back(static_cast<std::uint8_t>(d >> 8));
    out.push_back(static_cast<std::uint8_t>(d));
  }
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

// CRC-32 of gzip (reflected polynomial 0xEDB88320), bit by bit.
inline std::uint32_t crc32(const Bytes& bytes) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::uint8_t b : bytes) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

inline void put_le32(Bytes& out, std::uint32_t v) {
  for (int k = 0; k < 4; ++k) out.push_back(static_cast<std::uint8_t>(v >> (8 * k)));
}

// A gzip file written by hand (RFC 1952): the 10-byte header (1f 8b, method 8 =
// deflate, no flags, mtime 0, xfl 0, OS 3), the data as "stored" deflate blocks
// (RFC 1951: a byte with BFINAL and BTYPE = 00, then LEN and its complement NLEN,
// little-endian, then LEN raw bytes), then the CRC-32 and the length.
inline Bytes gzip(const Bytes& raw) {
  Bytes out{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
  std::size_t at = 0;
  do {
    const std::size_t len = std::min<std::size_t>(raw.size() - at, 65535);
    const bool last = at + len == raw.size();
    out.push_back(last ? 1 : 0);
    out.push_back(static_cast<std::uint8_t>(len));
    out.push_back(static_cast<std::uint8_t>(len >> 8));
    out.push_back(static_cast<std::uint8_t>(~len));
    out.push_back(static_cast<std::uint8_t>(~len >> 8));
    out.insert(out.end(), raw.begin() + static_cast<std::ptrdiff_t>(at),
               raw.begin() + static_cast<std::ptrdiff_t>(at + len));
    at += len;
  } while (at < raw.size());
  put_le32(out, crc32(raw));
  put_le32(out, static_cast<std::uint32_t>(raw.size()));
  return out;
}

// Deterministic bytes that deflate cannot shrink to nothing (an LCG's high byte).
inline Bytes noise(std::size_t n) {
  Bytes out(n);
  std::uint32_t state = 12345;
  for (auto& b : out) {
    state = state * 1664525u + 1013904223u;
    b = static_cast<std::uint8_t>(state >> 24);
  }
  return out;
}

using TempDir = nabla::testing::TempDir;

}  // namespace nabla::data::test_files
