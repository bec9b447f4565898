#include "callbacks/terminate_on_nan.h"

#include <cmath>

#include "tensor/error.h"

namespace nabla::callbacks {

TerminateOnNaN::TerminateOnNaN(TerminateOnNaNOptions options) : options_(options) {
  NABLA_CHECK(options_.out != nullptr, "TerminateOnNaN", "out must not be null");
}

void TerminateOnNaN::on_train_begin(TrainContext& /*context*/) {
  epoch_ = 0;
  terminated_epoch_ = -1;
  terminated_batch_ = -1;
}

void TerminateOnNaN::on_epoch_begin(TrainContext& /*context*/, std::int64_t epoch) {
  epoch_ = epoch;
}

void TerminateOnNaN::on_batch_end(TrainContext& context,
                                  std::int64_t batch,
                                  const metrics::Logs& logs) {
  const double* loss = logs.find("loss");
  if (loss == nullptr || std::isfinite(*loss)) return;
  // std::isnan: glibc prints a NaN with its sign bit as "-nan".
  *options_.out << "Batch " << batch << ": invalid loss "
                << (std::isnan(*loss) ? "nan"
                    : *loss > 0       ? "inf"
                                      : "-inf")
                << ", terminating training\n";
  terminated_epoch_ = epoch_;
  terminated_batch_ = batch;
  context.stop_training = true;
}

}  // namespace nabla::callbacks
