// Node-wise gradient check: every node of a recorded graph is checked in
// isolation, its backward rule against central differences of its own forward
// at the values it saw, in f64 (also for f32 graphs). Where gradcheck says
// "the gradient of this function is wrong", check_nodes says which rule: the
// node's name, op, module path and input.
//
// NOTE [ Replaying a function ]
// A node keeps its rule but not its forward, so the check runs the caller's
// function again. It runs it once to capture (record() keeps, in creation
// order, each node and the values of its output and inputs), once as a
// reference, and then twice per checked input and projection. In a replay,
// record() returns the captured output (in f64) of every node except the one
// under test, whose freshly computed output is read; the input under test is
// perturbed: the captured output of its producer, or the value of a leaf
// (swapped for the replay and restored). Every node therefore sees exactly
// the values it saw when captured, whatever the nodes around it compute. The
// replays run in f64: captured outputs, leaves and Variables made from f32
// tensors during a replay are f64, so an f32 graph is checked in f64.
//
// Random ops and state: every run starts the default generator (and those in
// NodeCheckOptions::generators) from the state it had when the check began,
// so dropout draws the same mask in every run and its rule is checked too. A
// node whose output still differs on the reference replay (it draws from
// another generator, or depends on state the function changes) is skipped,
// and is replayed with its captured output like every other node, so it
// spoils no other check. Tensors the function updates in place (BatchNorm's
// running statistics) are listed in NodeCheckOptions::restore and restored
// after the check; nn::check_nodes (nn/node_check.h) fills both lists from a
// model. The check leaves generators and those tensors as it found them.
//
// The analytic side applies the node's rule (Node::apply) to a random grad_out
// v without releasing the graph, and sums each gradient to its input's shape
// as the engine does (sum_to). By default each input is compared through one
// random projection, vᵀ J u (analytic: the rule's gradient dotted with u;
// numeric: v dotted with (f(x + εu) − f(x − εu)) / 2ε), which costs two
// replays of the function; a failing input is then localised with its full
// Jacobian (two replays per input element) when it is small enough. Output
// elements where the node's forward has a kink between x − εu and x + εu (a
// ReLU at 0: the second difference is of the order of ε instead of ε²) are
// left out of the comparison.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "autograd/variable.h"

namespace nabla {
class Generator;
}

namespace nabla::autograd {

struct NodeCheckOptions {
  double eps = 1e-6;   ///< finite-difference step, in f64
  double atol = 1e-5;  ///< a comparison passes when |analytic − numeric| <= atol + rtol ·
                       ///< max(|analytic|, |numeric|)
  double rtol = 1e-3;
  /// Random projections per checked input, each two replays of the function.
  int projections = 1;
  /// Compare the full Jacobian of every input with at most max_full_elements
  /// elements (and such an output) instead of projections.
  bool full = false;
  /// Largest input and output (in elements) whose full Jacobian is computed,
  /// to localise a failure or when `full` is set: it costs two replays per
  /// input element and a rule call per output element.
  std::int64_t max_full_elements = 1024;
  std::uint64_t seed = 0;  ///< seeds the projection vectors
  /// Tensors the function changes in place (a model's buffers): copied before
  /// the check and restored after it.
  std::vector<Tensor> restore = {};
  /// Generators the function draws from besides the default one: every run
  /// starts them from their state at the start of the check.
  std::vector<Generator*> generators = {};
};

enum class NodeCheckStatus { passed, failed, skipped };

/// The check of one input of one node.
struct NodeInputCheck {
  std::size_t node = 0;   ///< the node's position in creation order, from 1
  std::string name;       ///< the node name, "LinearBackward"
  std::string op;         ///< the op that records it ("linear"), "custom function" if not built in
  std::string module;     ///< the module that created it, "2.dense (Linear)"; "" outside modules
  std::size_t input = 0;  ///< the input's position among the node's arguments
  std::string source;     ///< where the input comes from: "'weight' (leaf)", "ReluBackward #2"
  Shape input_shape;
  Shape output_shape;
  DType dtype = DType::f32;  ///< the node's dtype (its rule runs in it)
  NodeCheckStatus status = NodeCheckStatus::passed;
  std::string note;  ///< why the input was skipped, or what the rule threw
  /// The largest |analytic − numeric| and that error relative to |numeric|.
  double max_abs_error = 0;
  double max_rel_error = 0;
  /// The comparison with the largest error relative to its bound: a
  /// projection, or (localised) one Jacobian element.
  double analytic = 0;
  double numeric = 0;
  bool localised = false;  ///< the worst element below comes from the full Jacobian
  Shape worst_input_index;
  Shape worst_output_index;
  std::int64_t kinks = 0;  ///< output elements left out at kinks of the forward
};

struct NodeCheckResult {
  bool ok = true;
  /// One entry per input that needs a gradient, of every node on the path to
  /// the function's result, in creation order.
  std::vector<NodeInputCheck> checks;
  std::size_t nodes = 0;    ///< nodes the function recorded
  std::size_t replays = 0;  ///< runs of the function after the capture
  /// The first failed check in creation order, or null.
  const NodeInputCheck* first_failure() const;
  /// "node check passed"/"FAILED", the first failure in full, then one line per check.
  std::string report() const;
  explicit operator bool() const { return ok; }
};

std::ostream& operator<<(std::ostream& out, const NodeCheckResult& result);

/// The computation whose nodes are checked: returns its result (a loss, a
/// model's output). It is called many times and must record the same ops on
/// every call; leaves that require grad must be created outside it (they are
/// perturbed in place of the value their node saw).
using NodeCheckFn = std::function<Variable()>;

/// Runs the check (see the file comment). Throws nabla::Error for an empty
/// function, invalid options, a function that records no node or returns an
/// undefined or non-floating Variable, one that records other ops when
/// replayed, and an error of the function itself during a replay (with its
/// message).
NodeCheckResult check_nodes(const NodeCheckFn& fn, const NodeCheckOptions& options = {});

}  // namespace nabla::autograd
