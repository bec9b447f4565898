// Fashion-MNIST with a multilayer perceptron: the program `make demo` runs.
//
// Loads the 70,000 28x28 grey-scale images of clothing (Debian package
// dataset-fashion-mnist), standardizes each pixel with statistics of the
// training images, trains Dense -> BatchNorm -> ReLU -> Dropout blocks with Adam
// on 90% of the training set while watching the other 10% (early stopping and
// learning-rate reduction on the validation loss), then reports accuracy and
// the confusion matrix on the 10,000 test images and writes the model, the
// training log and plots into runs/fashion_mnist/.
//
// With --hidden 0 there is no hidden layer: the model is multinomial logistic
// regression, whose ten weight images are the class templates.
//
//   fashion_mnist --epochs 30 --batch-size 128 --hidden 512,256 --lr 1e-3
//                 --dropout 0.2 --seed 1 --threads 2 --out runs/fashion_mnist
//                 --min-accuracy 0 --spiral-epochs 300
#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "nabla.h"
#include "spiral_task.h"

using namespace nabla;
namespace po = boost::program_options;

namespace {

struct Settings {
  std::int64_t epochs = 30;
  std::int64_t batch_size = 128;
  std::string hidden = "512,256";
  double lr = 1e-3;
  double dropout = 0.2;
  std::uint64_t seed = 1;
  int threads = 2;
  std::string data_dir = "/usr/share/datasets/fashion-mnist";
  std::string out = "runs/fashion_mnist";
  std::int64_t patience = 5;
  std::string monitor = "val_accuracy";
  std::int64_t spiral_epochs = 300;
  double min_accuracy = 0.0;
};

// "512,256" -> {512, 256}; "0" -> {} (no hidden layer: logistic regression).
std::vector<std::int64_t> parse_sizes(const std::string& text) {
  std::vector<std::int64_t> sizes;
  if (text == "0") return sizes;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const std::int64_t size = std::stoll(item);
    if (size < 1) throw std::invalid_argument("hidden sizes must be >= 1, got " + item);
    sizes.push_back(size);
  }
  if (sizes.empty()) throw std::invalid_argument("--hidden needs sizes, or 0 for no hidden layer");
  return sizes;
}

