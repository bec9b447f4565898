#include "nn/layer_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <limits>
#include <ostream>
#include <sstream>
#include <typeinfo>

#include "autograd/elementwise.h"
#include "autograd/grad_mode.h"
#include "nn/activation_modules.h"
#include "nn/linear.h"
#include "nn/module.h"
#include "tensor/elementwise.h"
#include "tensor/error.h"

namespace nabla::nn {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

enum class Kind { relu, sigmoid, tanh, other };

Kind kind_of(Activation activation) {
  switch (activation) {
    case Activation::relu:
      return Kind::relu;
    case Activation::sigmoid:
      return Kind::sigmoid;
    case Activation::tanh:
      return Kind::tanh;
    default:
      return Kind::other;
  }
}

// What the module's output is, for the dead and saturated counts.
Kind kind_of(const Module& module) {
  if (const auto* linear = dynamic_cast<const Linear*>(&module)) {
    return kind_of(linear->activation());
  }
  if (const auto* activate = dynamic_cast<const Activate*>(&module)) {
    return kind_of(activate->activation());
  }
  if (dynamic_cast<const ReLU*>(&module) != nullptr) return Kind::relu;
  if (dynamic_cast<const Sigmoid*>(&module) != nullptr) return Kind::sigmoid;
  if (dynamic_cast<const Tanh*>(&module) != nullptr) return Kind::tanh;
  return Kind::other;
}

bool is_activation(const Module& module) {
  return dynamic_cast<const Activate*>(&module) != nullptr ||
         dynamic_cast<const ReLU*>(&module) != nullptr ||
         dynamic_cast<const Sigmoid*>(&module) != nullptr ||
         dynamic_cast<const Tanh*>(&module) != nullptr ||
         dynamic_cast<const LeakyReLU*>(&module) != nullptr ||
         dynamic_cast<const ELU*>(&module) != nullptr ||
         dynamic_cast<const GELU*>(&module) != nullptr ||
         dynamic_cast<const Softplus*>(&module) != nullptr;
}

std::string kind_name(const Module& module) {
  std::string name = module.type_name();
  if (const auto* linear = dynamic_cast<const Linear*>(&module)) {
    if (linear->activation() != Activation::linear) {
      // append, not "(" + ... + ")": GCC 12 warns falsely (-Wrestrict) on the temporaries.
      name.append("(").append(nabla::nn::name(linear->activation())).append(")");
    }
  }
  return name;
}

double sum_of_squares(const Tensor& t) {
  double sum = 0;
  for (const double v : t.contiguous().to(DType::f64).to_vector<double>()) sum += v * v;
  return sum;
}

}  // namespace

struct LayerStatsProbe::Row {
  std::string path;
  Module* module = nullptr;
  Kind kind = Kind::other;
  std::string kind_name;
  std::vector<Variable> parameters;
  int hook = -1;
  std::vector<Tensor> snapshot;
  // The activations of the last armed forward.
  bool recorded = false;
  double mean = kNaN, std = kNaN, dead = kNaN, saturated = kNaN;
};

LayerStatsProbe::LayerStatsProbe(Module& model) {
  for (const auto& [path, module] : model.named_modules()) {
    const bool leaf = module->named_children().empty();
    std::vector<Variable> own = module->parameters(/*recurse=*/false);
    if (!leaf || (own.empty() && !is_activation(*module))) continue;
    Row row;
    row.path = path;
    row.module = module;
    row.kind = kind_of(*module);
    row.kind_name = kind_name(*module);
    row.parameters = std::move(own);
    rows_.push_back(std::move(row));
  }
  NABLA_CHECK(!rows_.empty(), "LayerStatsProbe",
              "the model has no layer with parameters and no activation module");
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    rows_[i].hook = rows_[i].module->register_forward_hook([this, i](Module&, const Variable&,
                                                                     const Variable& y) {
      if (!armed_) return;
      Row& row = rows_[i];
      const Tensor out = y.value().contiguous().to(DType::f64);
      const std::vector<double> v = out.to_vector<double>();
      const std::int64_t samples = out.dim() >= 1 ? out.size(0) : 1;
      const std::int64_t units = samples == 0 ? 0 : static_cast<std::int64_t>(v.size()) / samples;
      double sum = 0, sum_sq = 0, saturated = 0;
      for (const double x : v) {
        sum += x;
        if (row.kind == Kind::sigmoid) saturated += (x < 0.01 || x > 0.99) ? 1 : 0;
        if (row.kind == Kind::tanh) saturated += std::abs(x) > 0.99 ? 1 : 0;
      }
      const double n = static_cast<double>(v.size());
      row.mean = v.empty() ? kNaN : sum / n;
      for (const double x : v) sum_sq += (x - row.mean) * (x - row.mean);
      row.std = v.empty() ? kNaN : std::sqrt(sum_sq / n);
      row.saturated = (row.kind == Kind::sigmoid || row.kind == Kind::tanh) && !v.empty()
                          ? saturated / n
                          : kNaN;
      row.dead = kNaN;
      if (row.kind == Kind::relu && units > 0) {
        std::int64_t dead = 0;
        for (std::int64_t u = 0; u < units; ++u) {
          bool alive = false;
          for (std::int64_t s = 0; s < samples && !alive; ++s) alive = v[s * units + u] > 0;
          dead += alive ? 0 : 1;
        }
        row.dead = static_cast<double>(dead) / static_cast<double>(units);
      }
      row.recorded = true;
    });
  }
}

