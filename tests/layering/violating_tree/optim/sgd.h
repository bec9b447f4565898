// A deliberate violation (optim/ may not include nn/) that the layering check must reject.
#pragma once
#include "nn/module.h"
