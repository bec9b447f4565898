// nabla data: Dataset, DataLoader, splits, readers, data sets, preprocessing.
#pragma once

#include "data/csv.h"
#include "data/data_loader.h"
#include "data/dataset.h"
#include "data/fashion_mnist.h"
#include "data/idx.h"
