// The backward pass of a 2-2-1 network, one picture per step. The network
// (Linear 2→2, Tanh, Linear 2→1, squared error on one point) runs inside a
// KeepValuesGuard, so every node keeps its value and the gradient it receives;
// autograd::step_through calls back after each node of the backward pass, and
// each call writes a numbered frame with to_dot: values and gradients on
// every node, the modules as clusters, the parameters marked, the edges the
// gradient has travelled in red and the node that just ran highlighted.
// With Graphviz the frames are rendered to PNG (frame_00.png is the forward
// pass alone); without it the .dot files are written all the same.
//
// The gradients of the parameters are then compared with the ones derived by
// hand (backprop written out with Tensor ops); the program exits 1 if they
// differ or a frame is missing.
//
// Usage: backward_frames [--out DIR] (default runs/backward_frames)
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "nabla.h"

namespace {

using namespace nabla;

// Sets a parameter's value (the network starts from fixed numbers, so the
// pictures are the same on every run).
void set(Variable& parameter, const std::vector<double>& values) {
  NoGradGuard no_grad;
  parameter.value().copy_(from_vector(values, parameter.shape()));
}

double max_difference(const Tensor& a, const Tensor& b) {
  return amax(abs(a - b)).item<double>();
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path out = "runs/backward_frames";
  for (int k = 1; k < argc; ++k) {
    const std::string arg = argv[k];
    if (arg == "--out" && k + 1 < argc) {
      out = argv[++k];
    } else {
      std::cerr << "usage: backward_frames [--out DIR]\n";
      return 2;
    }
  }
  std::filesystem::create_directories(out);

  nn::Sequential model(nn::Linear(2, 2, {.dtype = DType::f64}), nn::Tanh(),
                       nn::Linear(2, 1, {.dtype = DType::f64}));
  const auto hidden = model.at<nn::Linear>(0);
  const auto output = model.at<nn::Linear>(2);
  set(hidden->weight, {0.5, -0.3, 0.2, 0.8});
  set(hidden->bias, {0.1, -0.1});
  set(output->weight, {1.0, -1.5});
  set(output->bias, {0.2});
  const Tensor x = from_vector(std::vector<double>{1.0, 2.0}, {1, 2});
  const Tensor target = from_vector(std::vector<double>{0.5}, {1, 1});

  autograd::KeepValuesGuard keep;  // nodes keep their values and gradients
  Variable loss = nn::mse_loss(model(Variable(x).set_name("x")), target).set_name("loss");
  std::cout << "loss = " << loss.item<double>() << "\n";

  const autograd::DotOptions base{.show_values = true,
                                  .show_grads = true,
                                  .module_clusters = true,
                                  .mark_parameters = true,
                                  .value_format = {.values_up_to = 4, .precision = 3}};
  int frames = 0;
  bool rendered = true;
  auto write_frame = [&](const autograd::DotOptions& options) {
    char name[32];
    std::snprintf(name, sizeof name, "frame_%02d", frames++);
    const std::filesystem::path dot = out / (std::string(name) + ".dot");
    autograd::write_dot(loss, dot, options);
    rendered = rendered && autograd::render_dot(dot, out / (std::string(name) + ".png"));
  };
  write_frame(base);  // the forward pass: values, no gradients yet

  std::size_t steps = 0;
  autograd::step_through(loss, [&](const autograd::BackwardStep& step) {
    const Node& node = *step.node;
    std::cout << "step " << step.index << "/" << step.count << ": " << node.name();
    if (node.scope() != nullptr) std::cout << " in " << node.scope()->describe();
    std::cout << ", received " << autograd::format_tensor(step.grad_out) << "\n";
    for (std::size_t i = 0; i < step.input_grads.size(); ++i) {
      if (step.input_grads[i].defined())
        std::cout << "    sent " << autograd::format_tensor(step.input_grads[i]) << " to input "
                  << i << "\n";
    }
    autograd::DotOptions options = base;
    options.visited = step.visited;
    write_frame(options);
    steps = step.count;
  });

  // The same gradients by hand: h = tanh(x·W1 + b1), y = h·W2 + b2,
  // L = (y − t)²; δy = 2(y − t), δh = δy·W2ᵀ ⊙ (1 − h²).
  const Tensor h = tanh(matmul(x, hidden->weight.value()) + hidden->bias.value());
  const Tensor y = matmul(h, output->weight.value()) + output->bias.value();
  const Tensor dy = 2.0 * (y - target);
  const Tensor dh = matmul(dy, transpose(output->weight.value(), 0, 1)) * (1.0 - h * h);
  const double error =
      std::max({max_difference(output->weight.grad(), matmul(transpose(h, 0, 1), dy)),
                max_difference(output->bias.grad(), sum(dy, {0})),
                max_difference(hidden->weight.grad(), matmul(transpose(x, 0, 1), dh)),
                max_difference(hidden->bias.grad(), sum(dh, {0}))});
  std::cout << "largest difference to the gradients by hand: " << error << "\n";

  bool files = true;
  for (int k = 0; k < frames; ++k) {
    char name[32];
    std::snprintf(name, sizeof name, "frame_%02d.dot", k);
    files = files && std::filesystem::exists(out / name);
  }
  std::cout << "wrote " << frames << " frames to " << out.string()
            << (rendered ? " (.dot and .png)" : " (.dot only: install Graphviz to render them)")
            << "\n";
  const bool ok = error < 1e-12 && files && static_cast<std::size_t>(frames) == steps + 1;
  return ok ? 0 : 1;
}
