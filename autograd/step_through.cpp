#include "autograd/step_through.h"

#include "autograd/backward_observer.h"
#include "autograd/engine.h"
#include "tensor/error.h"

namespace nabla::autograd {

namespace {

// Turns the engine's calls for one pass into BackwardSteps.
class Stepper final : public BackwardObserver {
 public:
  explicit Stepper(const StepCallback& on_step) : on_step_(on_step) {}

  void begin(const Variable& /*root*/, const std::vector<Node*>& nodes) override {
    if (depth_++ > 0) return;
    count_ = nodes.size();
  }

  void before_rule(std::size_t step, const Node& node, const Tensor& grad_out) override {
    if (depth_ != 1) return;
    step_.index = step + 1;
    step_.count = count_;
    step_.node = &node;
    step_.grad_out = grad_out;
    step_.input_grads.assign(node.inputs().size(), Tensor());
    step_.visited.push_back(&node);
  }

  void input(std::size_t /*step*/,
             const Node& /*node*/,
             std::size_t i,
             const Tensor& /*raw*/,
             const Tensor& grad) override {
    if (depth_ == 1) step_.input_grads[i] = grad;
  }

  void after_node(std::size_t /*step*/, const Node& /*node*/) override {
    if (depth_ != 1) return;
    // A pass the callback starts is another pass, not a step of this one.
    ++depth_;
    struct Restore {
      int& depth;
      ~Restore() { --depth; }
    } restore{depth_};
    on_step_(step_);
  }

  void end(const Variable& /*root*/) override { --depth_; }
  void abandon() override { --depth_; }

 private:
  const StepCallback& on_step_;
  BackwardStep step_;
  std::size_t count_ = 0;
  int depth_ = 0;
};

}  // namespace

void step_through(const Variable& root,
                  const StepCallback& on_step,
                  const Tensor& grad_out,
                  const BackwardOptions& options) {
  NABLA_CHECK(on_step != nullptr, "step_through", "the step callback is empty");
  Stepper stepper(on_step);
  ObserverGuard observing(stepper);
  backward(root, grad_out, options);
}

}  // namespace nabla::autograd
