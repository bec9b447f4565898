// gnuplot: running a gnuplot script in a child process (its text on the
// child's stdin, data inline as datablocks, so no temporary file is written),
// and the pieces every plot script shares: the terminal chosen from the output
// path's extension and the quoting of strings.
//
// The plots themselves live beside it: plot/history_plot.h (training curves),
// plot/decision_boundary.h, plot/confusion_matrix_plot.h, plot/weight_grid.h.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace nabla::plot {

/// True when `executable` names an executable file: a path containing '/', or
/// a name found in one of the directories of $PATH.
bool gnuplot_available(const std::string& executable = "gnuplot");

/// Runs `executable` (looked up in $PATH) with `script` on its standard input
/// and waits for it to exit. Its standard output is discarded; its standard
/// error is kept (the first 64 KiB) for the error message. Throws nabla::Error
/// starting with `op` when the program cannot be started (saying to install
/// Debian's gnuplot-nox when it is not found), or when it exits with a status
/// other than 0 or is killed by a signal (with what it wrote to stderr).
void run_gnuplot(std::string_view script,
                 std::string_view op = "run_gnuplot",
                 const std::string& executable = "gnuplot");

/// Runs a script made with gnuplot_output(path, ...) and checks that it wrote
/// a non-empty `path`. On failure the output file (already truncated by
/// gnuplot's "set output") is removed and the nabla::Error of run_gnuplot is
/// rethrown.
void render_gnuplot(std::string_view script,
                    const std::filesystem::path& path,
                    std::string_view op,
                    const std::string& executable = "gnuplot");

/// `text` as a gnuplot single-quoted string: 'it''s' (inside single quotes
/// gnuplot only interprets '' as one quote, so backslashes stay literal).
/// Throws nabla::Error starting with `op` when `text` holds a control
/// character (a newline would end the command).
std::string gnuplot_quote(std::string_view text, std::string_view op = "gnuplot_quote");

/// The terminal of an output path, from its extension (case-insensitive):
/// "pngcairo" for .png, "svg" for .svg. Throws nabla::Error starting with `op`
/// and naming the path for any other extension.
std::string gnuplot_terminal(const std::filesystem::path& path, std::string_view op = "gnuplot");

/// The first lines of a plot script writing a `width` x `height` pixel image
/// to `path`:
///   set terminal pngcairo noenhanced size 640,480 (or svg ... dynamic)
///   set output '<path>'
/// "noenhanced" prints text as written (keys such as val_loss keep their
/// underscore). Throws nabla::Error starting with `op` for an unsupported
/// extension, a size outside [16, 16384], or a path whose parent directory
/// does not exist.
std::string gnuplot_output(const std::filesystem::path& path,
                           int width,
                           int height,
                           std::string_view op = "gnuplot");

/// The line setting a plot's title: "set title '<title>'", or "unset title"
/// when `title` is empty. Throws like gnuplot_quote.
std::string gnuplot_title(const std::string& title, std::string_view op = "gnuplot");

/// Formats a value for a datablock with "%.10g", and "NaN" for
/// NaN and infinities (gnuplot reads "NaN" as an undefined value).
std::string gnuplot_number(double value);

}  // namespace nabla::plot
