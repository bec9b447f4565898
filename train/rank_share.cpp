#include "train/rank_share.h"

#include <algorithm>
#include <vector>

#include "nn/module.h"
#include "tensor/error.h"
#include "tensor/factory.h"
#include "tensor/shape_ops.h"

namespace nabla::train::detail {

RankShare::RankShare(const std::optional<distributed::Communicator>& comm,
                     nn::Module& model,
                     const data::Dataset& train,
                     const data::DataLoaderOptions& loader_options)
    : comm_(comm), train_(train), options_(loader_options), loader_(train, loader_options) {
  if (!comm_) return;
  dp_ = std::make_unique<distributed::DataParallel>(model, *comm_);
  sampler_.emplace(train.size(), *comm_,
                   distributed::DistributedSamplerOptions{.shuffle = loader_options.shuffle,
                                                          .seed = loader_options.seed});
  // The sampler shuffles; the loader batches the shard in the sampler's order.
  options_.shuffle = false;
}

data::DataLoader& RankShare::loader(std::int64_t epoch) {
  if (!sampler_) {
    loader_.set_epoch(epoch);
  } else {
    sampler_->set_epoch(epoch);
    loader_ = data::DataLoader(sampler_->shard(train_), options_);
  }
  return loader_;
}

std::int64_t RankShare::steps_per_epoch() const {
  if (!sampler_) return loader_.size();
  const std::int64_t n = sampler_->num_samples(), b = options_.batch_size;
  return options_.drop_last ? n / b : (n + b - 1) / b;
}

int RankShare::verbose(int verbose) const {
  return comm_ && comm_->rank() != 0 ? 0 : verbose;
}

Variable RankShare::forward(nn::Module& model, const Variable& x) {
  return dp_ ? (*dp_)(x) : model(x);
}

void RankShare::after_backward() {
  if (dp_) dp_->finish();
}

void RankShare::end_epoch(metrics::Logs& logs) {
  if (!comm_ || comm_->size() == 1) return;
  dp_->broadcast_buffers();
  if (logs.empty()) return;
  std::vector<double> values;
  for (const auto& [key, value] : logs) values.push_back(value);
  Tensor t = from_vector(values, Shape{static_cast<std::int64_t>(values.size())});
  comm_->allreduce_(t, distributed::ReduceOp::mean);
  const std::vector<double> mean = t.to_vector<double>();
  std::size_t i = 0;
  std::vector<std::pair<std::string, double>> entries(logs.begin(), logs.end());
  for (const auto& [key, value] : entries) logs.set(key, mean[i++]);
}

bool RankShare::any(bool stop) const {
  if (!comm_ || comm_->size() == 1) return stop;
  Tensor t = full({1}, stop ? 1.0 : 0.0, DType::i64);
  comm_->allreduce_(t, distributed::ReduceOp::sum);
  return t.item<std::int64_t>() > 0;
}

EvalShare::EvalShare(const std::optional<distributed::Communicator>& comm, std::int64_t batches)
    : last_(batches) {
  if (!comm || comm->size() == 1) return;
  comm_ = comm;
  const std::int64_t r = comm->rank(), p = comm->size();
  first_ = batches * r / p;
  last_ = batches * (r + 1) / p;
}

std::vector<double> EvalShare::share(std::vector<double> values) const {
  if (!comm_ || values.empty()) return values;
  // Each value is non-zero on one rank at most: the sum in rank order adds
  // zeros to it, which copies it exactly.
  Tensor t = from_vector(values);
  comm_->allreduce_(t, distributed::ReduceOp::sum);
  return t.to_vector<double>();
}

Tensor EvalShare::gather(const std::vector<Tensor>& outputs) const {
  Tensor mine;
  if (!outputs.empty()) mine = outputs.size() == 1 ? outputs[0].contiguous() : cat(outputs, 0);
  if (!comm_) return mine;
  // A rank may have no batch (fewer batches than ranks) and so no outputs to
  // learn the shape from: first every rank's rows, dtype and sample shape.
  constexpr std::int64_t kMaxDims = 8;
  std::vector<std::int64_t> header(3 + kMaxDims, 0);
  header[1] = -1;
  if (mine.defined()) {
    NABLA_CHECK(mine.dim() >= 1 && mine.dim() <= kMaxDims + 1, "evaluate",
                "the model's outputs must have a sample dimension and at most ", kMaxDims + 1,
                " dimensions to be gathered across ranks, got shape ", mine.shape());
    header[0] = mine.size(0);
    header[1] = static_cast<std::int64_t>(mine.dtype());
    header[2] = mine.dim();
    for (std::int64_t d = 1; d < mine.dim(); ++d)
      header[static_cast<std::size_t>(2 + d)] = mine.size(d);
  }
  const Tensor headers = comm_->allgather(from_vector(header));
  const std::vector<std::int64_t> all = headers.to_vector<std::int64_t>();
  const auto at = [&](int q, std::size_t k) {
    return all[static_cast<std::size_t>(q) * header.size() + k];
  };
  int shaper = -1;
  std::int64_t max_rows = 0;
  for (int q = 0; q < comm_->size(); ++q) {
    max_rows = std::max(max_rows, at(q, 0));
    if (at(q, 1) < 0) continue;
    if (shaper < 0) shaper = q;
    for (std::size_t k = 1; k < header.size(); ++k) {
      NABLA_CHECK(at(q, k) == at(shaper, k), "evaluate", "the outputs of rank ", q,
                  " differ in dtype or shape from those of rank ", shaper,
                  " (every rank must evaluate the same model)");
    }
  }
  if (shaper < 0) return Tensor();
  const auto dtype = static_cast<DType>(at(shaper, 1));
  Shape padded{max_rows};
  for (std::int64_t d = 1; d < at(shaper, 2); ++d)
    padded.push_back(at(shaper, static_cast<std::size_t>(2 + d)));
  // Padded to the longest run of rows, so that allgather moves equal shapes.
  Tensor send = zeros(padded, dtype);
  if (mine.defined() && mine.size(0) > 0) narrow(send, 0, 0, mine.size(0)).copy_(mine);
  const Tensor gathered = comm_->allgather(send);
  std::vector<Tensor> parts;
  for (int q = 0; q < comm_->size(); ++q) {
    if (at(q, 0) > 0) parts.push_back(narrow(select(gathered, 0, q), 0, 0, at(q, 0)));
  }
  return parts.size() == 1 ? parts[0].contiguous() : cat(parts, 0);
}

}  // namespace nabla::train::detail
