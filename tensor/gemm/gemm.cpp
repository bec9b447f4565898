// The route table of NOTE [ GEMM routes ] (tensor/gemm/gemm.h) and the thread
// splits of each route: a product on t threads becomes parts that each run on
// one thread, side by side (parallel_invoke); BLIS itself always runs on one.
#include "tensor/gemm/gemm.h"

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <type_traits>

#include "tensor/gemm/kernels.h"
#include "tensor/parallel.h"
#include "tensor/storage.h"

namespace nabla::gemm {
namespace {

enum class Route { kThinN, kThinK, kOwn, kBlis };

// Row panels are whole multiples of BLIS's 32-row register blocks (NOTE [ Thin
// products ] in thin.cpp), so that no panel ends in a mostly empty block;
// column panels whole multiples of 32 columns.
constexpr std::int64_t kPanelRows = 32;
constexpr std::int64_t kPanelCols = 32;

// The first route of the table whose condition holds for p. It depends on the
// product alone, never on the thread count: the kernel decides the order of
// the sums, and the thread count must not change a result.
template <class T>
Route pick_route(const Product<T>& p) {
  const std::int64_t n = p.c.cols, k = p.a.cols;
  if (k > 0) {
    if (n <= kThin) return Route::kThinN;
    if (k <= kThin && p.c.cs == 1) return Route::kThinK;
  }
  if constexpr (std::is_same_v<T, float>) {
    if (k > 0 && p.c.cs == 1 && own_gemm_enabled()) return Route::kOwn;
  }
  return Route::kBlis;
}

// A sub-product that runs on one thread, by `route`.
template <class T>
struct Part {
  Route route;
  Product<T> product;
};

template <class T>
void run_on_this_thread(const Part<T>& part) {
  const auto& [a, b, beta, c] = part.product;
  switch (part.route) {
    case Route::kThinN:
      return thin_n_gemm(a, b, beta, c);
    case Route::kThinK:
      return thin_k_gemm(a, b, beta, c);
    case Route::kOwn:
      if constexpr (std::is_same_v<T, float>)
        return sgemm_avx512(c.rows, c.cols, a.cols, a.data, a.rs, a.cs, b.data, b.rs, b.cs, beta,
                            c.data, c.rs);
      break;
    case Route::kBlis:
      break;
  }
  blis_gemm(a, b, beta, c);
}

// The parts of one or two products, run side by side, each on one thread.
template <class T>
class Schedule {
 public:
  // Adds the parts of p, which takes `route`, on `threads` threads.
  void add(const Product<T>& p, Route route, int threads) {
    if constexpr (std::is_same_v<T, float>) {
      if (route == Route::kOwn) return add_own(p, threads);
    }
    const std::int64_t work = p.c.rows * p.c.cols * p.a.cols;
    const std::int64_t from = route == Route::kBlis ? kSmallGemm : kThinWork;
    if (threads >= 2 && work > from) return add_panels(p, route, threads);
    parts_.push_back({route, p});
  }

  // Runs every part; then adds the second blocks of k splits to their C.
  void run() {
    parallel_invoke(static_cast<std::int64_t>(parts_.size()), [&](std::int64_t i) {
      run_on_this_thread(parts_[static_cast<std::size_t>(i)]);
    });
    for (const KSplitSum& s : sums_) {
      for (std::int64_t i = 0; i < s.c.rows; ++i) {
        T* __restrict ci = s.c.data + i * s.c.rs;
        const T* __restrict si = s.second + i * s.c.cols;
        for (std::int64_t j = 0; j < s.c.cols; ++j) ci[j] += si[j];
      }
    }
  }

 private:
  // Row panels of whole 32-row blocks, or column panels of whole 32-column
  // blocks when C has fewer than 64 rows (thin products only by rows), each
  // run by the whole product's route on one thread: one panel per thread, two
  // above kMidGemm, so that a thread that starts late leaves less behind.
  void add_panels(const Product<T>& p, Route route, int threads) {
    const auto& [a, b, beta, c] = p;
    const std::int64_t m = c.rows, n = c.cols;
    const bool by_rows = m >= 2 * kPanelRows || route != Route::kBlis;
    const std::int64_t size = by_rows ? m : n;
    const std::int64_t unit = by_rows ? kPanelRows : kPanelCols;
    const std::int64_t per_thread = m * n * a.cols > kMidGemm ? 2 : 1;
    const std::int64_t panels =
        std::min<std::int64_t>(std::int64_t{threads} * per_thread, size / unit);
    if (panels <= 1) {
      parts_.push_back({route, p});
      return;
    }
    auto start = [size, unit, panels](std::int64_t q) {
      return std::min(size, (size * q / panels + unit - 1) / unit * unit);
    };
    for (std::int64_t q = 0; q < panels; ++q) {
      const std::int64_t i0 = start(q), len = start(q + 1) - i0;
      if (len <= 0) continue;
      if (by_rows) {
        parts_.push_back({route,
                          {{a.data + i0 * a.rs, len, a.cols, a.rs, a.cs},
                           b,
                           beta,
                           {c.data + i0 * c.rs, len, c.cols, c.rs, c.cs}}});
      } else {
        parts_.push_back({route,
                          {a,
                           {b.data + i0 * b.cs, b.rows, len, b.rs, b.cs},
                           beta,
                           {c.data + i0 * c.cs, c.rows, len, c.rs, c.cs}}});
      }
    }
  }

