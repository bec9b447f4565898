// Experiment 8, regularisation: one model that over-fits (a wide MLP on a
// small noisy training set) trained without regularisation, with an L2 and
// an L1 penalty on the weights, with dropout, and with early stopping.
//
// Without regularisation the training loss keeps falling while the
// validation loss turns and climbs: the model learns the noise. L2 shrinks
// all weights (a narrower histogram), L1 drives many of them to zero (a spike
// at 0), dropout trains a different thinned network at each step, and early
// stopping keeps the weights of the epoch with the best validation loss.
// Exits 1 when the unregularised model does not over-fit (its final
// validation loss is not above its best) or when L1 does not leave more
// near-zero weights than no penalty.
//
//   08_regularisation --n 40 --epochs 300 --hidden 128 --lr 0.01 --seed 1
//                     --out runs/curriculum/08
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "curriculum.h"
#include "nabla.h"

using namespace nabla;
using curriculum::format;

namespace {

struct Method {
  std::string name;
  nn::Regularizer penalty = {};
  double dropout = 0.0;
  bool early_stopping = false;
};

nn::Sequential make_model(const Method& m, std::int64_t hidden, std::uint64_t seed) {
  nn::Sequential model;
  model.add(nn::Linear(2, hidden,
                       {.activation = nn::Activation::relu,
                        .weight_initializer = nn::init::he_normal(),
                        .weight_regularizer = m.penalty}));
  if (m.dropout > 0) model.add(nn::Dropout({.p = m.dropout, .seed = seed}));
  model.add(nn::Linear(hidden, hidden,
                       {.activation = nn::Activation::relu,
                        .weight_initializer = nn::init::he_normal(),
                        .weight_regularizer = m.penalty}));
  if (m.dropout > 0) model.add(nn::Dropout({.p = m.dropout, .seed = seed + 1}));
  model.add(nn::Linear(hidden, 2, {.weight_regularizer = m.penalty}));
  return model;
}

}  // namespace

