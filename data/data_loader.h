// DataLoader: a Dataset cut into batches, in order or shuffled with a seed.
// batch_size = dataset size gives full-batch training, 1 online learning,
// anything between mini-batches.
#pragma once

#include <cstdint>
#include <iterator>
#include <vector>

#include "data/dataset.h"

namespace nabla::data {

struct DataLoaderOptions {
  /// Samples per batch, >= 1 (the last batch may be smaller unless drop_last).
  std::int64_t batch_size = 32;
  /// Visit the samples in a new random order every epoch.
  bool shuffle = false;
  /// The order of epoch e depends only on (seed, e): reruns and resumed runs
  /// see the same batches.
  std::uint64_t seed = 0;
  /// Drop the last batch when it is smaller than batch_size.
  bool drop_last = false;
  /// The dtype of the input batches.
  DType dtype = DType::f32;
};

class DataLoader {
 public:
  /// Holds a copy of `dataset`: a Dataset's tensors and bytes are shared
  /// handles, so nothing is copied and a temporary Dataset may be passed. Throws
  /// nabla::Error for batch_size < 1.
  DataLoader(Dataset dataset, DataLoaderOptions options = {});

  /// The number of batches per epoch.
  std::int64_t size() const;
  const Dataset& dataset() const { return dataset_; }
  const DataLoaderOptions& options() const { return options_; }

  /// The epoch whose order the next iteration uses. begin() uses the current
  /// epoch and then advances it, so `for (auto& b : loader)` twice gives two
  /// different shuffles; set_epoch(e) chooses one explicitly (resuming).
  void set_epoch(std::int64_t epoch) { epoch_ = epoch; }
  std::int64_t epoch() const { return epoch_; }

  /// The sample order of `epoch` (the identity when not shuffling).
  std::vector<std::int64_t> order(std::int64_t epoch) const;

  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Batch;
    using difference_type = std::ptrdiff_t;
    using pointer = const Batch*;
    using reference = const Batch&;

    Iterator() = default;
    const Batch& operator*() const { return batch_; }
    const Batch* operator->() const { return &batch_; }
    Iterator& operator++();
    bool operator==(const Iterator& other) const { return index_ == other.index_; }

   private:
    friend class DataLoader;
    Iterator(const DataLoader* loader, std::vector<std::int64_t> order, std::int64_t index);
    void load();
    const DataLoader* loader_ = nullptr;
    std::vector<std::int64_t> order_;
    std::int64_t index_ = 0;  // batch index
    Batch batch_;
  };

  Iterator begin();
  Iterator end() const;

 private:
  Dataset dataset_;
  DataLoaderOptions options_;
  std::int64_t epoch_ = 0;
};

}  // namespace nabla::data
