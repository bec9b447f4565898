// Why is this gradient none or zero? A small classifier is broken in the ways
// that most often leave a parameter without a gradient, one at a time, and
// autograd::why_no_grad says what happened and where: a frozen parameter, a
// block run under NoGradGuard, a detached activation, a ReLU layer dead for
// the whole batch, a saturated sigmoid; and, for the healthy model, that the
// gradient is non-zero.
#include <iostream>
#include <string>

#include "nabla.h"

namespace {

using namespace nabla;

struct Case {
  std::string title;
  autograd::NoGradCause expected;
  autograd::NoGradExplanation got;
};

}  // namespace

int main() {
  manual_seed(0);
  Generator gen(2);
  const Tensor x = randn({8, 4}, gen);
  const Tensor labels = randint(0, 3, {8}, gen);
  auto make_model = [] {
    return nn::Sequential(nn::Linear(4, 6), nn::ReLU(), nn::Linear(6, 6), nn::Sigmoid(),
                          nn::Linear(6, 3));
  };
  std::vector<Case> cases;

  {  // Healthy: the gradient of the first weight is non-zero.
    nn::Sequential model = make_model();
    Variable loss = nn::cross_entropy(model(x), labels);
    cases.push_back({"healthy model, 0.weight", autograd::NoGradCause::nonzero,
                     autograd::why_no_grad(loss, model.parameter("0.weight"))});
  }
  {  // A parameter frozen by mistake.
    nn::Sequential model = make_model();
    model.parameter("2.weight").set_requires_grad(false);
    Variable loss = nn::cross_entropy(model(x), labels);
    cases.push_back({"frozen 2.weight", autograd::NoGradCause::requires_grad_off,
                     autograd::why_no_grad(loss, model.parameter("2.weight"))});
  }
  {  // The first layers run as a fixed feature extractor, under NoGradGuard.
    nn::Sequential model = make_model();
    Variable features;
    {
      NoGradGuard no_grad;
      features = model[1](model[0](x));
    }
    Variable loss = nn::cross_entropy(model[4](model[3](model[2](features))), labels);
    cases.push_back({"0.weight behind a NoGradGuard", autograd::NoGradCause::not_on_path,
                     autograd::why_no_grad(loss, model.parameter("0.weight"))});
  }
  {  // A detached activation (as when logging it, then using the copy).
    nn::Sequential model = make_model();
    Variable h = model[1](model[0](x)).detach();
    Variable loss = nn::cross_entropy(model[4](model[3](model[2](h))), labels);
    cases.push_back({"0.weight behind a detach()", autograd::NoGradCause::not_on_path,
                     autograd::why_no_grad(loss, model.parameter("0.weight"))});
  }
  {  // A bias pushed far negative: every unit of the ReLU is off for every row.
    nn::Sequential model = make_model();
    model.parameter("0.bias").value().fill_(-100.0);
    Variable loss = nn::cross_entropy(model(x), labels);
    cases.push_back({"0.weight behind a dead ReLU", autograd::NoGradCause::dead_relu,
                     autograd::why_no_grad(loss, model.parameter("0.weight"))});
  }
  {  // A bias far too large: the sigmoid's outputs are 1 exactly (in f32).
    nn::Sequential model = make_model();
    model.parameter("2.bias").value().fill_(50.0);
    Variable loss = nn::cross_entropy(model(x), labels);
    cases.push_back({"2.weight behind a saturated sigmoid", autograd::NoGradCause::saturated,
                     autograd::why_no_grad(loss, model.parameter("2.weight"))});
  }

  bool all_right = true;
  for (const Case& c : cases) {
    std::cout << c.title << ":\n  " << c.got << "\n";
    if (c.got.cause != c.expected) {
      std::cout << "  expected cause " << autograd::to_string(c.expected) << "\n";
      all_right = false;
    }
  }
  return all_right ? 0 : 1;
}
