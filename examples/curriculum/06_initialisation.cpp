// Experiment 6, initialisation: the same deep tanh MLP started from zeros,
// from a constant, from N(0, 1), Glorot, He and Nguyen–Widrow weights.
//
// What to see: with all weights equal (zeros or a constant) every hidden unit
// of a layer computes the same function and receives the same gradient, so
// the units stay equal for ever — the network has one unit per layer, however
// wide (with zeros not even that one learns: the gradients through zero
// weights are zero). N(0, 1) weights saturate the tanh units (pre-activations
// of variance ≈ fan_in), which stalls learning; Glorot keeps the activation
// variance roughly constant across layers; He is scaled for ReLU, and larger
// than tanh needs; Nguyen–Widrow spreads the first layer's active regions
// over the input range. Exits 1 when the units of an equal-weight network
// are not equal after training, or when N(0, 1) does not saturate more units
// than Glorot.
//
//   06_initialisation --layers 4 --width 128 --epochs 150 --seed 1 --out runs/curriculum/06
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "curriculum.h"
#include "nabla.h"

using namespace nabla;
using curriculum::format;

namespace {

struct Scheme {
  std::string name;
  nn::init::Initializer weight;
  nn::init::LayerInitializer layer = {};
};

struct Net {
  nn::Sequential model;
  std::vector<std::shared_ptr<nn::Linear>> hidden;
};

Net make_net(const Scheme& scheme, std::int64_t layers, std::int64_t width) {
  Net net;
  std::int64_t in = 2;
  for (std::int64_t l = 0; l < layers; ++l) {
    net.hidden.push_back(net.model.add(nn::Linear(in, width,
                                                  {.activation = nn::Activation::tanh,
                                                   .weight_initializer = scheme.weight,
                                                   .layer_initializer = scheme.layer})));
    in = width;
  }
  net.model.add(nn::Linear(in, 2, {.weight_initializer = scheme.weight}));
  return net;
}

struct LayerStats {
  double mean = 0, std = 0, saturated = 0;  // saturated: |h| > 0.99
};

// The hidden layers' outputs on `x`, layer by layer.
std::vector<LayerStats> activation_stats(Net& net, const Tensor& x) {
  NoGradGuard no_grad;
  std::vector<LayerStats> stats;
  Variable h = x;
  for (auto& layer : net.hidden) {
    h = (*layer)(h);
    const std::vector<double> v = h.value().to_vector<double>();
    LayerStats s;
    for (double a : v) {
      s.mean += a;
      s.saturated += std::abs(a) > 0.99;
    }
    s.mean /= static_cast<double>(v.size());
    for (double a : v) s.std += (a - s.mean) * (a - s.mean);
    s.std = std::sqrt(s.std / static_cast<double>(v.size()));
    s.saturated /= static_cast<double>(v.size());
    stats.push_back(s);
  }
  return stats;
}

// The largest difference between any hidden unit's incoming weights and bias
// and those of unit 0 of the same layer (0: all units equal).
double unit_spread(const Net& net) {
  double spread = 0;
  for (const auto& layer : net.hidden) {
    const Tensor w = layer->weight.value();
    const std::vector<double> wv = w.to_vector<double>();
    const std::vector<double> bv = layer->bias.value().to_vector<double>();
    const std::int64_t in = w.size(0), out = w.size(1);
    for (std::int64_t j = 1; j < out; ++j) {
      spread = std::max(spread, std::abs(bv[j] - bv[0]));
      for (std::int64_t i = 0; i < in; ++i)
        spread = std::max(spread, std::abs(wv[i * out + j] - wv[i * out]));
    }
  }
  return spread;
}

}  // namespace

