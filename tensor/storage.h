// Storage: a reference-counted, 64-byte aligned buffer shared by a tensor and
// all of its views.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
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

  /// How many times an in-place operation wrote into these bytes. Autograd
  /// notes it when a node saves a tensor and checks it when the rule reads the
  /// tensor back: a change in between would make the gradient silently wrong.
  std::uint32_t version() const { return version_.load(std::memory_order_relaxed); }
  /// Called by every in-place operation (Tensor::bump_version()).
  void bump_version() { version_.fetch_add(1, std::memory_order_relaxed); }

 private:
  void* data_;
  std::size_t nbytes_;
  // Atomic so that reading it (when a node saves a tensor) never races with
  // an in-place write elsewhere counted at the same time; relaxed because the
  // elements themselves are not ordered by it.
  std::atomic<std::uint32_t> version_{0};
};

}  // namespace nabla
