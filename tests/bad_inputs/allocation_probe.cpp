// The replaced global operator new of the bad-inputs executable: every form
// forwards to malloc / aligned_alloc (so AddressSanitizer still checks each
// block) after adding the request to a counter.
#include "bad_inputs/allocation_probe.h"

#include <atomic>
#include <cstdlib>
#include <new>

#include "tensor/buffer_cache.h"
#include "test_util.h"

namespace {

std::atomic<std::uint64_t> requested{0};

void* counted_alloc(std::size_t size, std::size_t alignment) {
  requested.fetch_add(size, std::memory_order_relaxed);
  if (size == 0) size = 1;
  if (alignment <= alignof(std::max_align_t)) return std::malloc(size);
  // aligned_alloc wants a size that is a multiple of the alignment.
  const std::size_t rounded = (size + alignment - 1) / alignment * alignment;
  return rounded < size ? nullptr : std::aligned_alloc(alignment, rounded);
}

void* throwing_alloc(std::size_t size, std::size_t alignment) {
  void* p = counted_alloc(size, alignment);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

constexpr std::size_t kPlain = alignof(std::max_align_t);

}  // namespace

void* operator new(std::size_t n) {
  return throwing_alloc(n, kPlain);
}
void* operator new[](std::size_t n) {
  return throwing_alloc(n, kPlain);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return counted_alloc(n, kPlain);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return counted_alloc(n, kPlain);
}
void* operator new(std::size_t n, std::align_val_t a) {
  return throwing_alloc(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return throwing_alloc(n, static_cast<std::size_t>(a));
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_alloc(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_alloc(n, static_cast<std::size_t>(a));
}

void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(p);
}

namespace nabla::testing {

std::uint64_t operator_new_bytes() {
  return requested.load(std::memory_order_relaxed);
}

std::uint64_t bytes_requested_by(const std::function<void()>& f) {
  const std::uint64_t new_before = operator_new_bytes();
  const std::uint64_t buffers_before = allocator_stats().requested_bytes;
  f();
  return (operator_new_bytes() - new_before) + (allocator_stats().requested_bytes - buffers_before);
}

void expect_error_before_allocating(const std::function<void()>& f,
                                    std::initializer_list<std::string> parts) {
  const std::uint64_t bytes = bytes_requested_by([&] { expect_error(f, parts); });
  EXPECT_LT(bytes, kSmallAllocation) << "the call asked for " << bytes << " bytes";
}

}  // namespace nabla::testing
