// Exits 0 when nabla, used from outside its tree, computes 1 + 2 = 3.
#include <nabla.h>

#include <iostream>

int main() {
  const nabla::Tensor a = nabla::full({2, 2}, 1.0);
  const nabla::Tensor b = nabla::full({2, 2}, 2.0);
  const nabla::Tensor c = a + b;
  const float value = c.to_vector<float>()[3];
  std::cout << "consumer: 1 + 2 = " << value << '\n';
  return value == 3.0f ? 0 : 1;
}
