#include "tensor/storage.h"

#include "tensor/buffer_cache.h"

namespace nabla {

Storage::Storage(std::size_t nbytes) : data_(allocate_buffer(nbytes)), nbytes_(nbytes) {}

Storage::~Storage() {
  free_buffer(data_, nbytes_);
}

}  // namespace nabla
