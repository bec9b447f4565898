// The object pool: a thread-local pool for the small, short-lived objects every
// op creates: tensor Storage records and, in the autograd layer, Variable
// states and graph nodes. A scalar graph creates and frees thousands of them
// per step; serving them from per-size free lists is several times cheaper
// than malloc. The element buffers themselves come from tensor/buffer_cache.h.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace nabla {

namespace detail {
/// Returns a block of at least `nbytes` bytes, aligned for any scalar type.
void* pool_allocate(std::size_t nbytes);
/// Returns a block obtained from pool_allocate(nbytes) (from any thread).
void pool_free(void* p, std::size_t nbytes) noexcept;
}  // namespace detail

/// A standard allocator over the pool, for std::allocate_shared.
template <class T>
struct PoolAllocator {
  using value_type = T;
  PoolAllocator() = default;
  template <class U>
  PoolAllocator(const PoolAllocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor)
  T* allocate(std::size_t n) {
    static_assert(alignof(T) <= alignof(std::max_align_t), "over-aligned type");
    return static_cast<T*>(detail::pool_allocate(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { detail::pool_free(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const PoolAllocator<U>&) const noexcept {
    return true;
  }
};

/// std::make_shared through the pool.
template <class T, class... Args>
std::shared_ptr<T> make_pooled(Args&&... args) {
  return std::allocate_shared<T>(PoolAllocator<T>(), std::forward<Args>(args)...);
}

}  // namespace nabla
