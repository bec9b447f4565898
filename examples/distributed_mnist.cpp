// Data-parallel training on MPI: the same program runs on every rank, each rank
// trains on its shard of every epoch, gradients are averaged during backward,
// and the ranks end with the same weights (docs/distributed.md).
//
//   mpirun -np 2 distributed_mnist --epochs 3 --threads 1
//   mpirun -np 4 --hostfile hosts distributed_mnist --data /srv/fashion-mnist
//
// Trains Fashion-MNIST (Debian package dataset-fashion-mnist, read by every
// rank from --data on its own machine) or, when it is not installed, the two
// spirals (generated from the seed on every rank: no files). Rank 0 prints the
// progress and the lesson's table, writes the model, the training log and the
// history plot into --out; --min-accuracy makes every rank exit with 1 when
// the test accuracy is lower. --timeout sets how long a rank waits for the
// others in a collective (a stuck rank then ends the run instead of hanging it).
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "nabla.h"

using namespace nabla;
namespace po = boost::program_options;

namespace {

struct Settings {
  std::int64_t epochs = 3;
  std::int64_t batch_size = 64;
  std::int64_t hidden = 128;
  double lr = 1e-3;
  std::uint64_t seed = 1;
  int threads = 1;
  std::int64_t limit = 0;
  std::string data_dir = "/usr/share/datasets/fashion-mnist";
  std::string out = "runs/distributed_mnist";
  std::int64_t spiral_epochs = 40;
  double min_accuracy = 0.0;
  double timeout = 0.0;
};

struct Task {
  std::string name;
  data::Dataset train, test;
  std::int64_t inputs = 0, classes = 0;
};

Task load_task(const Settings& s, std::int64_t& epochs) {
  if (!data::datasets::fashion_mnist_available(s.data_dir)) {
    epochs = s.spiral_epochs;
    return {"two spirals (Fashion-MNIST is not installed in " + s.data_dir + ")",
            data::datasets::two_spirals({.n_per_class = 200, .noise = 0.1, .seed = s.seed}),
            data::datasets::two_spirals({.n_per_class = 200, .noise = 0.1, .seed = s.seed + 1}), 2,
            2};
  }
  const data::datasets::FashionMnist fm = data::datasets::fashion_mnist(s.data_dir);
  data::Dataset train = fm.train;
  if (s.limit > 0 && s.limit < train.size()) {
    std::vector<std::int64_t> first(static_cast<std::size_t>(s.limit));
    for (std::int64_t i = 0; i < s.limit; ++i) first[static_cast<std::size_t>(i)] = i;
    train = train.subset(first);
  }
  data::StandardScaler scaler;
  train = scaler.fit_transform(train);
  return {"Fashion-MNIST", train, scaler.transform(fm.test), 784, 10};
}

// True when every rank holds rank 0's bytes of every parameter.
bool same_weights_everywhere(const distributed::Communicator& comm, const nn::Module& model) {
  for (const Variable& p : model.parameters()) {
    const Tensor all = comm.allgather(p.value());
    const std::size_t bytes = static_cast<std::size_t>(p.numel()) * p.value().element_size();
    const auto* base = static_cast<const unsigned char*>(all.raw_data());
    for (int q = 1; q < comm.size(); ++q)
      if (std::memcmp(base, base + q * bytes, bytes) != 0) return false;
  }
  return true;
}

int train_on_every_rank(const Settings& s, const distributed::Communicator& comm) {
  const bool lead = comm.rank() == 0;
  set_num_threads(s.threads);
  manual_seed(s.seed);
  std::int64_t epochs = s.epochs;
  const Task task = load_task(s, epochs);
  const std::filesystem::path out = s.out;
  if (lead) std::filesystem::create_directories(out);

  nn::Sequential model(nn::Linear(task.inputs, s.hidden, {.activation = nn::Activation::relu}),
                       nn::Dropout({.p = 0.1, .seed = s.seed}),
                       nn::Linear(s.hidden, s.hidden, {.activation = nn::Activation::relu}),
                       nn::Linear(s.hidden, task.classes));
  optim::Adam adam(model.named_parameters(), {.lr = task.inputs == 2 ? 0.02 : s.lr});
  const auto start = std::chrono::steady_clock::now();
  const metrics::History history = train::fit(
      model, nn::CrossEntropyLoss{}, adam, task.train,
      {.epochs = epochs,
       .batch_size = s.batch_size,
       .seed = s.seed,
       .metrics = {"accuracy"},
       .callbacks = {std::make_shared<callbacks::ReduceLROnPlateau>(
                         callbacks::ReduceLROnPlateauOptions{.monitor = "loss", .patience = 2}),
                     distributed::on_rank_zero(
                         comm, std::make_shared<callbacks::CSVLogger>(callbacks::CSVLoggerOptions{
                                   .filename = (out / "history.csv").string()}))},
       .verbose = 2,
       .communicator = comm});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Each rank evaluates its share of the test set's batches; every rank gets
  // the numbers of one process evaluating all of it, which the lesson checks.
  const metrics::Logs test =
      train::evaluate(model, nn::CrossEntropyLoss{}, task.test,
                      {.metrics = {"accuracy", "f1_macro"}, .verbose = 1, .communicator = comm});
  const metrics::Logs alone = train::evaluate(model, nn::CrossEntropyLoss{}, task.test,
                                              {.metrics = {"accuracy", "f1_macro"}});
  bool as_one_process = true;
  for (const auto& [key, value] : alone) as_one_process = as_one_process && test.at(key) == value;
  const bool same = same_weights_everywhere(comm, model);
  const distributed::DistributedSampler sampler(task.train.size(), comm);

  if (lead) {
    std::printf("\n%s on %d rank(s), %d thread(s) each\n\n", task.name.c_str(), comm.size(),
                s.threads);
    std::printf(
        "| ranks | samples per rank and epoch | batch per rank | global batch | epochs "
        "| training s | test accuracy | test macro F1 | test logs as one process's "
        "| weights identical on every rank |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
    std::printf("| %d | %lld of %lld | %lld | %lld | %lld | %.1f | %.4f | %.4f | %s | %s |\n",
                comm.size(), static_cast<long long>(sampler.num_samples()),
                static_cast<long long>(task.train.size()), static_cast<long long>(s.batch_size),
                static_cast<long long>(s.batch_size * comm.size()),
                static_cast<long long>(history.size()), seconds, test.at("accuracy"),
                test.at("f1_macro"), as_one_process ? "yes" : "NO", same ? "yes" : "NO");
    std::printf(
        "\nEach rank saw its own shard of every epoch; the averaged gradients kept the "
        "models identical,\nso one checkpoint (rank 0's) describes them all. Each rank "
        "evaluated 1/%d of the test\nset's batches; the combined loss and metrics are those "
        "of one process evaluating all of it.\n",
        comm.size());
    checkpoint::save_model(out / "model.safetensors", model);
    plot::plot_history(history, out / "history.png");
    std::cout << "Wrote model.safetensors, history.csv and history.png in " << out.string() << "\n";
  }
  if (!same || !as_one_process) return 1;
  if (test.at("accuracy") < s.min_accuracy) {
    if (lead)
      std::printf("test accuracy %.4f is below the expected %.4f\n", test.at("accuracy"),
                  s.min_accuracy);
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  po::options_description options("distributed_mnist options");
  options.add_options()("help,h", "show this help")(
      "epochs", po::value(&s.epochs)->default_value(s.epochs), "epochs (Fashion-MNIST)")(
      "batch-size", po::value(&s.batch_size)->default_value(s.batch_size),
      "samples per rank and step")("hidden", po::value(&s.hidden)->default_value(s.hidden),
                                   "hidden units per layer")(
      "lr", po::value(&s.lr)->default_value(s.lr), "Adam's learning rate (Fashion-MNIST)")(
      "seed", po::value(&s.seed)->default_value(s.seed), "random seed (the same on every rank)")(
      "threads", po::value(&s.threads)->default_value(s.threads), "threads per rank")(
      "limit", po::value(&s.limit)->default_value(s.limit),
      "train on the first n training images only (0: all)")(
      "data", po::value(&s.data_dir)->default_value(s.data_dir),
      "Fashion-MNIST directory, on every machine")("out", po::value(&s.out)->default_value(s.out),
                                                   "output directory (rank 0)")(
      "spiral-epochs", po::value(&s.spiral_epochs)->default_value(s.spiral_epochs),
      "epochs of the two spirals, trained when Fashion-MNIST is not installed")(
      "min-accuracy", po::value(&s.min_accuracy)->default_value(s.min_accuracy),
      "exit with 1 when the test accuracy is lower")(
      "timeout", po::value(&s.timeout)->default_value(s.timeout),
      "seconds a rank waits for the others in a collective before every rank ends "
      "(0: NABLA_MPI_TIMEOUT, or 600)");
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << options << "\n";
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "distributed_mnist: " << e.what() << "\n" << options << "\n";
    return 2;
  }
  // A rank that fails ends every rank, with a message naming it, instead of
  // leaving the others waiting in a collective.
  distributed::Communicator comm = distributed::Communicator::world();
  return distributed::run_or_abort(comm, [&] {
    if (s.timeout > 0) comm.set_timeout(distributed::Seconds(s.timeout));
    return train_on_every_rank(s, comm);
  });
}
