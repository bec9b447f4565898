// nabla data: Dataset, DataLoader, splits, readers, data sets, preprocessing.
#pragma once

#include "data/classic_datasets.h"
#include "data/csv.h"
#include "data/data_loader.h"
#include "data/dataset.h"
#include "data/encoding.h"
#include "data/fashion_mnist.h"
#include "data/feature_stats.h"
#include "data/idx.h"
#include "data/k_fold.h"
#include "data/min_max_scaler.h"
#include "data/split.h"
#include "data/standard_scaler.h"
#include "data/synthetic.h"
