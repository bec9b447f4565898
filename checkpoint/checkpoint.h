// Every part of the checkpoint layer: the safetensors format, model files and
// training states. Include this (or nabla.h).
#pragma once

#include "checkpoint/model_file.h"
#include "checkpoint/safetensors.h"
#include "checkpoint/training_state.h"