// Each hidden block: y = Dropout(ReLU(BatchNorm(x·W))). The Dense layer has no
// bias because BatchNorm's β takes its place.
nn::Sequential make_model(const std::vector<std::int64_t>& hidden,
                          double dropout,
                          std::uint64_t seed) {
  nn::Sequential model;
  std::int64_t in = 784;
  for (std::size_t i = 0; i < hidden.size(); ++i) {
    model.add(
        nn::Linear(in, hidden[i], {.bias = false, .weight_initializer = nn::init::he_normal()}));
    model.add(nn::BatchNorm1d(hidden[i]));
    model.add(nn::ReLU());
    model.add(nn::Dropout({.p = dropout, .seed = seed + i}));
    in = hidden[i];
  }
  model.add(nn::Linear(in, 10));
  return model;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  po::options_description options("fashion_mnist options");
  options.add_options()("help,h", "show this help")(
      "epochs", po::value(&s.epochs)->default_value(s.epochs), "maximum number of epochs")(
      "batch-size", po::value(&s.batch_size)->default_value(s.batch_size), "samples per step")(
      "hidden", po::value(&s.hidden)->default_value(s.hidden),
      "hidden layer sizes, e.g. 512,256; 0: none (logistic regression)")(
      "lr", po::value(&s.lr)->default_value(s.lr), "Adam's learning rate")(
      "dropout", po::value(&s.dropout)->default_value(s.dropout), "dropout probability")(
      "seed", po::value(&s.seed)->default_value(s.seed), "random seed")(
      "threads", po::value(&s.threads)->default_value(s.threads), "worker threads")(
      "patience", po::value(&s.patience)->default_value(s.patience), "early-stopping patience")(
      "monitor", po::value(&s.monitor)->default_value(s.monitor),
      "what early stopping and the checkpoint watch (val_accuracy, val_loss)")(
      "data", po::value(&s.data_dir)->default_value(s.data_dir), "Fashion-MNIST directory")(
      "out", po::value(&s.out)->default_value(s.out), "output directory")(
      "spiral-epochs", po::value(&s.spiral_epochs)->default_value(s.spiral_epochs),
      "epochs of the two-spiral task trained when Fashion-MNIST is not installed")(
      "min-accuracy", po::value(&s.min_accuracy)->default_value(s.min_accuracy),
      "exit with 1 when the test (or held-out) accuracy is lower");
  std::vector<std::int64_t> hidden;
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << options << "\n";
      return 0;
    }
    hidden = parse_sizes(s.hidden);
  } catch (const std::exception& e) {
    std::cerr << "fashion_mnist: " << e.what() << "\n" << options << "\n";
    return 2;
  }

  try {
    set_num_threads(s.threads);
    manual_seed(s.seed);
    const std::filesystem::path out = s.out;
    std::filesystem::create_directories(out);

    if (!data::datasets::fashion_mnist_available(s.data_dir)) {
      std::cout
          << "Fashion-MNIST is not installed in " << s.data_dir
          << " (Debian package dataset-fashion-mnist: apt-get install dataset-fashion-mnist).\n"
          << "Training the two-spiral example instead.\n\n";
      return run_spiral_task(out, s.seed, s.spiral_epochs, s.min_accuracy);
    }

    const auto start = std::chrono::steady_clock::now();
    const data::datasets::FashionMnist fm = data::datasets::fashion_mnist(s.data_dir);
    std::cout << "Fashion-MNIST: " << fm.train.size() << " training and " << fm.test.size()
              << " test images of 28x28 pixels, 10 classes\n";

    // Standardize every pixel with the training images' mean and deviation. The
    // images stay bytes: the scaler only changes the map applied to each batch.
    data::StandardScaler scaler;
    const data::Dataset train_set = scaler.fit_transform(fm.train);
    const data::Dataset test_set = scaler.transform(fm.test);

    nn::Sequential model = make_model(hidden, s.dropout, s.seed);
    std::cout << nn::summary(model, {784}) << "\n";

    optim::Adam adam(model.named_parameters(), {.lr = s.lr});
    auto early_stopping =
        std::make_shared<callbacks::EarlyStopping>(callbacks::EarlyStoppingOptions{
            .monitor = s.monitor, .patience = s.patience, .restore_best_weights = true});
    auto run_callbacks = std::vector<std::shared_ptr<callbacks::Callback>>{
        early_stopping,
        std::make_shared<callbacks::ReduceLROnPlateau>(callbacks::ReduceLROnPlateauOptions{
            .monitor = "val_loss", .factor = 0.5, .patience = 2}),
        std::make_shared<callbacks::ModelCheckpoint>(
            callbacks::ModelCheckpointOptions{.filepath = (out / "best.safetensors").string(),
                                              .monitor = s.monitor,
                                              .save_best_only = true}),
        std::make_shared<callbacks::CSVLogger>(
            callbacks::CSVLoggerOptions{.filename = (out / "history.csv").string()})};

    const metrics::History history = train::fit(model, nn::CrossEntropyLoss{}, adam, train_set,
                                                {.epochs = s.epochs,
                                                 .batch_size = s.batch_size,
                                                 .seed = s.seed,
                                                 .validation_split = 0.1,
                                                 .metrics = {"accuracy"},
                                                 .callbacks = run_callbacks});

    const metrics::Logs test =
        train::evaluate(model, nn::CrossEntropyLoss{}, test_set, {.metrics = {"accuracy"}});
    const Tensor predicted = train::predict_classes(model, test_set);
    const Tensor cm = metrics::confusion_matrix(predicted, test_set.targets(), 10);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::printf("\nTest loss %.4f, test accuracy %.4f (%lld epochs, %.1f s)\n\n", test.at("loss"),
                test.at("accuracy"), static_cast<long long>(history.size()), seconds);
    std::cout << "Confusion matrix (rows: true class, columns: predicted):\n"
              << metrics::format_confusion_matrix(cm, fm.class_names) << "\n";

    checkpoint::save_model(out / "model.safetensors", model);
    plot::plot_history(history, out / "history.png");
    plot::plot_confusion_matrix(cm, fm.class_names, out / "confusion_matrix.png");
    // The first layer's units: at most 64 of them (the ten class templates
    // when there is no hidden layer).
    const Tensor first = model.at<nn::Linear>(0)->weight.value();
    const std::int64_t shown = std::min<std::int64_t>(64, first.size(1));
    plot::plot_weight_grid(first, out / "first_layer.png",
                           {.count = shown,
                            .title = "First-layer weights (" + std::to_string(shown) + " of " +
                                     std::to_string(first.size(1)) + " units)"});
    std::cout << "Wrote " << (out / "model.safetensors").string() << ", best.safetensors, "
              << "history.csv, history.png, confusion_matrix.png and first_layer.png in "
              << out.string() << "\n";
    if (test.at("accuracy") < s.min_accuracy) {
      std::printf("test accuracy %.4f is below the expected %.4f\n", test.at("accuracy"),
                  s.min_accuracy);
      return 1;
    }
  } catch (const std::exception& e) {
    // e.g. --lr -1 (nabla::Error naming the option and the value) or an
    // output directory that cannot be created
    std::cerr << "fashion_mnist: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