  // From kSmallGemm on, min(threads, blocks) parts of the own kernel's work
  // (two per thread above kMidGemm, as for panels):
  // - two parts, when k is the largest dim and the kernel cuts it into two
  //   blocks: one adds its block's product to C, the other writes its own into
  //   a buffer, added to C once both ran. This is the kernel's own order of
  //   operations (sgemm_avx512_k_split), and each thread touches one half of
  //   B's rows: for the first layer's x·W, the half of W that the same thread
  //   later updates in the optimizer step (whose two halves are W's first and
  //   last rows) and whose gradient rows it computes (the row split below), so
  //   the three stay in that core's cache;
  // - column ranges of whole register blocks (64 columns, or 32 when C is
  //   narrower) when C is at least as wide as tall (each thread then reads all
  //   of A and its part of B);
  // - row ranges of whole 8-row runs otherwise.
  void add_own(const Product<T>& p, int threads) {
    const auto& [a, b, beta, c] = p;
    const std::int64_t m = c.rows, n = c.cols, k = a.cols;
    const bool by_cols = n >= m;
    const std::int64_t unit = by_cols ? (n >= 64 ? 64 : 32) : 8;
    const std::int64_t units = ((by_cols ? n : m) + unit - 1) / unit;
    const std::int64_t work = m * n * k;
    const std::int64_t per_thread = work > kMidGemm ? 2 : 1;
    const std::int64_t parts =
        work >= kSmallGemm ? std::min<std::int64_t>(threads * per_thread, units) : 1;
    if (parts <= 1) {
      parts_.push_back({Route::kOwn, p});
      return;
    }
    const std::int64_t k_split = sgemm_avx512_k_split(k);
    if (parts == 2 && k_split > 0 && k >= std::max(m, n)) {
      std::optional<Storage>& buffer = scratch_[sums_.size()];
      buffer.emplace(static_cast<std::size_t>(m * n) * sizeof(T));
      T* second = static_cast<T*>(buffer->data());
      parts_.push_back(
          {Route::kOwn,
           {{a.data, m, k_split, a.rs, a.cs}, {b.data, k_split, n, b.rs, b.cs}, beta, c}});
      parts_.push_back({Route::kOwn,
                        {{a.data + k_split * a.cs, m, k - k_split, a.rs, a.cs},
                         {b.data + k_split * b.rs, k - k_split, n, b.rs, b.cs},
                         T(0),
                         {second, m, n, n, 1}}});
      sums_.push_back({c, second});
      return;
    }
    for (std::int64_t q = 0; q < parts; ++q) {
      const std::int64_t u0 = units * q / parts, u1 = units * (q + 1) / parts;
      if (by_cols) {
        const std::int64_t j0 = u0 * unit, j1 = std::min(n, u1 * unit);
        parts_.push_back({Route::kOwn,
                          {a,
                           {b.data + j0 * b.cs, k, j1 - j0, b.rs, b.cs},
                           beta,
                           {c.data + j0 * c.cs, m, j1 - j0, c.rs, c.cs}}});
      } else {
        const std::int64_t i0 = u0 * unit, i1 = std::min(m, u1 * unit);
        parts_.push_back({Route::kOwn,
                          {{a.data + i0 * a.rs, i1 - i0, k, a.rs, a.cs},
                           b,
                           beta,
                           {c.data + i0 * c.rs, i1 - i0, n, c.rs, c.cs}}});
      }
    }
  }

  // The second block of a k split, written to `second` ([m, n], contiguous),
  // to be added to c.
  struct KSplitSum {
    Mat<T> c;
    const T* second;
  };

  boost::container::small_vector<Part<T>, 4> parts_;
  boost::container::small_vector<KSplitSum, 2> sums_;
  std::optional<Storage> scratch_[2];  // one per product: the buffers of sums_
};

}  // namespace

template <class T>
void multiply(const Product<T>& p, int threads) {
  Schedule<T> schedule;
  schedule.add(p, pick_route(p), threads);
  schedule.run();
}

template <class T>
void multiply_side_by_side(const Product<T>& p, const Product<T>& q, int threads) {
  const int p_threads = std::max(1, threads / 2), q_threads = std::max(1, threads - p_threads);
  Schedule<T> schedule;
  schedule.add(p, pick_route(p), p_threads);
  schedule.add(q, pick_route(q), q_threads);
  schedule.run();
}

template void multiply<float>(const Product<float>&, int);
template void multiply<double>(const Product<double>&, int);
template void multiply_side_by_side<float>(const Product<float>&, const Product<float>&, int);
template void multiply_side_by_side<double>(const Product<double>&, const Product<double>&, int);

}  // namespace nabla::gemm