int main(int argc, char** argv) {
  curriculum::Args args(argc, argv, "Experiment 8: L2, L1, dropout and early stopping");
  const std::int64_t n = args.get_int("n", 40, "training points per class (two moons)");
  const std::int64_t epochs = args.get_int("epochs", 300, "maximum epochs");
  const std::int64_t hidden = args.get_int("hidden", 128, "units per hidden layer");
  const double lr = args.get_double("lr", 0.01, "Adam's learning rate");
  const double l2 = args.get_double("l2", 1e-3, "the L2 penalty λ Σ w²");
  const double l1 = args.get_double("l1", 1e-3, "the L1 penalty λ Σ |w|");
  const double dropout = args.get_double("dropout", 0.5, "dropout probability");
  const std::int64_t patience = args.get_int("patience", 20, "early-stopping patience");
  const auto seed = static_cast<std::uint64_t>(args.get_int("seed", 1, "random seed"));
  const int threads = static_cast<int>(
      args.get_int("threads", 1, "worker threads (the models are small: one is fastest)"));
  const std::filesystem::path out = args.get_string("out", "runs/curriculum/08", "plots go here");
  args.finish();
  std::filesystem::create_directories(out);
  set_num_threads(threads);

  const data::Dataset train_set =
      data::datasets::moons({.n_per_class = n, .noise = 0.3, .seed = seed});
  const data::Dataset val_set =
      data::datasets::moons({.n_per_class = 500, .noise = 0.3, .seed = seed + 1});

  const std::vector<Method> methods = {{"none"},
                                       {format("L2 %g", l2), nn::l2(l2)},
                                       {format("L1 %g", l1), nn::l1(l1)},
                                       {format("dropout %g", dropout), {}, dropout},
                                       {"early stopping", {}, 0.0, true}};
  curriculum::Table table({"method", "epochs", "train loss", "val loss", "best val loss",
                           "val accuracy", "|w| < 0.01", "max |w|"});
  std::vector<plot::Panel> panels;
  std::vector<plot::Sample> weights;
  std::vector<double> final_val, best_val, near_zero;
  for (const Method& m : methods) {
    manual_seed(seed);
    nn::Sequential model = make_model(m, hidden, seed);
    optim::Adam adam(model.named_parameters(), {.lr = lr});
    std::vector<std::shared_ptr<callbacks::Callback>> run_callbacks;
    if (m.early_stopping)
      run_callbacks.push_back(std::make_shared<callbacks::EarlyStopping>(
          callbacks::EarlyStoppingOptions{.patience = patience, .restore_best_weights = true}));
    const metrics::History history = train::fit(model, nn::CrossEntropyLoss{}, adam, train_set,
                                                {.epochs = epochs,
                                                 .batch_size = 16,
                                                 .seed = seed,
                                                 .validation_data = &val_set,
                                                 .metrics = {"accuracy"},
                                                 .callbacks = run_callbacks,
                                                 .verbose = 0});
    // The data loss alone: fit and evaluate add the penalty, which differs
    // between the methods.
    auto data_loss = [&model](const data::Dataset& d) {
      return nn::CrossEntropyLoss{}(train::predict(model, d), d.targets()).value().item<double>();
    };
    const double train_loss = data_loss(train_set);
    const double val_loss = data_loss(val_set);
    const double val_accuracy =
        train::evaluate(model, nn::CrossEntropyLoss{}, val_set, {.metrics = {"accuracy"}})
            .at("accuracy");
    const std::vector<double> val_curve = history["val_loss"];
    const double best = *std::min_element(val_curve.begin(), val_curve.end());

    std::vector<double> w;
    for (const auto& [name, p] : model.named_parameters())
      if (name.find("weight") != std::string::npos) {
        const std::vector<double> v = p.value().to_vector<double>();
        w.insert(w.end(), v.begin(), v.end());
      }
    const double small = static_cast<double>(std::count_if(
                             w.begin(), w.end(), [](double v) { return std::abs(v) < 0.01; })) /
                         static_cast<double>(w.size());
    double largest = 0;
    for (double v : w) largest = std::max(largest, std::abs(v));
    table.add({m.name, std::to_string(history.size()), format("%.4f", train_loss),
               format("%.4f", val_loss), format("%.4f", best), format("%.3f", val_accuracy),
               format("%.3f", small), format("%.3f", largest)});
    final_val.push_back(val_curve.back());
    best_val.push_back(best);
    near_zero.push_back(small);

    std::vector<double> epoch_axis;
    for (std::int64_t e = 1; e <= history.size(); ++e) epoch_axis.push_back(static_cast<double>(e));
    panels.push_back({.title = m.name,
                      .x_label = "epoch",
                      .y_label = "loss",
                      .log_y = true,
                      .curves = {{"train", epoch_axis, history["loss"]},
                                 {"validation", epoch_axis, val_curve}}});
    weights.push_back({m.name, w});
  }
  std::printf(
      "Two moons: %lld noisy training points, %lld validation points; "
      "MLP 2-%lld-%lld-2 (ReLU), Adam lr %g\n\n",
      static_cast<long long>(train_set.size()), static_cast<long long>(val_set.size()),
      static_cast<long long>(hidden), static_cast<long long>(hidden), lr);
  table.print();
  std::cout << "(train and val loss: cross-entropy of the final weights without the penalty;\n"
               " best val loss and the curves include it, as fit logs them)\n";

  plot::plot_curves(panels, out / "curves.png", {.columns = 5, .width = 1600, .height = 330});
  plot::plot_histograms(weights, out / "weights.png",
                        {.bins = 60,
                         .title = "all weights after training",
                         .x_label = "w",
                         .log_y = true,
                         .columns = 5,
                         .height = 330});
  std::cout << "\nWrote curves.png and weights.png in " << out.string() << "\n\n";

  curriculum::Checks checks;
  checks.expect(final_val[0] > 1.05 * best_val[0],
                "without regularisation the validation loss climbs from its best (over-fitting)");
  checks.expect(near_zero[2] > near_zero[0], "L1 leaves more near-zero weights than no penalty");
  return checks.status();
}
