// The TensorFlow playground's two spirals solved by an MLP trained with fit,
// and its decision boundary drawn into runs/spiral/spiral_boundary.png.
#include "spiral_task.h"

int main() {
  return run_spiral_task("runs/spiral", 1);
}
