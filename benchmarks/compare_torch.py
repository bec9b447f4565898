#!/usr/bin/env python3
"""nabla against libtorch, side by side in one interleaved run (make compare).

Runs each workload's nabla benchmark and its libtorch counterpart in turn,
round after round (the order alternating), and prints the medians and their
ratio (nabla / libtorch) as a Markdown table: training steps of an MLP, a
chain of tiny ops, a scalar MLP, a large Linear layer, the same step beside a
CPU-bound process (started and stopped here), and a Fashion-MNIST epoch.

libtorch runs with OpenBLAS's pthread build (Debian's libtorch otherwise uses
whatever libblas.so.3 points to, BLIS's generic kernels once libblis-dev is
installed), OPENBLAS_CORETYPE set to the AVX-512 kernels where the CPU has
them, OPENBLAS_NUM_THREADS equal to the workload's thread count, and glibc's
malloc kept from trimming and from mmap-ing large blocks. The one-thread rows
(other than the one beside the busy process) run both sides on the same CPU,
a different one each round.

    benchmarks/compare_torch.py --build build-bench --rounds 4
"""

import argparse
import os
import statistics
import subprocess
import sys

from bench_runs import BusyProcess, run_benchmark

OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-pthread"

# (row, nabla executable, benchmark, torch executable, benchmark, threads,
#  unit divisor, busy). The divisor turns a time per iteration into the
# row's unit: per op (1000 ops per chain), per node (nabla's node count).
WORKLOADS = [
    ("MLP 784-256-128-10 step, b128, Adam, 1 thread", "train_step_bench",
     "BM_TrainStep/threads:1/bn:0/", "train_step_torch", "BM_TorchTrainStep/threads:1/bn:0/",
     1, 1, False),
    ("same, 2 threads", "train_step_bench", "BM_TrainStep/threads:2/bn:0/",
     "train_step_torch", "BM_TorchTrainStep/threads:2/bn:0/", 2, 1, False),
    ("+ BatchNorm + Dropout, 1 thread", "train_step_bench", "BM_TrainStep/threads:1/bn:1/",
     "train_step_torch", "BM_TorchTrainStep/threads:1/bn:1/", 1, 1, False),
    ("+ BatchNorm + Dropout, 2 threads", "train_step_bench", "BM_TrainStep/threads:2/bn:1/",
     "train_step_torch", "BM_TorchTrainStep/threads:2/bn:1/", 2, 1, False),
    ("per-op chain fwd+bwd, 1 element (per op)", "autograd_bench",
     "BM_ChainForwardBackward/op:3/n:1", "graph_torch", "BM_TorchChainForwardBackward",
     1, 1000, False),
    ("scalar MLP 2-16-16-1 (per node)", "autograd_bench", "BM_ScalarMlpStep",
     "graph_torch", "BM_TorchScalarMlpStep", 1, "nodes", False),
    ("Linear 4096→4096, b256, fwd+bwd, 1 thread", "layer_bench", "BM_LinearLayer/threads:1/",
     "graph_torch", "BM_TorchLinearLayer/threads:1/", 1, 1, False),
    ("same, 2 threads", "layer_bench", "BM_LinearLayer/threads:2/",
     "graph_torch", "BM_TorchLinearLayer/threads:2/", 2, 1, False),
    ("MLP step b128, 1 thread, busy process beside", "train_step_bench",
     "BM_TrainStep/threads:1/bn:0/", "train_step_torch", "BM_TorchTrainStep/threads:1/bn:0/",
     1, 1, True),
    ("MLP step b128, 2 threads, busy process beside", "train_step_bench",
     "BM_TrainStep/threads:2/bn:0/", "train_step_torch", "BM_TorchTrainStep/threads:2/bn:0/",
     2, 1, True),
    ("Fashion-MNIST epoch (fit), 1 thread", "fit_epoch_bench", "BM_FitEpoch/threads:1/",
     "fit_epoch_torch", "BM_TorchFitEpoch/threads:1/", 1, 1, False),
    ("same, 2 threads", "fit_epoch_bench", "BM_FitEpoch/threads:2/",
     "fit_epoch_torch", "BM_TorchFitEpoch/threads:2/", 2, 1, False),
]

UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}

# The MLP step's products (benchmarks/train_step_bench.cpp): each layer's
# forward x·W and weight gradient xᵀ·dy, and the input gradient dy·Wᵀ of every
# layer but the first (the data needs none); 2 flops per multiply-add.
STEP_LAYERS = [784, 256, 128, 10]
STEP_BATCH = 128
STEP_ROW = "MLP 784-256-128-10 step, b128, Adam, 1 thread"


def step_flops():
    macs = [STEP_BATCH * n_in * n_out for n_in, n_out in zip(STEP_LAYERS, STEP_LAYERS[1:])]
    return 2 * (2 * sum(macs) + sum(macs[1:]))


def fma_peak(build, cpus):
    """This CPU's f32 FMA rate on one core (flop/s), by BM_FmaPeak, on `cpus`."""
    exe = os.path.join(build, "benchmarks", "nabla_matmul_bench")
    report = run_benchmark(exe, "0.3", 3, "^BM_FmaPeak", None, cpus)
    rates = [b["GFLOPS"] for b in report["benchmarks"] if b.get("run_type") == "iteration"]
    return statistics.median(rates)


context = {}  # nabla's build_info(), from the benchmarks' JSON context


def cpu_flags():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def cpu_name():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "?"


