// on_rank_zero: a callback that acts on rank 0 only, for the callbacks of a
// data-parallel fit that write files or print (ModelCheckpoint, CSVLogger,
// a plot at the end): with N ranks, N copies would write the same file at
// once. Callbacks that steer training (EarlyStopping, ReduceLROnPlateau) stay
// on every rank: they see the same averaged logs and decide the same.
//
//   auto checkpoint = std::make_shared<callbacks::ModelCheckpoint>("model.safetensors");
//   train::fit(model, loss, adam, data, {.callbacks = {distributed::on_rank_zero(comm,
//   checkpoint)},
//                                        .communicator = comm});
#pragma once

#include <memory>

#include "callbacks/callback.h"
#include "distributed/communicator.h"

namespace nabla::distributed {

/// `callback` on rank 0 of `comm`, a callback that does nothing on the other
/// ranks. Throws nabla::Error for a null callback.
std::shared_ptr<callbacks::Callback> on_rank_zero(const Communicator& comm,
                                                  std::shared_ptr<callbacks::Callback> callback);

}  // namespace nabla::distributed
