// Threading for the elementwise and reduction kernels: parallel_for runs a
// range on OpenMP threads when it is large enough to pay for the fork, and
// inline otherwise, so small tensors take the cheapest path.
#pragma once

#include <atomic>
#include <cstdint>
#include <type_traits>

namespace nabla {

/// Sets the number of threads used by nabla's kernels and by BLIS (>= 1).
/// Throws nabla::Error for n < 1.
void set_num_threads(int n);

/// Returns the number of threads kernels may use.
int get_num_threads();

/// Below this many elements, an elementwise kernel runs on the calling thread:
/// a fork/join costs about as much as streaming that many floats.
inline constexpr std::int64_t kParallelGrain = 32768;

namespace detail {
using RangeFn = void (*)(void* ctx, std::int64_t begin, std::int64_t end);
void parallel_run(std::int64_t begin, std::int64_t end, std::int64_t grain, RangeFn fn, void* ctx);
}  // namespace detail

/// Calls f(b, e) on disjoint sub-ranges covering [begin, end), each at least
/// `grain` long, in parallel when there is more than one such sub-range.
template <class F>
void parallel_for(std::int64_t begin, std::int64_t end, std::int64_t grain, F&& f) {
  if (begin >= end) return;
  if (end - begin <= grain || get_num_threads() == 1) {
    f(begin, end);
    return;
  }
  using Fn = std::remove_reference_t<F>;
  detail::parallel_run(
      begin, end, grain,
      [](void* ctx, std::int64_t b, std::int64_t e) { (*static_cast<Fn*>(ctx))(b, e); },
      const_cast<void*>(static_cast<const void*>(&f)));
}

}  // namespace nabla
