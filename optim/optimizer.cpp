#include "optim/optimizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>

#include "autograd/grad_mode.h"
#include "tensor/factory.h"
#include "tensor/print.h"

namespace nabla::optim {

Optimizer::Optimizer(std::vector<Variable> parameters, double lr)
    : parameters_(std::move(parameters)), lr_(lr) {
  for (std::size_t i = 0; i < parameters_.size(); ++i) names_.push_back(std::to_string(i));
  check_parameters();
}

Optimizer::Optimizer(const NamedParameters& parameters, double lr) : lr_(lr) {
  for (const auto& [name, parameter] : parameters) {
    names_.push_back(name);
    parameters_.push_back(parameter);
  }
  check_parameters();
}

namespace {

// A learning rate a run can use: NaN and infinities make every parameter NaN.
bool valid_lr(double lr) {
  return std::isfinite(lr) && lr >= 0.0;
}

// At most this many problems of a state dict are listed; the rest are counted.
constexpr std::size_t kMaxListedProblems = 20;

}  // namespace

void Optimizer::check_parameters() const {
  NABLA_CHECK(!parameters_.empty(), "Optimizer", "got an empty parameter list");
  NABLA_CHECK(valid_lr(lr_), "Optimizer", "invalid learning rate: ", lr_,
              " (must be finite and >= 0)");
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    const Variable& p = parameters_[i];
    NABLA_CHECK(p.defined(), "Optimizer", "parameter '", names_[i], "' is undefined");
    NABLA_CHECK(p.is_leaf(), "Optimizer", "parameter '", names_[i],
                "' is not a leaf (computed by an operation); optimize the leaf it came from");
    NABLA_CHECK(p.dtype() != DType::i64, "Optimizer", "parameter '", names_[i],
                "' has dtype i64 (only floating tensors can be optimized)");
    for (std::size_t j = 0; j < i; ++j)
      NABLA_CHECK(parameters_[j].impl() != p.impl(), "Optimizer", "parameter '", names_[i],
                  "' appears twice in the list (also as '", names_[j], "')");
  }
}

void Optimizer::step() {
  NoGradGuard no_grad;
  // Unreachable by counting, but a loaded state starts anywhere below it.
  NABLA_CHECK(step_count_ < std::numeric_limits<std::int64_t>::max(), name(), "step count ",
              step_count_, " cannot advance further");
  ++step_count_;
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    Variable& p = parameters_[i];
    const Tensor& grad = p.grad();
    if (!grad.defined()) continue;
    update(i, p.value(), grad);
  }
}

void Optimizer::zero_grad() {
  for (auto& p : parameters_) p.zero_grad();
}

void Optimizer::set_lr(double lr) {
  NABLA_CHECK(valid_lr(lr), name(), "invalid learning rate: ", lr, " (must be finite and >= 0)");
  lr_ = lr;
}

StateDict Optimizer::state_dict() const {
  StateDict state;
  state.insert("step", full({}, static_cast<double>(step_count_), DType::i64));
  state.insert("lr", full({}, lr_, DType::f64));
  auto* self = const_cast<Optimizer*>(this);  // state_fields() exposes fields for writing too
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    for (const StateField& field : self->state_fields(i)) {
      std::string key = names_[i] + "." + field.name;
      if (field.tensor != nullptr) {
        if (field.tensor->defined()) state.insert(key, field.tensor->clone());
      } else if (field.integer != nullptr) {
        state.insert(key, full({}, static_cast<double>(*field.integer), DType::i64));
      } else {
        state.insert(key, full({}, *field.real, DType::f64));
      }
    }
  }
  return state;
}

