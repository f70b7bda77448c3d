#!/usr/bin/env python3
"""Runs Optuna's default TPESampler on the benchmark functions of docs/sampler.md §4.

Seeds 0-19 (by default), 100 trials each, sequential ask/tell; writes the simple regret at 20, 50
and 100 trials and the sampler's time per trial as JSON, in the same shape as the Swift runner
(`swift run -c release _TPEBenchmark --json FILE`).

It installs Optuna into a virtual environment of its own on first use (PyPI, optuna==5.0.0), so
Optuna is never a dependency of the package:

    python3 Scripts/tpe-benchmark/optuna_benchmark.py --json optuna.json
"""

import argparse
import json
import math
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VENV = os.path.join(ROOT, ".build", "tpe-benchmark-venv")
OPTUNA_REQUIREMENT = "optuna==5.0.0"


def ensure_venv():
    """Re-runs this script inside the benchmark's virtual environment, creating it if needed."""
    python = os.path.join(VENV, "bin", "python")
    if os.path.abspath(sys.prefix) == os.path.abspath(VENV):
        return
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
        subprocess.check_call([python, "-m", "pip", "install", "--quiet", OPTUNA_REQUIREMENT])
    os.execv(python, [python] + sys.argv)


def branin(x1, x2):
    b = 5.1 / (4 * math.pi ** 2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
     [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]


def hartmann6(x):
    total = 0.0
    for i in range(4):
        inner = sum(A[i][j] * (x[j] - P[i][j] * 1e-4) ** 2 for j in range(6))
        total += ALPHA[i] * math.exp(-inner)
    return -total


def rosenbrock4(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (x[i] - 1) ** 2 for i in range(3))


FUNCTIONS = [
    ("branin", 0.397887357729738,
     lambda t: branin(t.suggest_float("x1", -5, 10), t.suggest_float("x2", 0, 15))),
    ("hartmann6", -3.322368011415515,
     lambda t: hartmann6([t.suggest_float(f"x{i}", 0, 1) for i in range(6)])),
    ("rosenbrock4", 0.0,
     lambda t: rosenbrock4([t.suggest_float(f"x{i}", -5, 10) for i in range(4)])),
]


def percentile(values, q):
    """numpy's default percentile (linear interpolation), written out to match the Swift runner."""
    ordered = sorted(values)
    position = q / 100 * (len(ordered) - 1)
    lower = int(math.floor(position))
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def run(objective, optimum, seed, trials, checkpoints):
    import optuna
    sampler = optuna.samplers.TPESampler(seed=seed)  # 5.0 defaults: multivariate, startup 10, 24 candidates
    study = optuna.create_study(direction="minimize", sampler=sampler)
    best = math.inf
    regrets = {}
    seconds = []
    for number in range(trials):
        start = time.perf_counter()
        trial = study.ask()
        # Parameters are suggested inside the objective; time the sampler by the suggest calls.
        value = None
        suggest_start = time.perf_counter()
        value = objective(trial)
        suggest_seconds = time.perf_counter() - suggest_start
        study.tell(trial, value)
        seconds.append(suggest_seconds + (suggest_start - start))
        best = min(best, value)
        if number + 1 in checkpoints:
            regrets[number + 1] = max(0.0, best - optimum)
    return regrets, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args()
    ensure_venv()
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    checkpoints = [c for c in (20, 50, 100) if c <= args.trials]
    rows = []
    for name, optimum, objective in FUNCTIONS:
        runs = [run(objective, optimum, seed, args.trials, checkpoints) for seed in range(args.seeds)]
        row = {"function": name}
        for checkpoint in checkpoints:
            values = [regrets[checkpoint] for regrets, _ in runs]
            row[f"regret@{checkpoint}"] = {
                "median": percentile(values, 50), "q25": percentile(values, 25), "q75": percentile(values, 75),
                "values": values,
            }
        row["ms_per_trial"] = sum(sum(s[10:]) / len(s[10:]) for _, s in runs) / len(runs) * 1000
        row["ms_per_trial_last10"] = sum(sum(s[-10:]) / 10 for _, s in runs) / len(runs) * 1000
        rows.append(row)
        print(name, {k: (v["median"] if isinstance(v, dict) else v) for k, v in row.items() if k != "function"})
    document = {"sampler": f"optuna {optuna.__version__} TPESampler(seed=s), defaults",
                "seeds": args.seeds, "trials": args.trials, "results": rows}
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(document, handle)
            handle.write("\n")


if __name__ == "__main__":
    main()
