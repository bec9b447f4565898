// Experiment 3, batch regimes: the same MLP on the same data, trained by
// plain SGD with the same learning rate online (one sample per step),
// with mini-batches and with the full batch.
//
// Per epoch, online learning makes n steps and full-batch learning one, so
// online learning is far ahead after the same number of epochs; per second
// the mini-batch regime usually wins, because a step on 32 samples costs
// little more than a step on one. The loss plotted is that of the whole
// training set after each epoch (computed outside the timed part). Wall
// times are printed and plotted, never checked: they depend on the machine.
// Exits 1 when online learning is not ahead of full-batch learning after the
// same number of epochs.
//
//   03_batch_regimes --n 500 --epochs 60 --batch-size 32 --lr 0.05 --seed 1
//                    --out runs/curriculum/03
#include <cstdio>
#include <vector>

#include "curriculum.h"
#include "nabla.h"

using namespace nabla;
using curriculum::format;

namespace {

// Records, at the end of each epoch, the training time so far (the time spent
// inside epochs) and the loss on the whole training set (not timed).
class EpochClock : public callbacks::Callback {
 public:
  explicit EpochClock(const data::Dataset& data) : data_(data) {}
  void on_epoch_begin(callbacks::TrainContext&, std::int64_t) override { clock_ = {}; }
  void on_epoch_end(callbacks::TrainContext& context,
                    std::int64_t epoch,
                    const metrics::Logs&) override {
    seconds_ += clock_.seconds();
    epochs.push_back(static_cast<double>(epoch + 1));
    seconds.push_back(seconds_);
    loss.push_back(train::evaluate(context.model, nn::CrossEntropyLoss{}, data_).at("loss"));
  }
  std::vector<double> epochs, seconds, loss;

 private:
  const data::Dataset& data_;
  curriculum::Stopwatch clock_;
  double seconds_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  curriculum::Args args(argc, argv, "Experiment 3: online, mini-batch and full-batch learning");
  const std::int64_t n = args.get_int("n", 500, "points per class (two moons)");
  const std::int64_t epochs = args.get_int("epochs", 60, "epochs of each regime");
  const std::int64_t batch = args.get_int("batch-size", 32, "the mini-batch size");
  const double lr = args.get_double("lr", 0.05, "SGD learning rate (the same for all)");
  const auto seed = static_cast<std::uint64_t>(args.get_int("seed", 1, "random seed"));
  const int threads = static_cast<int>(
      args.get_int("threads", 1, "worker threads (the models are small: one is fastest)"));
  const std::filesystem::path out = args.get_string("out", "runs/curriculum/03", "plots go here");
  args.finish();
  std::filesystem::create_directories(out);
  set_num_threads(threads);

  const data::Dataset moons = data::datasets::moons({.n_per_class = n, .noise = 0.2, .seed = seed});
  const std::int64_t size = moons.size();

  struct Regime {
    std::string name;
    std::int64_t batch_size;
  };
  const std::vector<Regime> regimes = {{"online (batch 1)", 1},
                                       {"mini-batch " + std::to_string(batch), batch},
                                       {"full batch", size}};

  curriculum::Table table(
      {"regime", "batch", "steps/epoch", "loss after 1 epoch", "final loss", "train seconds"});
  std::vector<plot::Curve> by_epoch, by_time;
  std::vector<double> final_loss;
  for (const Regime& regime : regimes) {
    manual_seed(seed);  // the same initial weights for every regime
    nn::Sequential model(nn::Linear(2, 32, {.activation = nn::Activation::tanh}),
                         nn::Linear(32, 32, {.activation = nn::Activation::tanh}),
                         nn::Linear(32, 2));
    optim::SGD sgd(model.named_parameters(), {.lr = lr});
    auto clock = std::make_shared<EpochClock>(moons);
    train::fit(model, nn::CrossEntropyLoss{}, sgd, moons,
               {.epochs = epochs,
                .batch_size = regime.batch_size,
                .seed = seed,
                .callbacks = {clock},
                .verbose = 0});
    const std::int64_t steps = (size + regime.batch_size - 1) / regime.batch_size;
    table.add({regime.name, std::to_string(regime.batch_size), std::to_string(steps),
               format("%.4f", clock->loss.front()), format("%.4f", clock->loss.back()),
               format("%.3f", clock->seconds.back())});
    by_epoch.push_back({regime.name, clock->epochs, clock->loss, plot::Style::line_points, 0.6});
    by_time.push_back({regime.name, clock->seconds, clock->loss, plot::Style::line_points, 0.6});
    final_loss.push_back(clock->loss.back());
  }
  std::printf("Two moons, %lld points, MLP 2-32-32-2 (tanh), SGD lr %g, %lld epochs each\n\n",
              static_cast<long long>(size), lr, static_cast<long long>(epochs));
  table.print();

  plot::plot_curves({{.title = "loss against epochs",
                      .x_label = "epoch",
                      .y_label = "training loss",
                      .log_y = true,
                      .curves = by_epoch},
                     {.title = "loss against wall time",
                      .x_label = "seconds of training",
                      .y_label = "training loss",
                      .log_y = true,
                      .curves = by_time}},
                    out / "batch_regimes.png");
  std::cout << "\nWrote batch_regimes.png in " << out.string() << "\n\n";

  curriculum::Checks checks;
  checks.expect(final_loss[0] < final_loss[2],
                "after the same epochs, online learning is ahead of full-batch learning");
  return checks.status();
}