void Optimizer::load_state_dict(const StateDict& state) {
  std::vector<std::string> problems;
  // Only values some run can produce are accepted: a learning rate the setter
  // accepts, a step count below the limit, and per-parameter counters between
  // 0 and the step count (each advances at most once per step). Anything else
  // would turn into NaN (Adam's bias correction 1 - beta^0 = 0) or overflow.
  auto expect_scalar = [&](const std::string& key, DType dtype) -> const Tensor* {
    const Tensor* t = state.find(key);
    if (t == nullptr) {
      problems.push_back("missing " + key);
    } else if (!t->defined() || t->numel() != 1 || t->dtype() != dtype) {
      std::ostringstream what;
      what << key << ": expected a one-element " << dtype << " tensor";
      problems.push_back(what.str());
    } else {
      return t;
    }
    return nullptr;
  };
  constexpr std::int64_t kMaxStep = std::numeric_limits<std::int64_t>::max() - 1;
  std::int64_t step = 0;
  if (const Tensor* t = expect_scalar("step", DType::i64)) {
    step = t->item<std::int64_t>();
    if (step < 0 || step > kMaxStep) {
      problems.push_back("step: " + std::to_string(step) + " is not a step count (must be in [0, " +
                         std::to_string(kMaxStep) + "])");
      step = 0;
    }
  }
  if (const Tensor* t = expect_scalar("lr", DType::f64);
      t != nullptr && !valid_lr(t->item<double>())) {
    std::ostringstream what;
    what << "lr: " << t->item<double>() << " is not a learning rate (must be finite and >= 0)";
    problems.push_back(what.str());
  }

  std::set<std::string, std::less<>> known{"step", "lr"};
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    for (const StateField& field : state_fields(i)) {
      std::string key = names_[i] + "." + field.name;
      known.insert(key);
      if (field.tensor != nullptr) {
        const Tensor* t = state.find(key);
        const Tensor& p = parameters_[i].value();
        if (t != nullptr && (!t->defined() || t->shape() != p.shape() || t->dtype() != p.dtype())) {
          std::ostringstream what;
          what << key << ": expected " << p.shape() << " " << p.dtype() << ", got ";
          if (t->defined())
            what << t->shape() << " " << t->dtype();
          else
            what << "an undefined tensor";
          problems.push_back(what.str());
        }
      } else if (field.integer != nullptr) {
        // A counter is always saved, so it is required.
        if (const Tensor* t = expect_scalar(key, DType::i64)) {
          const std::int64_t count = t->item<std::int64_t>();
          if (count < 0 || count > step)
            problems.push_back(key + ": " + std::to_string(count) +
                               " is not a step count of a state at step " + std::to_string(step) +
                               " (must be in [0, " + std::to_string(step) + "])");
        }
      } else if (const Tensor* t = expect_scalar(key, DType::f64);
                 t != nullptr && !std::isfinite(t->item<double>())) {
        std::ostringstream what;
        what << key << ": " << t->item<double>() << " is not finite";
        problems.push_back(what.str());
      }
    }
  }
  for (const auto& [key, value] : state)
    if (!known.contains(key)) problems.push_back("unexpected " + key);
  if (!problems.empty()) {
    std::ostringstream message;
    message << "state does not match this " << name() << " (" << problems.size() << " problems):";
    for (std::size_t k = 0; k < std::min(problems.size(), kMaxListedProblems); ++k)
      message << "\n  " << problems[k].substr(0, 200);
    if (problems.size() > kMaxListedProblems)
      message << "\n  ... and " << problems.size() - kMaxListedProblems << " more";
    detail::throw_error("load_state_dict", message.str());
  }

  step_count_ = state.at("step").item<std::int64_t>();
  lr_ = state.at("lr").item<double>();
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    for (const StateField& field : state_fields(i)) {
      std::string key = names_[i] + "." + field.name;
      if (field.tensor != nullptr) {
        const Tensor* t = state.find(key);
        *field.tensor = t != nullptr ? t->clone() : Tensor();
      } else if (field.integer != nullptr) {
        *field.integer = state.at(key).item<std::int64_t>();
      } else {
        *field.real = state.at(key).item<double>();
      }
    }
  }
}

void check_option(
    bool ok, const std::string& optimizer, const char* option, double value, const char* rule) {
  // No option of any optimizer means anything as NaN or an infinity.
  NABLA_CHECK(std::isfinite(value), optimizer, "invalid ", option, ": ", value,
              " (must be finite and ", rule, ")");
  NABLA_CHECK(ok, optimizer, "invalid ", option, ": ", value, " (must be ", rule, ")");
}

}  // namespace nabla::optim
