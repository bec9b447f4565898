// Storage: a reference-counted, 64-byte aligned buffer shared by a tensor and
// all of its views.
#pragma once

#include <cstddef>
#include <memory>

namespace nabla {

/// An owned, aligned block of bytes. Tensors hold it through std::shared_ptr,
/// so views keep the buffer alive; the bytes return to the buffer cache
/// (tensor/buffer_cache.h) when the last holder goes away. Kernels hold one
/// directly for a scratch buffer.
class Storage {
 public:
  /// Allocates `nbytes` uninitialised bytes; throws nabla::Error when out of memory.
  explicit Storage(std::size_t nbytes);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  std::size_t nbytes() const { return nbytes_; }

 private:
  void* data_;
  std::size_t nbytes_;
};

}  // namespace nabla
