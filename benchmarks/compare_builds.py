#!/usr/bin/env python3
"""Compare two benchmark builds of nabla in one interleaved run.

Runs the same Google Benchmark executables from a "before" and an "after" build
directory in turn, round after round, so that both see the same machine state,
and prints the median time of every benchmark for each build and their ratio
(after / before) as a Markdown table.

    benchmarks/compare_builds.py --before ../old/build-bench --after build-bench \
        --bench autograd --bench train_step --rounds 6 --threads 1,2 --busy

--threads runs each executable once per OMP_NUM_THREADS value (benchmarks that
set their own thread count, such as BM_TrainStep/threads:N, ignore it).
--busy repeats every round with one CPU-bound process of its own running beside
the benchmark (started and stopped by this script), as when nabla shares a
machine with other work.
"""

import argparse
import os
import statistics
import sys

from bench_runs import BusyProcess, run_benchmark


def run_once(build, bench, threads, args):
    exe = os.path.join(build, "benchmarks", f"nabla_{bench}_bench")
    if not os.access(exe, os.X_OK):
        sys.exit(f"compare_builds: no executable {exe}")
    env = dict(os.environ)
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    report = run_benchmark(exe, args.min_time, args.repetitions, args.filter, env)
    times = {}
    for b in report["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        key = b["run_name"] + (f" [OMP {threads}]" if threads else "")
        times.setdefault(key, []).append(b["real_time"] if "real_time" in b["run_name"]
                                         else b["cpu_time"])
        times.setdefault(key + " unit", b["time_unit"])
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="build directory of the old code")
    parser.add_argument("--after", required=True, help="build directory of the new code")
    parser.add_argument("--bench", action="append", required=True,
                        help="benchmark suite name, e.g. autograd for nabla_autograd_bench")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--min-time", default="0.2")
    parser.add_argument("--filter", default="")
    parser.add_argument("--threads", default="", help="comma-separated OMP_NUM_THREADS values")
    parser.add_argument("--busy", action="store_true",
                        help="also run every round beside a CPU-bound process")
    args = parser.parse_args()

    thread_values = [int(t) for t in args.threads.split(",") if t] or [0]
    loads = ["idle", "busy"] if args.busy else ["idle"]
    samples = {}  # (load, build, name) -> list of times
    units = {}
    for r in range(args.rounds):
        for load in loads:
            with BusyProcess(load == "busy"):
                order = ["before", "after"] if r % 2 == 0 else ["after", "before"]
                for which in order:
                    build = args.before if which == "before" else args.after
                    for bench in args.bench:
                        for t in thread_values:
                            for name, v in run_once(build, bench, t, args).items():
                                if name.endswith(" unit"):
                                    units[name[:-5]] = v
                                else:
                                    samples.setdefault((load, which, name), []).extend(v)
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)

    print(f"Medians of {args.rounds} rounds x {args.repetitions} repetitions; "
          f"before = {args.before}, after = {args.after}\n")
    print("| load | benchmark | before | after | after / before |")
    print("|---|---|---:|---:|---:|")
    names = sorted({k[2] for k in samples}, key=lambda n: (n.split(" [")[0], n))
    for load in loads:
        for name in names:
            b = samples.get((load, "before", name))
            a = samples.get((load, "after", name))
            if not a or not b:
                continue
            mb, ma = statistics.median(b), statistics.median(a)
            unit = units.get(name, "")
            print(f"| {load} | {name} | {mb:.4g} {unit} | {ma:.4g} {unit} | {ma / mb:.3f} |")


if __name__ == "__main__":
    main()
