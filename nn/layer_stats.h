// Gradient-flow diagnostics per layer: how large the gradients and weights of
// each layer are, how far a step moves them, and what its activations look
// like (mean, spread, dead ReLU units, saturated sigmoid/tanh units). They
// show vanishing and exploding gradients layer by layer.
//
// The rows are the model's leaf modules that own parameters or are
// activations (nn::Linear, nn::BatchNorm1d, nn::ReLU, nn::Sigmoid, ...), in
// registration order, named by their module path ("0", "block.dense").
// Activation statistics come from forward hooks (Module::register_forward_hook)
// that LayerStatsProbe attaches while it lives.
//
//   auto rows = nn::layer_stats(model, x, y, nn::MSELoss{});  // at initialisation
//   nn::print_layer_stats(std::cout, rows);
//
// The callback callbacks::GradientFlow records them during fit.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "autograd/variable.h"

namespace nabla::nn {

class Module;

/// The statistics of one layer; NaN where a value does not apply (no
/// parameters, no gradient yet, no step measured, an activation that is
/// neither ReLU nor sigmoid/tanh).
struct LayerStats {
  /// The module path ("" for the model itself when it is a single layer).
  std::string layer;
  /// The module's type name and activation, e.g. "Linear(relu)", "Sigmoid".
  std::string kind;
  /// ‖∂L/∂θ‖₂ over the layer's own parameters θ (weight and bias together).
  double grad_norm = 0;
  /// ‖θ‖₂ over the same parameters.
  double weight_norm = 0;
  /// ‖Δθ‖₂ / ‖θ‖₂ of the last optimizer step, θ before the step (about 1e−3
  /// is the usual rule of thumb for a healthy learning rate).
  double update_ratio = 0;
  /// Mean and standard deviation of the layer's output elements.
  double activation_mean = 0;
  double activation_std = 0;
  /// ReLU outputs: the fraction of units (output features) that are 0 for
  /// every sample of the batch.
  double dead_fraction = 0;
  /// The fraction of output elements in saturation: sigmoid outputs outside
  /// [0.01, 0.99] (σ' < 0.0099, 4% of its maximum 0.25), tanh outputs
  /// outside [−0.99, 0.99] (tanh' < 0.02, 2% of its maximum 1).
  double saturated_fraction = 0;
};

/// Records the activation statistics of a model's rows while it lives
/// (forward hooks, removed by the destructor). Statistics are taken only
/// while armed, so unarmed forwards cost one branch per layer.
class LayerStatsProbe {
 public:
  /// Attaches hooks to the rows of `model`, which must outlive the probe.
  explicit LayerStatsProbe(Module& model);
  ~LayerStatsProbe();
  LayerStatsProbe(const LayerStatsProbe&) = delete;
  LayerStatsProbe& operator=(const LayerStatsProbe&) = delete;

  /// Whether the next forwards record activation statistics (each forward of
  /// a layer replaces that layer's previous record).
  void arm(bool armed) { armed_ = armed; }
  /// Keeps the current parameter values, so that stats() can report the
  /// update ratio of the step that follows.
  void snapshot_weights();
  /// The rows: gradient and weight norms as the parameters hold them now,
  /// the activations of the last armed forward, the update since
  /// snapshot_weights() (NaN without a snapshot).
  std::vector<LayerStats> stats() const;

 private:
  struct Row;
  std::vector<Row> rows_;
  bool armed_ = false;
};

/// One forward and backward of `model` on (inputs, targets) with `loss`, in
/// the model's current mode, gradients zeroed first (and left in .grad):
/// the statistics of every row at the current weights; update_ratio is NaN.
std::vector<LayerStats> layer_stats(
    Module& model,
    const Variable& inputs,
    const Tensor& targets,
    const std::function<Variable(const Variable&, const Tensor&)>& loss);

/// A fixed-width table of the rows, one line per layer, with a header.
void print_layer_stats(std::ostream& out, const std::vector<LayerStats>& rows);

/// The CSV header of the rows: "layer,kind,grad_norm,...".
std::string layer_stats_csv_header();
/// One CSV line per row (no header), numbers with 9 significant digits and
/// "nan" for NaN.
std::string layer_stats_csv(const std::vector<LayerStats>& rows);

}  // namespace nabla::nn
