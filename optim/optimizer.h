// Optimizer: the base of every optimizer. It holds a list of Variables (the
// parameters, optionally named), a learning rate and a step counter, and
// updates each parameter from its gradient in step(). Optimizers know
// Variables only, never Modules: pass model.parameters() or, to get readable
// state_dict keys, model.named_parameters().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "autograd/variable.h"
#include "tensor/state_dict.h"

namespace nabla::optim {

using NamedParameters = std::vector<std::pair<std::string, Variable>>;

/// One named field of a parameter's optimizer state, for saving and loading:
/// a tensor (undefined until the state is created), an integer counter or a
/// real number. Exactly one pointer is set.
struct StateField {
  const char* name;
  Tensor* tensor = nullptr;
  std::int64_t* integer = nullptr;
  double* real = nullptr;
};

class Optimizer {
 public:
  /// Throws nabla::Error for an empty list, an undefined or non-leaf
  /// Variable, the same Variable twice, or a learning rate that is negative,
  /// NaN or infinite.
  Optimizer(std::vector<Variable> parameters, double lr);
  /// As above; the names key the per-parameter state in state_dict().
  Optimizer(const NamedParameters& parameters, double lr);
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  /// Advances step_count() by one, then updates every parameter that has a
  /// gradient (parameters without one are left alone, with their state). Runs
  /// without recording a graph. Throws when step_count() is INT64_MAX.
  void step();
  /// Drops every parameter's gradient (grad() becomes undefined).
  void zero_grad();

  double lr() const { return lr_; }
  /// Sets the learning rate (schedules call this). Throws for lr < 0, NaN or
  /// an infinity.
  void set_lr(double lr);
  /// Number of step() calls so far.
  std::int64_t step_count() const { return step_count_; }

  const std::vector<Variable>& parameters() const { return parameters_; }
  /// The parameters' names ("0", "1", ... when constructed without names).
  const std::vector<std::string>& parameter_names() const { return names_; }

  /// The optimizer's name ("SGD", "Adam", ...).
  virtual std::string name() const = 0;

  /// "step" (i64), "lr" (f64) and each parameter's state as
  /// "<parameter name>.<field>" (e.g. "fc1.weight.exp_avg"). State that was
  /// never created (a parameter that has not been updated yet) is absent.
  /// The tensors are copies: later steps do not change a saved dict.
  StateDict state_dict() const;
  /// Restores what state_dict() saved, so that training resumes exactly.
  /// Every mismatch (unexpected keys, missing step/lr, wrong shape or dtype)
  /// and every value no run can produce (an lr the setter rejects, a step
  /// count outside [0, INT64_MAX - 1], a per-parameter counter outside
  /// [0, step], a real field that is not finite) is listed in one
  /// nabla::Error before anything changes.
  void load_state_dict(const StateDict& state);

 protected:
  /// Updates parameter `index`, whose value is `param`, from `grad` (same
  /// shape and dtype, contiguous when the parameter is). Called under
  /// NoGradGuard, after step_count() was advanced (so it is 1 on the first step).
  virtual void update(std::size_t index, Tensor& param, const Tensor& grad) = 0;

  /// The fields of parameter `index`'s state, for saving and loading.
  virtual std::vector<StateField> state_fields(std::size_t index) = 0;

 private:
  void check_parameters() const;

  std::vector<Variable> parameters_;
  std::vector<std::string> names_;
  double lr_;
  std::int64_t step_count_ = 0;
};

/// An Optimizer whose per-parameter state is the struct `State`, one per
/// parameter, aligned with parameters() by index. State lists its fields in
/// `fields()`, e.g. for Adam:
///   struct AdamState { std::int64_t step = 0; Tensor exp_avg, exp_avg_sq; ... };
template <class State>
class OptimizerWithState : public Optimizer {
 public:
  OptimizerWithState(std::vector<Variable> parameters, double lr)
      : Optimizer(std::move(parameters), lr), state_(this->parameters().size()) {}
  OptimizerWithState(const NamedParameters& parameters, double lr)
      : Optimizer(parameters, lr), state_(this->parameters().size()) {}

  /// The state of parameter `index` (read-only; for inspection and tests).
  const State& state(std::size_t index) const { return state_.at(index); }

 protected:
  std::vector<StateField> state_fields(std::size_t index) override {
    return state_.at(index).fields();
  }

  std::vector<State> state_;
};

/// Throws "<optimizer>: invalid <option>: <value> (must be <rule>)" unless ok,
/// and for a value that is NaN or infinite whatever `ok` says.
void check_option(
    bool ok, const std::string& optimizer, const char* option, double value, const char* rule);

}  // namespace nabla::optim
