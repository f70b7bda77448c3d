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


class PlantedWindow:
    """A function shaped like the window search (docs/sampler.md §4.2), minimised as -score.

    The planted seed matches floor(rate * overlap) draws of a window's overlap with the stretch
    [start, start + length) of its session; it survives when both windows reach their thresholds
    (ceil(t * w) matches) and skip_min <= skip <= skip_max, and then scores
    -log10 P(Poisson(lam) >= 1) with lam = 2^32 * skips * P(Bin(w, 1/M) >= need_f) * P(Bin(w, 1/M) >= need_r).
    A forward window past the session's last draw is infeasible (None: pruned).
    """

    def __init__(self, name, lengths, session, start, length, rate, skip, modulus):
        self.name, self.lengths, self.session = name, lengths, session
        self.start, self.length, self.rate, self.skip, self.modulus = start, length, rate, skip, modulus

    def matches(self, low, high):
        overlap = max(0, min(high, self.start + self.length) - max(low, self.start))
        return math.floor(self.rate * overlap)

    @staticmethod
    def need(hundredths, window):
        return -(-hundredths * window // 100)

    @staticmethod
    def log10_tail(n, p, k):
        """log10 P(Bin(n, p) >= k), from exact binomial coefficients."""
        if k <= 0:
            return 0.0
        if k > n:
            return -math.inf
        logs = [math.log(math.comb(n, i)) + i * math.log(p) + (n - i) * math.log1p(-p) for i in range(k, n + 1)]
        top = max(logs)
        return (top + math.log(sum(math.exp(v - top) for v in logs))) / math.log(10)

    def score(self, window, offset, skip_min, skip_max, forward, reverse, sessions):
        if offset + window > self.lengths[sessions]:
            return None
        if sessions != self.session or not skip_min <= self.skip <= skip_max:
            return 0.0
        need_f, need_r = self.need(forward, window), self.need(reverse, window)
        if self.matches(offset, offset + window) < need_f or self.matches(offset - window, offset) < need_r:
            return 0.0
        p = 1 / self.modulus
        log10_lam = 32 * math.log10(2) + math.log10(skip_max - skip_min + 1) \
            + self.log10_tail(window, p, need_f) + self.log10_tail(window, p, need_r)
        lam = 10 ** log10_lam
        return -log10_lam if lam < 1e-12 else -math.log10(-math.expm1(-lam))

    def optimum(self):
        """The best score: every session, window and offset at its highest passing thresholds."""
        best = 0.0
        for window in range(2, 51):
            for offset in range(50, 151):
                passing_f = [t for t in range(15, 61) if self.need(t, window) <= self.matches(offset, offset + window)]
                passing_r = [t for t in range(15, 61) if self.need(t, window) <= self.matches(offset - window, offset)]
                if not passing_f or not passing_r:
                    continue
                value = self.score(window, offset, min(self.skip, 10), max(self.skip, 10),
                                   passing_f[-1], passing_r[-1], self.session)
                if value is not None:
                    best = max(best, value)
        return best

    def objective(self, trial):
        """Suggests the window search's parameters in its study's order; None when infeasible."""
        window = trial.suggest_int("window_size", 2, 50)
        offset = trial.suggest_int("offset", 50, 150)
        skip_min = trial.suggest_int("skip_min", 0, 10)
        skip_max = trial.suggest_int("skip_max", 10, 250)
        forward = round(trial.suggest_float("forward_threshold", 0.15, 0.60, step=0.01) * 100)
        reverse = round(trial.suggest_float("reverse_threshold", 0.15, 0.60, step=0.01) * 100)
        sessions = trial.suggest_categorical("sessions", ["all", "midday", "evening"])
        value = self.score(window, offset, skip_min, skip_max, forward, reverse, sessions)
        return None if value is None else -value


# window-a ... window-e tuned the sampler; window-f, window-g and window-h are held out.
PLANTED_WINDOWS = [
    PlantedWindow("window-a", {"all": 360, "midday": 190, "evening": 170}, "midday", 95, 60, 0.9, 4, 1000),
    PlantedWindow("window-b", {"all": 360, "midday": 190, "evening": 170}, "evening", 60, 45, 0.85, 17, 1000),
    PlantedWindow("window-c", {"all": 400, "midday": 185, "evening": 200}, "midday", 100, 80, 0.9, 3, 10),
    PlantedWindow("window-d", {"all": 340, "midday": 160, "evening": 180}, "evening", 80, 80, 0.95, 120, 100),
    PlantedWindow("window-e", {"all": 380, "midday": 200, "evening": 180}, "all", 110, 50, 0.7, 9, 1000),
    PlantedWindow("window-f", {"all": 350, "midday": 175, "evening": 175}, "evening", 120, 50, 0.85, 60, 1000),
    PlantedWindow("window-g", {"all": 420, "midday": 210, "evening": 210}, "midday", 55, 70, 0.8, 2, 100),
    PlantedWindow("window-h", {"all": 300, "midday": 150, "evening": 150}, "all", 135, 50, 0.9, 30, 1000),
]

FUNCTIONS = [
    ("branin", 0.397887357729738,
     lambda t: branin(t.suggest_float("x1", -5, 10), t.suggest_float("x2", 0, 15))),
    ("hartmann6", -3.322368011415515,
     lambda t: hartmann6([t.suggest_float(f"x{i}", 0, 1) for i in range(6)])),
    ("rosenbrock4", 0.0,
     lambda t: rosenbrock4([t.suggest_float(f"x{i}", -5, 10) for i in range(4)])),
] + [(w.name, -w.optimum(), w.objective) for w in PLANTED_WINDOWS]
# Before any feasible trial a planted-window study stands at the plateau, 0; the others at +inf.
START = {w.name: 0.0 for w in PLANTED_WINDOWS}


def percentile(values, q):
    """numpy's default percentile (linear interpolation), written out to match the Swift runner."""
    ordered = sorted(values)
    position = q / 100 * (len(ordered) - 1)
    lower = int(math.floor(position))
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def run(objective, optimum, seed, trials, checkpoints, initial=math.inf):
    import optuna
    sampler = optuna.samplers.TPESampler(seed=seed)  # 5.0 defaults: multivariate, startup 10, 24 candidates
    study = optuna.create_study(direction="minimize", sampler=sampler)
    best = initial
    regrets = {}
    counts = {"repeated": 0, "infeasible": 0}
    seconds = []
    for number in range(trials):
        start = time.perf_counter()
        trial = study.ask()
        # Parameters are suggested inside the objective; time the sampler by the suggest calls.
        value = None
        suggest_start = time.perf_counter()
        value = objective(trial)
        suggest_seconds = time.perf_counter() - suggest_start
        if any(earlier.params == trial.params for earlier in study.get_trials(deepcopy=False)[:-1]):
            counts["repeated"] += 1
        if value is None:
            counts["infeasible"] += 1
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            study.tell(trial, value)
            best = min(best, value)
        seconds.append(suggest_seconds + (suggest_start - start))
        if number + 1 in checkpoints:
            regrets[number + 1] = max(0.0, best - optimum)
    return regrets, seconds, counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--functions", help="only these functions, comma-separated")
    args = parser.parse_args()
    ensure_venv()
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    checkpoints = [c for c in (20, 50, 100) if c <= args.trials]
    rows = []
    for name, optimum, objective in FUNCTIONS:
        if args.functions and name not in args.functions.split(","):
            continue
        runs = [run(objective, optimum, seed, args.trials, checkpoints, START.get(name, math.inf))
                for seed in range(args.seeds)]
        row = {"function": name, "optimum": optimum}
        for checkpoint in checkpoints:
            values = [regrets[checkpoint] for regrets, _, _ in runs]
            row[f"regret@{checkpoint}"] = {
                "median": percentile(values, 50), "q25": percentile(values, 25), "q75": percentile(values, 75),
                "values": values,
            }
        row["ms_per_trial"] = sum(sum(s[10:]) / len(s[10:]) for _, s, _ in runs) / len(runs) * 1000
        row["ms_per_trial_last10"] = sum(sum(s[-10:]) / 10 for _, s, _ in runs) / len(runs) * 1000
        row["repeated_proposals"] = [c["repeated"] for _, _, c in runs]
        row["infeasible_proposals"] = [c["infeasible"] for _, _, c in runs]
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
