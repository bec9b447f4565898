#include <iostream>
#include "nabla.h"
int main() { std::cout << nabla::build_info(); }
