// Every part of the plot layer: the plots of a training run (training curves,
// decision boundary, confusion matrix, first-layer weights, curves,
// histograms, contours with paths) and the gnuplot
// pipe they are drawn through. Include this (or nabla.h).
#pragma once

#include "plot/confusion_matrix_plot.h"
#include "plot/contour_plot.h"
#include "plot/curve_plot.h"
#include "plot/decision_boundary.h"
#include "plot/gnuplot.h"
#include "plot/histogram_plot.h"
#include "plot/history_plot.h"
#include "plot/layer_stats_plot.h"
#include "plot/lr_find_plot.h"
#include "plot/roc_curve_plot.h"
#include "plot/weight_grid.h"
