#include "tensor/parallel.h"

#include <omp.h>

#include <algorithm>
#include <thread>

#include "tensor/blis_config.h"
#include "tensor/error.h"

namespace nabla {
namespace {

int default_threads() {
  return std::max(1, omp_get_max_threads());
}

std::atomic<int>& thread_count() {
  static std::atomic<int> n{default_threads()};
  return n;
}

}  // namespace

void set_num_threads(int n) {
  NABLA_CHECK(n >= 1, "set_num_threads", "expected at least 1 thread, got ", n);
  thread_count().store(n, std::memory_order_relaxed);
  omp_set_num_threads(n);
  set_blis_threads(n);
}

int get_num_threads() {
  return thread_count().load(std::memory_order_relaxed);
}

ThreadCountGuard::ThreadCountGuard(int n) : previous_(get_num_threads()) {
  NABLA_CHECK(n >= 0, "ThreadCountGuard", "expected a thread count >= 0 (0 keeps the current ",
              previous_, "), got ", n);
  if (n > 0) set_num_threads(n);
}

ThreadCountGuard::~ThreadCountGuard() {
  if (get_num_threads() != previous_) set_num_threads(previous_);
}

namespace detail {

void parallel_run(std::int64_t begin, std::int64_t end, std::int64_t grain, RangeFn fn, void* ctx) {
  const std::int64_t n = end - begin;
  const std::int64_t max_chunks = std::max<std::int64_t>(1, n / std::max<std::int64_t>(grain, 1));
  const int threads = static_cast<int>(std::min<std::int64_t>(get_num_threads(), max_chunks));
  if (threads <= 1 || omp_in_parallel()) {
    fn(ctx, begin, end);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const std::int64_t t = omp_get_thread_num();
    const std::int64_t nt = omp_get_num_threads();
    const std::int64_t b = begin + n * t / nt;
    const std::int64_t e = begin + n * (t + 1) / nt;
    if (b < e) fn(ctx, b, e);
  }
}

}  // namespace detail
}  // namespace nabla
