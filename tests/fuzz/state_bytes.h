// Comparisons of what a load produced with what it read, for the properties
// the targets check after a successful load (and after a failed one: nothing
// changed).
#pragma once

#include <cstring>
#include <string>

#include "tensor/state_dict.h"

namespace nabla::fuzz {

/// The elements of `t` in row-major order as raw bytes.
inline std::string tensor_bytes(const Tensor& t) {
  if (!t.defined()) return "<undefined>";
  const Tensor c = t.contiguous();
  const char* p = static_cast<const char*>(c.raw_data());
  const auto n = static_cast<std::size_t>(c.numel()) * c.element_size();
  return p == nullptr || n == 0 ? std::string() : std::string(p, n);
}

/// Same keys in the same order, same dtypes, shapes and bytes.
inline bool same_state(const StateDict& a, const StateDict& b) {
  if (a.size() != b.size()) return false;
  auto ib = b.begin();
  for (auto ia = a.begin(); ia != a.end(); ++ia, ++ib) {
    if (ia->first != ib->first || ia->second.dtype() != ib->second.dtype() ||
        ia->second.shape() != ib->second.shape() ||
        tensor_bytes(ia->second) != tensor_bytes(ib->second))
      return false;
  }
  return true;
}

}  // namespace nabla::fuzz
