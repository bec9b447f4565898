// Threading for the kernels: parallel_for cuts a range into chunks that the
// calling thread and nabla's worker threads take one at a time, when it is
// large enough to pay for it, and runs it inline otherwise, so small tensors
// take the cheapest path; parallel_invoke runs a few independent tasks (the
// parts of a matrix product) side by side. The threads are nabla's own
// (thread_pool.h): they never make a job wait for a thread the operating
// system has not scheduled.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <type_traits>
#include <vector>

namespace nabla {

/// Sets the number of threads used by nabla's kernels (>= 1); BLIS runs
/// inside them, on one thread per call.
/// Throws nabla::Error for n < 1. The default is NABLA_NUM_THREADS, else
/// OMP_NUM_THREADS, else the number of CPUs the process may run on.
void set_num_threads(int n);

/// Returns the number of threads kernels may use.
int get_num_threads();

/// Sets the thread count for a scope and puts the previous count back when the
/// scope ends, also by an exception: `ThreadCountGuard threads(1);`. A count of
/// 0 (the default) leaves the current count alone and only restores it, for a
/// scope that calls set_num_threads itself. Throws nabla::Error for a negative
/// count.
class ThreadCountGuard {
 public:
  explicit ThreadCountGuard(int n = 0);
  ~ThreadCountGuard();
  ThreadCountGuard(const ThreadCountGuard&) = delete;
  ThreadCountGuard& operator=(const ThreadCountGuard&) = delete;

 private:
  int previous_;
};

/// Below this many elements, an elementwise kernel runs on the calling thread:
/// a fork/join costs about as much as streaming that many floats.
inline constexpr std::int64_t kParallelGrain = 32768;

namespace detail {
using RangeFn = void (*)(void* ctx, std::int64_t begin, std::int64_t end);
void parallel_run(std::int64_t begin, std::int64_t end, std::int64_t grain, RangeFn fn, void* ctx);
}  // namespace detail

/// Calls f(b, e) on disjoint sub-ranges covering [begin, end), each at least
/// `grain` long, in parallel when there is more than one such sub-range. Which
/// sub-ranges f gets depends on the thread count: f's results must not (every
/// kernel computes each output the same way whatever range holds it). An
/// exception from f is rethrown here once every sub-range has run.
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

/// Runs task(0), ..., task(count - 1) on up to get_num_threads() threads, each
/// thread taking the next task not yet taken (the calling thread first), and
/// returns once all have finished. With one thread, or when called from inside
/// another parallel_for or parallel_invoke, the tasks run one after the other
/// on the calling thread. Every task runs even if another throws; the
/// exception of the lowest-numbered task that threw is then rethrown here.
template <class F>
void parallel_invoke(std::int64_t count, F&& task) {
  if (count <= 0) return;
  if (count == 1) {
    task(std::int64_t{0});
    return;
  }
  std::vector<std::exception_ptr> error(static_cast<std::size_t>(count));
  parallel_for(0, count, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      try {
        task(i);
      } catch (...) {
        error[static_cast<std::size_t>(i)] = std::current_exception();
      }
    }
  });
  for (const std::exception_ptr& e : error)
    if (e) std::rethrow_exception(e);
}

}  // namespace nabla