LayerStatsProbe::~LayerStatsProbe() {
  for (Row& row : rows_) row.module->remove_forward_hook(row.hook);
}

void LayerStatsProbe::snapshot_weights() {
  for (Row& row : rows_) {
    row.snapshot.clear();
    for (const Variable& p : row.parameters) row.snapshot.push_back(p.value().clone());
  }
}

std::vector<LayerStats> LayerStatsProbe::stats() const {
  std::vector<LayerStats> out;
  for (const Row& row : rows_) {
    LayerStats s{.layer = row.path,
                 .kind = row.kind_name,
                 .grad_norm = kNaN,
                 .weight_norm = kNaN,
                 .update_ratio = kNaN,
                 .activation_mean = row.mean,
                 .activation_std = row.std,
                 .dead_fraction = row.dead,
                 .saturated_fraction = row.saturated};
    if (!row.parameters.empty()) {
      double grad = 0, weight = 0, update = 0, before = 0;
      bool has_grad = false;
      for (std::size_t j = 0; j < row.parameters.size(); ++j) {
        const Variable& p = row.parameters[j];
        weight += sum_of_squares(p.value());
        if (p.grad().defined()) {
          has_grad = true;
          grad += sum_of_squares(p.grad());
        }
        if (row.snapshot.size() == row.parameters.size()) {
          update += sum_of_squares(p.value() - row.snapshot[j]);
          before += sum_of_squares(row.snapshot[j]);
        }
      }
      s.weight_norm = std::sqrt(weight);
      s.grad_norm = has_grad ? std::sqrt(grad) : kNaN;
      if (row.snapshot.size() == row.parameters.size()) {
        s.update_ratio = std::sqrt(update) / std::sqrt(before);
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<LayerStats> layer_stats(
    Module& model,
    const Variable& inputs,
    const Tensor& targets,
    const std::function<Variable(const Variable&, const Tensor&)>& loss) {
  NABLA_CHECK(static_cast<bool>(loss), "layer_stats", "the loss function is empty");
  LayerStatsProbe probe(model);
  model.zero_grad();
  probe.arm(true);
  Variable value = loss(model(inputs), targets);
  probe.arm(false);
  NABLA_CHECK(value.defined() && value.value().numel() == 1, "layer_stats",
              "the loss must return a scalar");
  if (model.has_regularization()) value = value + model.regularization_loss();
  value.backward();
  return probe.stats();
}

namespace {

std::string number(double value, int precision = 4) {
  if (std::isnan(value)) return "-";
  std::ostringstream s;
  s << std::setprecision(precision) << value;
  return s.str();
}

}  // namespace

void print_layer_stats(std::ostream& out, const std::vector<LayerStats>& rows) {
  std::size_t layer_width = 5, kind_width = 4;
  for (const LayerStats& row : rows) {
    layer_width = std::max(layer_width, row.layer.size());
    kind_width = std::max(kind_width, row.kind.size());
  }
  const auto w = [](std::size_t n) { return std::setw(static_cast<int>(n)); };
  out << std::left << w(layer_width) << "layer"
      << "  " << w(kind_width) << "kind" << std::right << std::setw(11) << "grad_norm"
      << std::setw(11) << "weight" << std::setw(11) << "update" << std::setw(10) << "act_mean"
      << std::setw(10) << "act_std" << std::setw(7) << "dead" << std::setw(7) << "satur" << '\n';
  for (const LayerStats& row : rows) {
    out << std::left << w(layer_width) << row.layer << "  " << w(kind_width) << row.kind
        << std::right << std::setw(11) << number(row.grad_norm) << std::setw(11)
        << number(row.weight_norm) << std::setw(11) << number(row.update_ratio) << std::setw(10)
        << number(row.activation_mean, 3) << std::setw(10) << number(row.activation_std, 3)
        << std::setw(7) << number(row.dead_fraction, 2) << std::setw(7)
        << number(row.saturated_fraction, 2) << '\n';
  }
}

std::string layer_stats_csv_header() {
  return "layer,kind,grad_norm,weight_norm,update_ratio,activation_mean,activation_std,"
         "dead_fraction,saturated_fraction";
}

std::string layer_stats_csv(const std::vector<LayerStats>& rows) {
  std::ostringstream s;
  const auto field = [&](double v) {
    s << ',';
    if (std::isnan(v)) {
      s << "nan";
    } else {
      s << std::setprecision(9) << v;
    }
  };
  for (const LayerStats& row : rows) {
    s << row.layer << ',' << row.kind;
    field(row.grad_norm);
    field(row.weight_norm);
    field(row.update_ratio);
    field(row.activation_mean);
    field(row.activation_std);
    field(row.dead_fraction);
    field(row.saturated_fraction);
    s << '\n';
  }
  return s.str();
}

}  // namespace nabla::nn
