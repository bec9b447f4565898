"""What the benchmark scripts share: running a Google Benchmark executable to
its JSON report, and a CPU-bound process of their own beside it (users run
nabla beside other work)."""

import json
import multiprocessing
import os
import subprocess
import sys
import tempfile


def busy_loop():
    while True:
        pass


class BusyProcess:
    """`with BusyProcess(on):` runs a CPU-bound process for the block when `on`."""

    def __init__(self, on=True):
        self.on = on
        self.process = None

    def __enter__(self):
        if self.on:
            self.process = multiprocessing.Process(target=busy_loop, daemon=True)
            self.process.start()
        return self

    def __exit__(self, *exc):
        if self.process is not None:
            self.process.terminate()
            self.process.join()
        return False


def run_benchmark(exe, min_time, repetitions, filter="", env=None, cpus=None):
    """Runs `exe` (a Google Benchmark program), on the CPUs `cpus` when given,
    and returns its JSON report; raises subprocess.CalledProcessError with its
    stderr when it fails."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [exe, f"--benchmark_min_time={min_time}",
               f"--benchmark_repetitions={repetitions}",
               f"--benchmark_out={out.name}", "--benchmark_out_format=json"]
        if filter:
            cmd.append(f"--benchmark_filter={filter}")
        pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
        done = subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, preexec_fn=pin)
        text = open(out.name).read()
        if not text.strip():  # e.g. a filter that matches no benchmark
            sys.exit(f"{os.path.basename(exe)}: no results for filter '{filter}': "
                     f"{done.stderr.strip()}")
        return json.loads(text)
