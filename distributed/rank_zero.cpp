#include "distributed/rank_zero.h"

#include <utility>

#include "tensor/error.h"

namespace nabla::distributed {

std::shared_ptr<callbacks::Callback> on_rank_zero(const Communicator& comm,
                                                  std::shared_ptr<callbacks::Callback> callback) {
  NABLA_CHECK(callback != nullptr, "on_rank_zero", "the callback is null");
  // The base class's events do nothing.
  return comm.rank() == 0 ? std::move(callback) : std::make_shared<callbacks::Callback>();
}

}  // namespace nabla::distributed
