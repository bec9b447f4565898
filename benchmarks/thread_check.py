#!/usr/bin/env python3
"""Do threads ever hurt? Runs nabla_threads_bench on an idle machine and beside
a CPU-bound process of its own (started and stopped here), round after round,
and prints for every workload the median wall time on 1 thread and on the
default thread count, and their ratio (default / 1 thread).

    benchmarks/thread_check.py --build build-bench --rounds 4

The goals (docs/threads.md): at most 1.05 idle, and at most 1.15 under load for
the training steps and the small fit.
"""

import argparse
import os
import re
import statistics
import sys

from bench_runs import BusyProcess, run_benchmark


def run_once(exe, args):
    report = run_benchmark(exe, args.min_time, args.repetitions, args.filter)
    times = {}
    for b in report["benchmarks"]:
        if b.get("run_type") == "iteration":
            times.setdefault(b["run_name"], []).append((b["real_time"], b["time_unit"]))
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build-bench")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--min-time", default="0.2")
    parser.add_argument("--filter", default="")
    args = parser.parse_args()
    exe = os.path.join(args.build, "benchmarks", "nabla_threads_bench")
    if not os.access(exe, os.X_OK):
        sys.exit(f"thread_check: no executable {exe}")

    samples = {"idle": {}, "busy": {}}
    for r in range(args.rounds):
        for mode in (("idle", "busy") if r % 2 == 0 else ("busy", "idle")):
            with BusyProcess(mode == "busy"):
                for name, values in run_once(exe, args).items():
                    samples[mode].setdefault(name, []).extend(values)
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)

    with open("/proc/cpuinfo") as f:
        cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    print(f"CPU: {cpu}; default thread count: see threads:0; {args.rounds} rounds x "
          f"{args.repetitions} repetitions, medians\n")
    print("| workload | machine | 1 thread | default | default / 1 |")
    print("|---|---|---:|---:|---:|")
    for mode in ("idle", "busy"):
        for name in samples[mode]:
            if "/threads:1" not in name:
                continue
            other = name.replace("/threads:1", "/threads:0")
            if other not in samples[mode]:
                continue
            one = statistics.median(v for v, _ in samples[mode][name])
            default = statistics.median(v for v, _ in samples[mode][other])
            unit = samples[mode][name][0][1]
            label = re.sub(r"/threads:1", "", name)
            print(f"| {label} | {mode} | {one:.4g} {unit} | {default:.4g} {unit} | "
                  f"{default / one:.3f} |")


if __name__ == "__main__":
    main()