int main(int argc, char** argv) {
  curriculum::Args args(argc, argv, "Experiment 6: weight initialisation of a deep tanh MLP");
  const std::int64_t layers = args.get_int("layers", 4, "hidden layers");
  const std::int64_t width = args.get_int("width", 128, "units per hidden layer");
  const std::int64_t epochs = args.get_int("epochs", 150, "training epochs");
  const std::int64_t n = args.get_int("n", 200, "points per spiral");
  const double lr = args.get_double("lr", 0.05, "SGD learning rate (momentum 0.9)");
  const auto seed = static_cast<std::uint64_t>(args.get_int("seed", 1, "random seed"));
  const int threads = static_cast<int>(
      args.get_int("threads", 1, "worker threads (the models are small: one is fastest)"));
  const std::filesystem::path out = args.get_string("out", "runs/curriculum/06", "plots go here");
  args.finish();
  std::filesystem::create_directories(out);
  set_num_threads(threads);

  // Inputs within [−1, 1]², the range Nguyen–Widrow's rule assumes.
  const data::Dataset spirals =
      data::datasets::two_spirals({.n_per_class = n, .noise = 0.02, .radius = 1.0, .seed = seed});
  const Tensor x = spirals.inputs();

  namespace init = nn::init;
  const std::vector<Scheme> schemes = {
      {"zeros", init::zeros()},
      {"constant 0.1", init::constant(0.1)},
      {"N(0, 1)", init::normal(0.0, 1.0)},
      {"Glorot uniform", init::glorot_uniform()},
      {"He normal", init::he_normal()},
      {"Nguyen-Widrow", init::glorot_uniform(), init::nguyen_widrow()},
  };

  std::vector<std::string> stats_header = {"initialisation"};
  for (std::int64_t l = 1; l <= layers; ++l) stats_header.push_back("std h" + std::to_string(l));
  for (std::int64_t l = 1; l <= layers; ++l) stats_header.push_back("sat h" + std::to_string(l));
  curriculum::Table stats_table(stats_header);
  curriculum::Table train_table({"initialisation", "loss epoch 1",
                                 "loss epoch " + std::to_string(epochs), "accuracy",
                                 "first epoch >= 0.9", "unit spread"});
  std::vector<plot::Curve> std_curves, loss_curves;
  std::vector<plot::Sample> last_layer;
  std::vector<double> spread, saturated_total;
  for (const Scheme& scheme : schemes) {
    manual_seed(seed);
    Net net = make_net(scheme, layers, width);
    const std::vector<LayerStats> stats = activation_stats(net, x);
    std::vector<std::string> row = {scheme.name};
    std::vector<double> depth, stds;
    double saturated = 0;
    for (std::size_t l = 0; l < stats.size(); ++l) {
      row.push_back(format("%.3f", stats[l].std));
      depth.push_back(static_cast<double>(l + 1));
      stds.push_back(stats[l].std);
      saturated += stats[l].saturated;
    }
    for (const LayerStats& s : stats) row.push_back(format("%.2f", s.saturated));
    stats_table.add(row);
    std_curves.push_back({scheme.name, depth, stds});
    saturated_total.push_back(saturated);
    {
      NoGradGuard no_grad;
      Variable h = x;
      for (auto& layer : net.hidden) h = (*layer)(h);
      last_layer.push_back({scheme.name, h.value().to_vector<double>()});
    }

    optim::SGD sgd(net.model.named_parameters(), {.lr = lr, .momentum = 0.9});
    const metrics::History history = train::fit(
        net.model, nn::CrossEntropyLoss{}, sgd, spirals,
        {.epochs = epochs, .batch_size = 32, .seed = seed, .metrics = {"accuracy"}, .verbose = 0});
    const std::vector<double> loss = history["loss"];
    const std::vector<double> accuracy = history["accuracy"];
    std::vector<double> epoch_axis;
    for (std::size_t e = 0; e < loss.size(); ++e) epoch_axis.push_back(static_cast<double>(e + 1));
    loss_curves.push_back({scheme.name, epoch_axis, loss});
    auto reached =
        std::find_if(accuracy.begin(), accuracy.end(), [](double a) { return a >= 0.9; });
    spread.push_back(unit_spread(net));
    train_table.add({scheme.name, format("%.4f", loss.front()), format("%.4f", loss.back()),
                     format("%.3f", accuracy.back()),
                     reached == accuracy.end() ? std::string("never")
                                               : std::to_string(reached - accuracy.begin() + 1),
                     format("%.2g", spread.back())});
  }

  std::printf("Two spirals (%lld points), MLP 2-%lld x %lld-2 (tanh), SGD lr %g momentum 0.9\n\n",
              static_cast<long long>(spirals.size()), static_cast<long long>(width),
              static_cast<long long>(layers), lr);
  std::cout << "Hidden activations at initialisation (std, and fraction saturated |h| > 0.99):\n";
  stats_table.print();
  std::printf(
      "\nTraining for %lld epochs (unit spread: largest difference between the units\n"
      "of a layer after training, 0 when they stayed equal):\n",
      static_cast<long long>(epochs));
  train_table.print();

  plot::plot_curves({{.title = "activation std per hidden layer at initialisation",
                      .x_label = "hidden layer",
                      .y_label = "std of tanh outputs",
                      .legend = plot::Legend::outside_right,
                      .curves = std_curves},
                     {.title = "training loss",
                      .x_label = "epoch",
                      .y_label = "loss",
                      .log_y = true,
                      .legend = plot::Legend::outside_right,
                      .curves = loss_curves}},
                    out / "initialisation.png", {.width = 1100, .height = 380});
  plot::plot_histograms(last_layer, out / "last_hidden_layer.png",
                        {.bins = 40,
                         .low = -1,
                         .high = 1,
                         .title = "last hidden layer's outputs at initialisation",
                         .x_label = "tanh output",
                         .columns = 3});
  std::cout << "\nWrote initialisation.png and last_hidden_layer.png in " << out.string() << "\n\n";

  curriculum::Checks checks;
  checks.expect(spread[0] == 0.0, "zero weights: the hidden units stay exactly equal");
  checks.expect(spread[1] < 1e-5, "constant weights: the hidden units stay equal");
  checks.expect(saturated_total[2] > saturated_total[3],
                "N(0, 1) saturates more tanh units than Glorot");
  return checks.status();
}
