#include "train/rank_share.h"

#include <vector>

#include "nn/module.h"
#include "tensor/factory.h"

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

}  // namespace nabla::train::detail