def torch_env(threads):
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = OPENBLAS + (":" + env["LD_LIBRARY_PATH"]
                                         if env.get("LD_LIBRARY_PATH") else "")
    env["OPENBLAS_CORETYPE"] = "SkylakeX" if "avx512f" in cpu_flags() else "Haswell"
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    env["MALLOC_TRIM_THRESHOLD_"] = "1000000000"
    env["MALLOC_MMAP_THRESHOLD_"] = "1000000000"
    return env


def run(exe, bench, env, args, cpus):
    """Seconds per iteration of every repetition of `bench` (on `cpus` when
    given), and its counters."""
    try:
        report = run_benchmark(exe, args.min_time, args.repetitions, f"^{bench}", env, cpus)
    except subprocess.CalledProcessError as e:
        sys.exit(f"compare_torch: {' '.join(e.cmd)} failed:\n{e.stderr}")
    times, counters = [], {}
    context.update({k: v for k, v in report.get("context", {}).items() if k == "nabla"})
    for b in report["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        if b.get("error_occurred"):
            return None, {}
        times.append(b["real_time"] * UNITS[b["time_unit"]])
        counters.update({k: v for k, v in b.items() if k in ("nodes",)})
    return times, counters


def fmt(seconds):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build-bench")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--min-time", default="0.3")
    parser.add_argument("--only", default="", help="run only rows containing this text")
    args = parser.parse_args()

    def exe(name):
        path = os.path.join(args.build, "benchmarks", f"nabla_{name}")
        if not os.access(path, os.X_OK):
            sys.exit(f"compare_torch: no executable {path} (is libtorch-dev installed?)")
        return path

    rows = [w for w in WORKLOADS if args.only in w[0]]
    peaks, adam = [], []  # the MLP step's floor on this CPU, measured beside its row
    nabla_t = {i: [] for i in range(len(rows))}
    torch_t = {i: [] for i in range(len(rows))}
    nodes = {}
    skipped = set()
    allowed = sorted(os.sched_getaffinity(0))
    for r in range(args.rounds):
        for i, (row, n_exe, n_bench, t_exe, t_bench, threads, per, busy) in enumerate(rows):
            if i in skipped:
                continue
            # One-thread rows run both sides on the same CPU, a different one
            # each round: the CPUs of a virtual machine can differ in speed
            # (a busier neighbour on one host core), and a median of runs
            # that each landed anywhere mixes them unevenly.
            cpus = {allowed[r % len(allowed)]} if threads == 1 and not busy else None
            if row == STEP_ROW:
                peaks.append(fma_peak(args.build, cpus))
                adam.extend(run(exe("train_step_bench"), "BM_AdamStep/threads:1/", None, args,
                                cpus)[0])
            with BusyProcess(busy):
                sides = [("nabla", exe(n_exe), n_bench, dict(os.environ)),
                         ("torch", exe(t_exe), t_bench, torch_env(threads))]
                if r % 2 == 1:
                    sides.reverse()
                for side, path, bench, env in sides:
                    times, counters = run(path, bench, env, args, cpus)
                    if times is None:
                        skipped.add(i)
                        break
                    (nabla_t if side == "nabla" else torch_t)[i].extend(times)
                    if "nodes" in counters:
                        nodes[i] = counters["nodes"]
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)

    print(f"CPU: {cpu_name()}; {args.rounds} rounds x {args.repetitions} repetitions, "
          f"medians, wall-clock time")
    print(f"libtorch: LD_LIBRARY_PATH={OPENBLAS}, "
          f"OPENBLAS_CORETYPE={torch_env(1)['OPENBLAS_CORETYPE']}, "
          f"OPENBLAS_NUM_THREADS = the row's threads, MALLOC_TRIM_THRESHOLD_ and "
          f"MALLOC_MMAP_THRESHOLD_ = 1e9")
    print("one-thread rows (not beside the busy process): both sides on the same CPU, "
          "a different CPU each round")
    if "nabla" in context:
        print("nabla: " + "; ".join(l for l in context["nabla"].splitlines() if l))
    print()
    print("| workload | nabla | libtorch | nabla / libtorch |")
    print("|---|---:|---:|---:|")
    for i, (row, *_rest) in enumerate(rows):
        per = rows[i][6]
        if i in skipped or not nabla_t[i] or not torch_t[i]:
            print(f"| {row} | skipped (data set missing) | | |")
            continue
        divisor = nodes.get(i, 1) if per == "nodes" else per
        n = statistics.median(nabla_t[i]) / divisor
        t = statistics.median(torch_t[i]) / divisor
        print(f"| {row} | {fmt(n)} | {fmt(t)} | {n / t:.3f} |")
    step = next((i for i, w in enumerate(rows) if w[0] == STEP_ROW), None)
    if step is not None and peaks and torch_t[step]:
        # What no code goes under on this CPU: the step's products alone at
        # the rate of a loop of nothing but FMAs, and the optimizer's pass
        # over 235k parameters and their gradients and moments.
        peak = statistics.median(peaks) * 1e9
        products = step_flops() / peak
        torch_step = statistics.median(torch_t[step])
        print()
        print(f"The MLP step's products ({step_flops() / 1e6:.1f} MFLOP) at this CPU's FMA peak "
              f"({peak / 1e9:.1f} GFLOP/s, BM_FmaPeak, median of {len(peaks)} rounds) take "
              f"{fmt(products)}: {products / torch_step:.3f} of libtorch's one-thread step; "
              f"with nabla's Adam step alone ({fmt(statistics.median(adam))}, BM_AdamStep) "
              f"{(products + statistics.median(adam)) / torch_step:.3f}.")


if __name__ == "__main__":
    main()
