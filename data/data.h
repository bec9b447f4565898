// nabla data: Dataset, DataLoader, splits, readers, data sets, preprocessing.
#pragma once

#include "data/data_loader.h"
#include "data/dataset.h"
