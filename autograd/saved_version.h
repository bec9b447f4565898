// Version checks of saved tensors. A node notes the storage version of each
// tensor it saves when it is recorded and checks it before its rule reads the
// tensor: an in-place write in between (w.value().add_(...), an optimizer step,
// copy_ into an activation) would otherwise make the gradient silently wrong.
// The error names the node, the saved tensor and both versions.
#pragma once

#include <cstddef>
#include <cstdint>

#include "autograd/variable.h"
#include "tensor/tensor.h"

namespace nabla {

class Node;

namespace detail {

/// What a saved tensor is to its op: input k (k >= 0, a view of it included),
/// the op's output, or a tensor computed inside the op.
inline constexpr std::int8_t kSavedOutput = -1;
inline constexpr std::int8_t kSavedIntermediate = -2;

struct SavedVersion {
  std::uint32_t version = 0;
  std::int8_t role = kSavedIntermediate;
};

/// The version and role of `saved` when an op with output y and these inputs
/// is recorded.
template <class Inputs>
SavedVersion note_saved(const Tensor& saved, const Tensor& y, const Inputs& inputs) {
  SavedVersion noted{saved.version(), kSavedIntermediate};
  if (saved.shares_storage(y)) {
    noted.role = kSavedOutput;
  } else {
    std::int8_t k = 0;
    for (const Variable& v : inputs) {
      if (v.defined() && saved.shares_storage(v.value())) {
        noted.role = k;
        break;
      }
      if (++k == INT8_MAX) break;
    }
  }
  return noted;
}

[[noreturn]] void throw_saved_modified(const Node& node,
                                       std::size_t index,
                                       std::size_t count,
                                       const Tensor& saved,
                                       SavedVersion noted);

/// Throws unless `saved` is at the version noted when it was saved.
inline void check_saved(const Node& node,
                        std::size_t index,
                        std::size_t count,
                        const Tensor& saved,
                        SavedVersion noted) {
  if (saved.version() != noted.version) [[unlikely]]
    throw_saved_modified(node, index, count, saved, noted);
}

}  // namespace detail
}  // namespace nabla
