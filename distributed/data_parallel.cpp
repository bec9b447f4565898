#include "distributed/data_parallel.h"

#include <unordered_set>
#include <utility>

#include "autograd/grad_mode.h"
#include "nn/module.h"
#include "tensor/factory.h"
#include "tensor/random.h"
#include "tensor/shape_ops.h"

namespace nabla::distributed {

std::uint64_t rank_seed(std::uint64_t seed, int rank) {
  if (rank == 0) return seed;
  // splitmix64's finalizer of (seed, rank): neighbouring ranks get unrelated streams.
  std::uint64_t x = seed ^ (static_cast<std::uint64_t>(rank) * 0xd1b54a32d192ed03ULL);
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

DataParallel::DataParallel(nn::Module& model, Communicator comm, DataParallelOptions options)
    : model_(model), comm_(std::move(comm)), options_(options) {
  NABLA_CHECK(options.first_bucket_bytes >= 1 && options.bucket_bytes >= 1, "DataParallel",
              "bucket sizes must be >= 1 byte, got first_bucket_bytes = ",
              options.first_bucket_bytes, " and bucket_bytes = ", options.bucket_bytes);

  // Every rank starts from rank 0's weights and buffers.
  for (auto& [name, parameter] : model.named_parameters()) {
    NoGradGuard no_grad;
    comm_.broadcast_(parameter.value(), 0);
  }
  broadcast_buffers();
  // Rank 0 keeps its generators untouched; the others move to their own
  // stream at the same position (a training state resumed on every rank from
  // rank 0's file then continues each rank's masks where they were).
  if (options.per_rank_generators && comm_.rank() != 0) {
    for (auto& [path, module] : model.named_modules()) {
      for (auto& [name, generator] : module->named_generators()) {
        const std::uint64_t offset = generator->offset();
        generator->seed(rank_seed(generator->initial_seed(), comm_.rank()));
        generator->set_offset(offset);
      }
    }
  }

  // Trainable parameters, each once (a shared one is registered twice).
  std::unordered_set<const VariableImpl*> seen;
  for (const Variable& parameter : model.parameters())
    if (parameter.requires_grad() && seen.insert(parameter.impl().get()).second)
      parameters_.push_back(parameter);

  // Buckets in reverse registration order, the order backward reaches the
  // parameters; a dtype change starts a new bucket (one flat buffer each).
  std::int64_t filled = 0;
  for (std::size_t k = parameters_.size(); k-- > 0;) {
    const Variable& p = parameters_[k];
    const std::int64_t bytes = p.numel() * static_cast<std::int64_t>(p.value().element_size());
    const std::int64_t cap =
        buckets_.size() == 1 ? options.first_bucket_bytes : options.bucket_bytes;
    const bool same_dtype =
        !buckets_.empty() && parameters_[buckets_.back().front()].dtype() == p.dtype();
    if (buckets_.empty() || !same_dtype || filled + bytes > cap) {
      buckets_.emplace_back();
      filled = 0;
    }
    buckets_.back().push_back(k);
    filled += bytes;
  }
  bucket_of_.resize(parameters_.size());
  for (std::size_t b = 0; b < buckets_.size(); ++b)
    for (std::size_t k : buckets_[b]) bucket_of_[k] = b;

  for (std::size_t k = 0; k < parameters_.size(); ++k)
    hook_ids_.push_back(
        parameters_[k].register_post_accumulate_hook([this, k](const Tensor&) { on_gradient(k); }));
}

DataParallel::~DataParallel() {
  for (std::size_t k = 0; k < parameters_.size(); ++k)
    parameters_[k].remove_post_accumulate_hook(hook_ids_[k]);
}

void DataParallel::broadcast_buffers() {
  if (comm_.size() == 1) return;
  for (auto& [name, buffer] : model_.named_buffers()) comm_.broadcast_(buffer, 0);
}

Variable DataParallel::operator()(const Variable& x, SourceLocation where) {
  NABLA_CHECK(!round_active_, "DataParallel",
              "the previous backward did not reach every parameter, so ",
              buckets_.size() - next_launch_, " of ", buckets_.size(),
              " gradient buckets were never reduced: call finish() after backward and before the "
              "optimizer step");
  if (options_.broadcast_buffers && model_.is_training()) broadcast_buffers();
  return model_(x, where);
}

void DataParallel::on_gradient(std::size_t parameter) {
  if (no_sync_depth_ > 0) return;
  if (!round_active_) {
    round_active_ = true;
    ready_.assign(parameters_.size(), 0);
    missing_.resize(buckets_.size());
    for (std::size_t b = 0; b < buckets_.size(); ++b) missing_[b] = buckets_[b].size();
    flat_.assign(buckets_.size(), Tensor());
    work_.clear();
    work_.resize(buckets_.size());
    launch_order_.clear();
    next_launch_ = 0;
  }
  NABLA_CHECK(ready_[parameter] == 0, "DataParallel", "the gradient of parameter ", parameter,
              " arrived twice before its bucket was reduced: a second backward ran before "
              "finish() (or use no_sync() to accumulate)");
  ready_[parameter] = 1;
  --missing_[bucket_of_[parameter]];
  // Buckets start in index order, whatever order their gradients complete
  // in, so every rank starts the same collectives in the same order.
  while (next_launch_ < buckets_.size() && missing_[next_launch_] == 0) launch(next_launch_++);
  // MPI moves a non-blocking collective on only inside MPI calls.
  for (std::size_t b = 0; b < next_launch_; ++b) work_[b].test();
  if (next_launch_ == buckets_.size()) complete_round();
}

void DataParallel::launch(std::size_t bucket) {
  const std::vector<std::size_t>& members = buckets_[bucket];
  std::int64_t numel = 0;
  for (std::size_t k : members) numel += parameters_[k].numel();
  Tensor flat = empty({numel}, parameters_[members.front()].dtype());
  std::int64_t at = 0;
  for (std::size_t k : members) {
    const Variable& p = parameters_[k];
    Tensor part = narrow(flat, 0, at, p.numel());
    // A parameter backward did not reach contributes zero.
    if (p.grad().defined()) {
      part.copy_(reshape(p.grad(), {p.numel()}));
    } else {
      part.zero_();
    }
    at += p.numel();
  }
  flat_[bucket] = flat;
  work_[bucket] = comm_.iallreduce_(flat, ReduceOp::mean);
  launch_order_.push_back(bucket);
}

void DataParallel::complete_round() {
  for (std::size_t b = 0; b < buckets_.size(); ++b) {
    work_[b].wait();
    std::int64_t at = 0;
    for (std::size_t k : buckets_[b]) {
      Variable& p = parameters_[k];
      const Tensor mean = reshape(narrow(flat_[b], 0, at, p.numel()), p.shape());
      if (p.grad().defined()) {
        p.grad().copy_(mean);
      } else {
        p.set_grad(mean.clone());
      }
      at += p.numel();
    }
  }
  flat_.assign(buckets_.size(), Tensor());
  round_active_ = false;
}

void DataParallel::finish() {
  if (!round_active_) return;
  while (next_launch_ < buckets_.size()) launch(next_launch_++);
  complete_round();
}

}  // namespace nabla::distributed
