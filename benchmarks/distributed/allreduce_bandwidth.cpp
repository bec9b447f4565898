// Allreduce bandwidth, 1 KB to 64 MB of f32, of nabla's deterministic
// allreduce (Communicator::allreduce_: reduce-scatter in rank order, then
// allgather) beside MPI_Allreduce with MPI_SUM (whose result may depend on the
// arrival order). Run under mpirun; rank 0 prints a Markdown table
// (docs/benchmarks.md). Fixed repetition counts: every rank must join every
// collective, so no rank may decide alone how often to run.
//
//   mpirun -np 2 build/benchmarks/nabla_allreduce_bandwidth
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "distributed/communicator.h"
#include "tensor/factory.h"
#include "tensor/random.h"

using namespace nabla;

namespace {

// The slowest rank's median time of `repeats` runs of `op`, in seconds.
template <class F>
double median_seconds(const distributed::Communicator& comm, int repeats, F&& op) {
  std::vector<double> times;
  op();  // warm-up
  for (int r = 0; r < repeats; ++r) {
    comm.barrier();
    const auto start = std::chrono::steady_clock::now();
    op();
    times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  const Tensor all = comm.allgather(full({1}, times[times.size() / 2], DType::f64));
  const std::vector<double> medians = all.to_vector<double>();
  return *std::max_element(medians.begin(), medians.end());
}

}  // namespace

int main() {
  const auto comm = distributed::Communicator::world();
  const int p = comm.size();
  if (comm.rank() == 0) {
    std::printf("allreduce of f32 on %d ranks (median of the slowest rank)\n\n", p);
    std::printf("| size | nabla deterministic | bus bandwidth | MPI_Allreduce | bus bandwidth |\n");
    std::printf("|---:|---:|---:|---:|---:|\n");
  }
  for (std::int64_t bytes = 1024; bytes <= (std::int64_t{64} << 20); bytes *= 4) {
    const std::int64_t n = bytes / 4;
    Generator gen(static_cast<std::uint64_t>(comm.rank()));
    Tensor t = randn({n}, gen);
    const int repeats =
        static_cast<int>(std::clamp<std::int64_t>((std::int64_t{256} << 20) / bytes, 5, 200));
    const double ours = median_seconds(comm, repeats, [&] { comm.allreduce_(t); });
    std::vector<float> in(static_cast<std::size_t>(n), 1.0f), out(static_cast<std::size_t>(n));
    const double mpi = median_seconds(comm, repeats, [&] {
      MPI_Allreduce(in.data(), out.data(), static_cast<int>(n), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    });
    // Bus bandwidth: the 2 (p - 1) / p of the data each rank sends and receives.
    const double factor = 2.0 * (p - 1) / p;
    if (comm.rank() == 0) {
      const char* unit = bytes >= (1 << 20) ? "MB" : "KB";
      const std::int64_t shown = bytes >= (1 << 20) ? bytes >> 20 : bytes >> 10;
      std::printf("| %lld %s | %.1f µs | %.2f GB/s | %.1f µs | %.2f GB/s |\n",
                  static_cast<long long>(shown), unit, ours * 1e6, factor * bytes / ours / 1e9,
                  mpi * 1e6, factor * bytes / mpi / 1e9);
    }
  }
  return 0;
}
