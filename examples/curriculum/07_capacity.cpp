// Experiment 7, capacity: logistic regression and MLPs with 50, 200, 1000
// and 500-500 hidden units on Fashion-MNIST, with their parameter counts and
// accuracies in one table (as the lectures tabulate them for MNIST), and the
// first-layer weights drawn as images.
//
// More hidden units give more parameters and fit the training set better;
// the test accuracy grows much more slowly, and the gap between the two is
// what capacity buys in over-fitting. Logistic regression's ten weight
// images are templates of the ten classes; hidden units of an MLP learn
// strokes and parts. When Fashion-MNIST is not installed (Debian package
// dataset-fashion-mnist, looked for in --data) the same models are trained
// on two spirals, and decision regions are drawn instead of weight images.
// Exits 1 when the largest model does not fit the training set better than
// logistic regression.
//
//   07_capacity --train-size 8000 --epochs 3 --batch-size 128 --lr 1e-3 --seed 1
//               --data /usr/share/datasets/fashion-mnist --out runs/curriculum/07
#include <cstdio>
#include <sstream>
#include <vector>

#include "curriculum.h"
#include "nabla.h"

using namespace nabla;
using curriculum::format;

namespace {

struct Architecture {
  std::string name;
  std::vector<std::int64_t> hidden;
};

nn::Sequential make_model(std::int64_t in, const std::vector<std::int64_t>& hidden) {
  nn::Sequential model;
  for (std::int64_t h : hidden) {
    model.add(nn::Linear(
        in, h, {.activation = nn::Activation::relu, .weight_initializer = nn::init::he_normal()}));
    in = h;
  }
  // Logistic regression is convex, so it may start from zero, and then the
  // weights of pixels that never vary stay 0 and its images show only what
  // was learned.
  model.add(hidden.empty() ? nn::Linear(in, 10, {.weight_initializer = nn::init::zeros()})
                           : nn::Linear(in, 10));
  return model;
}

}  // namespace

int main(int argc, char** argv) {
  curriculum::Args args(argc, argv, "Experiment 7: capacity, from logistic regression to 500-500");
  const std::int64_t train_size =
      args.get_int("train-size", 8000, "training images used (of 60000)");
  const std::int64_t epochs = args.get_int("epochs", 3, "training epochs");
  const std::int64_t batch = args.get_int("batch-size", 128, "samples per step");
  const double lr = args.get_double("lr", 1e-3, "Adam's learning rate");
  const std::int64_t spiral_epochs =
      args.get_int("spiral-epochs", 100, "epochs on the spirals (without Fashion-MNIST)");
  const auto seed = static_cast<std::uint64_t>(args.get_int("seed", 1, "random seed"));
  const int threads = static_cast<int>(args.get_int("threads", 2, "worker threads"));
  const std::string data_dir =
      args.get_string("data", data::datasets::kFashionMnistDir, "Fashion-MNIST directory");
  const std::filesystem::path out = args.get_string("out", "runs/curriculum/07", "plots go here");
  args.finish();
  std::filesystem::create_directories(out);
  set_num_threads(threads);

  const bool images = data::datasets::fashion_mnist_available(data_dir);
  data::Dataset train_set, test_set;
  std::int64_t in = 0, run_epochs = epochs;
  if (images) {
    const data::datasets::FashionMnist fm = data::datasets::fashion_mnist(data_dir);
    std::vector<std::int64_t> rows;
    for (std::int64_t i = 0; i < std::min(train_size, fm.train.size()); ++i) rows.push_back(i);
    data::StandardScaler scaler;
    train_set = scaler.fit_transform(fm.train.subset(rows));
    test_set = scaler.transform(fm.test);
    in = 784;
    std::printf("Fashion-MNIST: %lld training and %lld test images, %lld epochs\n\n",
                static_cast<long long>(train_set.size()), static_cast<long long>(test_set.size()),
                static_cast<long long>(epochs));
  } else {
    std::cout << "Fashion-MNIST is not installed in " << data_dir
              << " (Debian package dataset-fashion-mnist); two spirals instead.\n";
    // Ten output units as for Fashion-MNIST; only two classes occur.
    train_set = data::datasets::two_spirals({.n_per_class = 200, .noise = 0.1, .seed = seed});
    test_set = data::datasets::two_spirals({.n_per_class = 200, .noise = 0.1, .seed = seed + 1});
    in = 2;
    run_epochs = spiral_epochs;
    std::printf("two spirals: %lld training and %lld test points, %lld epochs\n\n",
                static_cast<long long>(train_set.size()), static_cast<long long>(test_set.size()),
                static_cast<long long>(run_epochs));
  }

  const std::vector<Architecture> architectures = {{"logistic regression", {}},
                                                   {"MLP 50", {50}},
                                                   {"MLP 200", {200}},
                                                   {"MLP 1000", {1000}},
                                                   {"MLP 500-500", {500, 500}}};
  curriculum::Table table(
      {"model", "parameters", "train accuracy", "test accuracy", "gap", "seconds"});
  std::vector<double> train_accuracy;
  for (const Architecture& a : architectures) {
    manual_seed(seed);
    curriculum::Stopwatch clock;
    nn::Sequential model = make_model(in, a.hidden);
    optim::Adam adam(model.named_parameters(), {.lr = images ? lr : 0.01});
    train::fit(
        model, nn::CrossEntropyLoss{}, adam, train_set,
        {.epochs = run_epochs, .batch_size = images ? batch : 32, .seed = seed, .verbose = 0});
    const double train_acc =
        train::evaluate(model, nn::CrossEntropyLoss{}, train_set, {.metrics = {"accuracy"}})
            .at("accuracy");
    const double test_acc =
        train::evaluate(model, nn::CrossEntropyLoss{}, test_set, {.metrics = {"accuracy"}})
            .at("accuracy");
    table.add({a.name, std::to_string(model.num_parameters()), format("%.4f", train_acc),
               format("%.4f", test_acc), format("%+.4f", train_acc - test_acc),
               format("%.1f", clock.seconds())});
    train_accuracy.push_back(train_acc);

    std::string file = a.name;
    for (char& c : file) c = (c == ' ' || c == '-') ? '_' : c;
    const Tensor first = model.at<nn::Linear>(0)->weight.value();
    if (images) {
      const std::int64_t shown = std::min<std::int64_t>(first.size(1), a.hidden.empty() ? 10 : 25);
      plot::plot_weight_grid(
          first, out / ("weights_" + file + ".png"),
          {.count = shown,
           .columns = a.hidden.empty() ? 5 : 0,
           .title = a.name + ": first-layer weights (" + std::to_string(shown) + " units)",
           .width = a.hidden.empty() ? 600 : 380,
           .height = a.hidden.empty() ? 300 : 380});
    } else {
      plot::plot_decision_boundary(model, train_set, out / ("regions_" + file + ".png"),
                                   {.resolution = 100, .title = a.name});
    }
  }
  table.print();
  std::cout << "\nWrote the " << (images ? "first-layer weight images" : "decision regions")
            << " of each model in " << out.string() << "\n\n";

  curriculum::Checks checks;
  checks.expect(train_accuracy.back() > train_accuracy.front(),
                "the 500-500 MLP fits the training set better than logistic regression");
  return checks.status();
}
