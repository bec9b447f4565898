// Helpers of the safetensors and checkpoint tests: raw file bytes and tensor
// bytes for bitwise comparisons (TempDir and read_file are in temp_dir.h).
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include "temp_dir.h"
#include "tensor/tensor.h"

namespace nabla::testing {

inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// The elements of `t` in row-major order as raw bytes.
inline std::string tensor_bytes(const Tensor& t) {
  Tensor c = t.contiguous();
  const char* p = static_cast<const char*>(c.raw_data());
  return p == nullptr ? std::string() : std::string(p, p + c.numel() * c.element_size());
}

}  // namespace nabla::testing
