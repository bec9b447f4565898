#include "data/data_loader.h"

#include <algorithm>
#include <span>
#include <utility>

#include "tensor/error.h"
#include "tensor/random.h"

namespace nabla::data {

namespace {

// splitmix64's finalizer: a bijection that spreads every input bit over the
// whole word, so seeds 0, 1, 2 ... and epochs 0, 1, 2 ... give unrelated streams.
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

DataLoader::DataLoader(Dataset dataset, DataLoaderOptions options)
    : dataset_(std::move(dataset)), options_(options) {
  NABLA_CHECK(options_.batch_size >= 1, "DataLoader", "batch_size must be at least 1, got ",
              options_.batch_size);
  NABLA_CHECK(is_floating(options_.dtype), "DataLoader", "input batches are f32 or f64, not ",
              options_.dtype);
}

std::int64_t DataLoader::size() const {
  const std::int64_t n = dataset_.size();
  const std::int64_t full = n / options_.batch_size;
  return options_.drop_last || n % options_.batch_size == 0 ? full : full + 1;
}

std::vector<std::int64_t> DataLoader::order(std::int64_t epoch) const {
  NABLA_CHECK(epoch >= 0, "DataLoader::order", "epoch must be non-negative, got ", epoch);
  const std::int64_t n = dataset_.size();
  if (!options_.shuffle) {
    std::vector<std::int64_t> identity(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) identity[static_cast<std::size_t>(i)] = i;
    return identity;
  }
  // The generator depends on (seed, epoch) only, never on what ran before:
  // a resumed run that calls set_epoch(e) sees the batches of an uninterrupted one.
  Generator gen(splitmix64(splitmix64(options_.seed) ^ static_cast<std::uint64_t>(epoch)));
  return randperm(n, gen).to_vector<std::int64_t>();
}

DataLoader::Iterator DataLoader::begin() {
  Iterator it(this, order(epoch_), 0);
  ++epoch_;
  return it;
}

DataLoader::Iterator DataLoader::end() const {
  return Iterator(this, {}, size());
}

DataLoader::Iterator::Iterator(const DataLoader* loader,
                               std::vector<std::int64_t> order,
                               std::int64_t index)
    : loader_(loader), order_(std::move(order)), index_(index) {
  if (index_ < loader_->size()) load();
}

DataLoader::Iterator& DataLoader::Iterator::operator++() {
  ++index_;
  if (index_ < loader_->size()) {
    load();
  } else {
    batch_ = Batch{};  // past the end: release the last batch's memory
  }
  return *this;
}

void DataLoader::Iterator::load() {
  const std::int64_t batch_size = loader_->options_.batch_size;
  const std::int64_t begin = index_ * batch_size;
  const std::int64_t count = std::min(batch_size, static_cast<std::int64_t>(order_.size()) - begin);
  const std::span<const std::int64_t> rows(order_.data() + begin, static_cast<std::size_t>(count));
  batch_ = loader_->dataset_.batch(rows, loader_->options_.dtype);
}

}  // namespace nabla::data
