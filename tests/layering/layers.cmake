# The layers of docs/architecture.md and the edges between them, read by the
# layering check and by the check of docs/architecture.md's file tables.
# The allowed edges are those of docs/architecture.md's layer table: each
# allowed_<layer> lists the folders <layer> may include (itself among them).
set(layers tensor autograd nn optim data metrics checkpoint callbacks plot distributed train testing)
set(allowed_tensor tensor)
set(allowed_autograd tensor autograd)
set(allowed_nn tensor autograd nn)
set(allowed_optim tensor autograd optim)
set(allowed_data tensor data)
set(allowed_metrics tensor metrics)
set(allowed_checkpoint tensor autograd nn optim metrics checkpoint)
set(allowed_callbacks tensor autograd nn optim metrics checkpoint callbacks)
set(allowed_plot tensor autograd nn data metrics plot)
set(allowed_distributed tensor autograd nn data callbacks distributed)
set(allowed_train tensor autograd nn optim data metrics callbacks distributed train)
set(allowed_testing tensor autograd testing)

