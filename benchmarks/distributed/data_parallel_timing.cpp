// Timings of data-parallel training (docs/benchmarks.md, "Data-parallel
// training"). Run the same binary with 1 and 2 ranks:
//
//   data_parallel_timing epoch   --threads 2 --batch 128           # 1 rank x 2 threads
//   mpirun -np 2 data_parallel_timing epoch --threads 1 --batch 64  # 2 ranks x 1 thread
//   mpirun -np 2 data_parallel_timing overlap
//
// epoch: one epoch of train::fit on Fashion-MNIST (MLP 784-256-128-10, Adam,
//   accuracy; the global batch is batch x ranks), median of 3 epochs.
// overlap: backward of an MLP 784-1024-1024-1024-10 (f32, 2.9 M parameters,
//   11.6 MB of gradients, batch 64 per rank) three ways: alone (no
//   communication), through DataParallel (buckets reduced while backward
//   runs), and alone followed by one blocking allreduce of every gradient.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "nabla.h"

using namespace nabla;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Records the duration of every epoch.
class EpochTimer : public callbacks::Callback {
 public:
  void on_epoch_begin(callbacks::TrainContext&, std::int64_t) override { start_ = Clock::now(); }
  void on_epoch_end(callbacks::TrainContext&, std::int64_t, const metrics::Logs& logs) override {
    seconds.push_back(seconds_since(start_));
    accuracy = logs.at("accuracy");
  }
  std::vector<double> seconds;
  double accuracy = 0;

 private:
  Clock::time_point start_;
};

int epoch(const distributed::Communicator& comm, int threads, std::int64_t batch) {
  set_num_threads(threads);
  manual_seed(1);
  const auto fm = data::datasets::fashion_mnist();
  data::StandardScaler scaler;
  const data::Dataset train_set = scaler.fit_transform(fm.train);
  nn::Sequential model(nn::Linear(784, 256, {.activation = nn::Activation::relu}),
                       nn::Linear(256, 128, {.activation = nn::Activation::relu}),
                       nn::Linear(128, 10));
  optim::Adam adam(model.named_parameters(), {.lr = 1e-3});
  auto timer = std::make_shared<EpochTimer>();
  train::fit(model, nn::CrossEntropyLoss{}, adam, train_set,
             {.epochs = 3,
              .batch_size = batch,
              .seed = 1,
              .metrics = {"accuracy"},
              .callbacks = {timer},
              .verbose = 0,
              .communicator = comm});
  if (comm.rank() == 0)
    std::printf("| %d | %d | %lld | %.0f ms (%.0f-%.0f) | %.4f |\n", comm.size(), threads,
                static_cast<long long>(batch * comm.size()), 1e3 * median(timer->seconds),
                1e3 * *std::min_element(timer->seconds.begin(), timer->seconds.end()),
                1e3 * *std::max_element(timer->seconds.begin(), timer->seconds.end()),
                timer->accuracy);
  return 0;
}

int overlap(const distributed::Communicator& comm) {
  set_num_threads(1);
  manual_seed(2);
  nn::Sequential model(nn::Linear(784, 1024, {.activation = nn::Activation::relu}),
                       nn::Linear(1024, 1024, {.activation = nn::Activation::relu}),
                       nn::Linear(1024, 1024, {.activation = nn::Activation::relu}),
                       nn::Linear(1024, 10));
  Generator gen(3 + static_cast<std::uint64_t>(comm.rank()));
  const Tensor x = randn({64, 784}, gen);
  const Tensor y = randint(0, 10, {64}, gen);
  const int repeats = 30;

  auto time_backward = [&](auto&& forward, auto&& after) {
    std::vector<double> times;
    for (int r = 0; r < repeats + 3; ++r) {
      model.zero_grad();
      Variable loss = nn::CrossEntropyLoss{}(forward(Variable(x)), y);
      comm.barrier();
      const auto start = Clock::now();
      loss.backward();
      after();
      if (r >= 3) times.push_back(seconds_since(start));
    }
    return median(times);
  };
  const double alone = time_backward([&](const Variable& v) { return model(v); }, [] {});
  const double blocking = time_backward([&](const Variable& v) { return model(v); },
                                        [&] {
                                          std::vector<Tensor> grads;
                                          for (const Variable& p : model.parameters())
                                            grads.push_back(reshape(p.grad(), {p.numel()}));
                                          Tensor flat = cat(grads, 0);
                                          comm.allreduce_(flat, distributed::ReduceOp::mean);
                                        });
  // Default buckets (1 MiB first, 25 MiB cap), then 4 MiB buckets: more of the
  // reduction can run while backward goes on.
  auto time_data_parallel = [&](const distributed::DataParallelOptions& options,
                                std::size_t& buckets) {
    distributed::DataParallel dp(model, comm, options);
    buckets = dp.buckets().size();
    return time_backward([&](const Variable& v) { return dp(v); }, [&] { dp.finish(); });
  };
  std::size_t default_buckets = 0, small_buckets = 0;
  const double overlapped = time_data_parallel({}, default_buckets);
  const double overlapped_small =
      time_data_parallel({.bucket_bytes = std::int64_t{4} << 20}, small_buckets);
  if (comm.rank() == 0) {
    std::printf(
        "backward of MLP 784-1024-1024-1024-10 (11.6 MB of f32 gradients), batch 64 per "
        "rank, %d rank(s) x 1 thread, median of %d\n\n",
        comm.size(), repeats);
    std::printf("| backward | time | communication beyond backward alone |\n|---|---:|---:|\n");
    std::printf("| alone (no communication) | %.2f ms | |\n", 1e3 * alone);
    std::printf("| then one blocking allreduce of all gradients | %.2f ms | %.2f ms |\n",
                1e3 * blocking, 1e3 * (blocking - alone));
    std::printf("| DataParallel, %zu buckets (1 MiB first, 25 MiB cap) | %.2f ms | %.2f ms |\n",
                default_buckets, 1e3 * overlapped, 1e3 * (overlapped - alone));
    std::printf("| DataParallel, %zu buckets (1 MiB first, 4 MiB cap) | %.2f ms | %.2f ms |\n",
                small_buckets, 1e3 * overlapped_small, 1e3 * (overlapped_small - alone));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const auto comm = distributed::Communicator::world();
  const std::string what = argc > 1 ? argv[1] : "";
  int threads = 1;
  std::int64_t batch = 128;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--threads") == 0) threads = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--batch") == 0) batch = std::atoll(argv[i + 1]);
  }
  return distributed::run_or_abort(comm, [&] {
    if (what == "epoch") return epoch(comm, threads, batch);
    if (what == "overlap") return overlap(comm);
    std::fprintf(stderr, "usage: data_parallel_timing epoch|overlap [--threads t] [--batch b]\n");
    return 2;
  });
}
