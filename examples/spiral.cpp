// The TensorFlow playground's two spirals solved by an MLP trained with fit,
// and its decision boundary drawn into runs/spiral/spiral_boundary.png.
//
//   spiral --epochs 300 --min-accuracy 0
#include <boost/program_options.hpp>
#include <iostream>

#include "spiral_task.h"

int main(int argc, char** argv) {
  std::int64_t epochs = 300;
  double min_accuracy = 0.0;
  namespace po = boost::program_options;
  po::options_description options("spiral options");
  options.add_options()("help,h", "show this help")(
      "epochs", po::value(&epochs)->default_value(epochs), "training epochs")(
      "min-accuracy", po::value(&min_accuracy)->default_value(min_accuracy),
      "exit with 1 when the held-out accuracy is lower");
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << options << "\n";
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "spiral: " << e.what() << "\n" << options << "\n";
    return 2;
  }
  return run_spiral_task("runs/spiral", 1, epochs, min_accuracy);
}
