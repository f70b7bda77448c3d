#!/usr/bin/env python3
"""Trials to recover a planted seed: the window search's TPE against Optuna's, on the same objective.

Plants a seed's draws (40-80 of them, a few percent noise) in each of N daily3-like histories of
18,000 draws, then, per history:

- ours: `optimize search --draws H --prng F --seeds RANGE --trials T --seed S --out DIR` with the
  default bounds; the search is interrupted (SIGINT) as soon as it has recovered the seed;
- Optuna: `optuna.samplers.TPESampler(seed=S)` (5.0.0 defaults) over the space that run's study
  holds (read from DIR/study/study.json), driven through ask/tell; every Optuna trial is the same
  window-search trial evaluated by `optimize search --config FIXED.json --trials 1` with every bound
  entry fixed to Optuna's parameters, and its score read from that run's trials.journal.

A trial is "recovered after" when the best trial so far (highest score, ties to the older trial, as
the search's best.json chooses) lists the planted seed at the planted skip among its bidirectional
survivors (`optimize survivors DIR/trials/NNNNN --only bidirectional`). Trials-to-recover is 1 + the
index of the first such trial; a history not recovered within --trials is unsolved. Medians count an
unsolved history as --trials + 1.

Optuna is installed into .build/tpe-benchmark-venv on first use (optuna_benchmark.ensure_venv).

    python3 Scripts/tpe-benchmark/planted_search.py --histories 20 --trials 100 --json planted.json
"""

import argparse
import csv
import datetime
import io
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from optuna_benchmark import ensure_venv  # noqa: E402  (re-executes this script inside the venv)

MODULUS = 1000
DAYS = 9000  # two sessions a day: 18,000 draws
SESSIONS = ("midday", "evening")
DEFAULT_FAMILIES = "java_lcg,lcg32,minstd,pcg32"
# `optimize search` refuses fixed bounds that allow no trial: the README gives status 50 (bad search
# bounds), but skip_min above skip_max exits 14 (bad skip range) and a window that fits no session's
# draws may exit 28. Any of them, with the message "no trial can run", is the fixed-parameter form of
# the search's PRUNED trial; each one is logged and counted in the results.
BOUNDS_REFUSED = (14, 28, 50)


class ToolError(RuntimeError):
    """`optimize` failed in a way the benchmark cannot score (reported, never hidden)."""


# ---------------------------------------------------------------------------------------------
# Histories


def plan_histories(count, families, benchmark_seed, seeds_log2):
    """Draws every history's planted hypothesis from the benchmark seed alone.

    Burn-in is 0 for every history: the default bounds fix `burn` at 0 (SearchBounds.defaults), so a
    planted burn-in above 0 could never be recovered by a search with the default bounds. The stretch
    starts at index `place` of the session-filtered history (`sessions`: all, midday or evening),
    between 30 and 130, so that windows at the default offsets (50 ... 150) can lie inside it.
    """
    rng = random.Random(benchmark_seed)
    span = 1 << seeds_log2
    plans = []
    for number in range(count):
        base = rng.randrange(1, (1 << 31) - span - 1)
        plans.append({
            "history": number,
            "family": families[number % len(families)],
            "seed": base + rng.randrange(span),
            "seeds": [base, base + span],
            "skip": rng.randint(0, 20),
            "burn": 0,
            "sessions": rng.choice(["all", "midday", "evening"]),
            "place": rng.randint(30, 130),
            "length": rng.randint(40, 80),
            "noise": rng.choice([0.02, 0.03, 0.04, 0.05]),
            "noise_seed": rng.getrandbits(32),
            "background_seed": rng.getrandbits(64),
            "sampler_seed": rng.randrange(1 << 31),
        })
    return plans


def background_history(seed):
    """An 18,000-draw daily3-like history: uniform residues mod 1000, midday then evening each day."""
    rng = random.Random(seed)
    first = datetime.date(2000, 1, 1)
    rows = []
    for day in range(DAYS):
        date = (first + datetime.timedelta(days=day)).isoformat()
        for session in SESSIONS:
            rows.append({"draw": rng.randrange(MODULUS), "session": session, "date": date})
    return rows


def planted_draws(optimize, plan):
    """The stretch's draws, from `optimize generate`, so the project's semantics define them.

    Filtered-history draw j of a hypothesis (seed, skip s, burn b) is out_{b + (j+1)(s+1)}
    (docs/semantics.md §2), so draws place ... place+length-1 are `generate`'s draws 0 ... length-1
    with burn b + place·(s+1). Returns the draws and the noisy indices `generate` reports.
    """
    burn = plan["burn"] + plan["place"] * (plan["skip"] + 1)
    command = [optimize, "generate", "--prng", plan["family"], "--seed", str(plan["seed"]),
               "--skip", str(plan["skip"]), "--burn", str(burn), "--count", str(plan["length"]),
               "--modulus", str(MODULUS), "--noise", str(plan["noise"]),
               "--noise-seed", str(plan["noise_seed"]), "--format", "text"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise ToolError(f"optimize generate failed ({done.returncode}): {done.stderr.strip()}")
    draws = [int(line) for line in done.stdout.split() if line.strip()]
    if len(draws) != plan["length"]:
        raise ToolError(f"optimize generate wrote {len(draws)} draws, asked for {plan['length']}")
    noisy = []
    if "indices:" in done.stderr:
        noisy = [int(x) for x in done.stderr.split("indices:", 1)[1].replace(",", " ").split()]
    return draws, noisy


def write_history(optimize, plan, path):
    """Writes the history with the planted stretch (JSON, the reference's format) atomically."""
    rows = background_history(plan["background_seed"])
    kept = [i for i, row in enumerate(rows) if plan["sessions"] == "all" or row["session"] == plan["sessions"]]
    draws, noisy = planted_draws(optimize, plan)
    for i, draw in enumerate(draws):
        rows[kept[plan["place"] + i]]["draw"] = draw
    plan["noisy_indices"] = noisy
    write_atomically(path, json.dumps(rows))


def write_atomically(path, text):
    """Writes text to path through a temporary file in the same directory and a rename."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    with os.fdopen(handle, "w") as out:
        out.write(text)
    os.replace(temporary, path)


# ---------------------------------------------------------------------------------------------
# Reading runs


def journal_records(path):
    """The records of a CRC-prefixed journal (`CRC {json}` a line); a torn last line is skipped."""
    records = []
    if not os.path.exists(path):
        return records
    with open(path) as handle:
        for line in handle:
            if " " not in line or not line.endswith("\n"):
                continue
            try:
                records.append(json.loads(line.split(" ", 1)[1]))
            except json.JSONDecodeError:
                continue
    return records


def bidirectional_skips(optimize, trial_directory, seed):
    """The skip at which `seed` is a bidirectional survivor of a trial's sweep, or None."""
    done = subprocess.run([optimize, "survivors", trial_directory, "--only", "bidirectional", "--format", "csv"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise ToolError(f"optimize survivors {trial_directory} failed ({done.returncode}): {done.stderr.strip()}")
    for row in csv.DictReader(io.StringIO(done.stdout)):
        if int(row["seed"]) == seed:
            return int(row["bidirectional_skip"])
    return None


class RecoveryTracker:
    """Follows the best trial so far and says after which trial it first recovers the planted seed.

    The measure is the seed at the planted skip. Beside it the tracker notes when the best trial first
    lists the planted seed at any skip (`seed_at`, `seed_skip`): a trial whose session filter differs
    from the planting's sees the same hypothesis at another skip (planted in all sessions at skip s,
    the evening draws are out_{(j+1)(2s+2)}: skip 2s+1), which the measure does not count.
    """

    def __init__(self, optimize, plan):
        self.optimize = optimize
        self.seed = plan["seed"]
        self.skip = plan["skip"]
        self.best_score = None
        self.best_skip = None  # the skip at which the best trial lists the seed, if it does
        self.seen = 0
        self.recovered_at = None  # trials-to-recover: 1 + the index of the first recovering trial
        self.seed_at = None
        self.seed_skip = None
        self.seed_sessions = None

    def observe(self, record, trial_directory):
        """Takes the next trial's journal record (in trial order); returns True once recovered."""
        self.seen += 1
        score = record.get("score")
        if record.get("state") == "COMPLETE" and score is not None and (self.best_score is None or score > self.best_score):
            self.best_score = score
            self.best_skip = bidirectional_skips(self.optimize, trial_directory, self.seed)
            if self.best_skip is not None and self.seed_at is None:
                self.seed_at = self.seen
                self.seed_skip = self.best_skip
                self.seed_sessions = record.get("params", {}).get("sessions")
        if self.best_skip == self.skip and self.recovered_at is None:
            self.recovered_at = self.seen
        return self.recovered_at is not None

    def seed_found(self):
        """When the best trial first listed the seed at any skip: trials, skip and sessions (or None)."""
        return {"at": self.seed_at, "skip": self.seed_skip, "sessions": self.seed_sessions}


# ---------------------------------------------------------------------------------------------
# Ours: the window search


def run_ours(optimize, plan, history, directory, trials, log):
    """Runs the window search with the default bounds; stops it (SIGINT) once it has recovered.

    Returns trials-to-recover (None when unsolved), the trials run, each trial's seconds and when the
    best trial first listed the seed at any skip (RecoveryTracker.seed_found).
    """
    if os.path.exists(directory):
        subprocess.run(["rm", "-rf", directory], check=True)
    command = [optimize, "search", "--draws", history, "--prng", plan["family"],
               "--seeds", f"{plan['seeds'][0]}..<{plan['seeds'][1]}", "--trials", str(trials),
               "--seed", str(plan["sampler_seed"]), "--out", directory, "--modulus", str(MODULUS)]
    stderr_path = directory + ".stderr"
    tracker = RecoveryTracker(optimize, plan)
    with open(stderr_path, "w") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
        journal = os.path.join(directory, "trials.journal")
        stopped = False
        while True:
            finished = process.poll() is not None
            for record in journal_records(journal)[tracker.seen:]:
                trial_directory = os.path.join(directory, "trials", f"{record['trial']:05d}")
                recovered = tracker.observe(record, trial_directory)
                log(f"  ours: trial {record['trial']} {record['state']} score {record.get('score')}")
                if recovered:
                    log(f"  ours: recovered after trial {tracker.recovered_at}; stopping the search")
                    process.send_signal(signal.SIGINT)
                    stopped = True
                    break
            if finished or stopped:
                break
            time.sleep(1)
        status = process.wait()
    if status not in (0, 130) and not (stopped and status == -signal.SIGINT):
        raise ToolError(f"optimize search exited {status} for history {plan['history']}: see {stderr_path}")
    seconds = [r["seconds"] for r in journal_records(os.path.join(directory, "timings.journal"))]
    return tracker.recovered_at, tracker.seen, seconds, tracker.seed_found()


def read_space(directory):
    """The parameters of the window search's study, in suggestion order, from its study.json."""
    with open(os.path.join(directory, "study", "study.json")) as handle:
        return json.load(handle)["space"]["params"]


# ---------------------------------------------------------------------------------------------
# Optuna: the same objective through ask/tell


def decimal_places(step):
    """How many decimals a step such as 0.01 has (0 for whole steps)."""
    text = repr(float(step))
    return len(text.split(".")[1].rstrip("0")) if "." in text else 0


def suggest(trial, parameter):
    """Asks an Optuna trial for one parameter of the window search's space, with its range and step."""
    name, kind = parameter["name"], parameter["type"]
    if kind == "int":
        return trial.suggest_int(name, parameter["low"], parameter["high"], step=parameter.get("step") or 1,
                                 log=parameter.get("log", False))
    if kind == "float":
        step = parameter.get("step")
        value = trial.suggest_float(name, parameter["low"], parameter["high"], step=step, log=parameter.get("log", False))
        if step:  # the tool reads thresholds as decimals: give it the grid value, not 0.35000000000000003
            value = round(value, decimal_places(step))
        return value
    if kind == "categorical":
        # Optuna's choices must be scalars: a session list is offered as its JSON text.
        choices = [c if isinstance(c, (str, int, float, bool)) or c is None else json.dumps(c) for c in parameter["choices"]]
        value = trial.suggest_categorical(name, choices)
        original = parameter["choices"][choices.index(value)]
        return original
    raise ToolError(f"unknown parameter type {kind!r} in the study's space")


def evaluate_fixed(optimize, plan, history, params, directory):
    """Runs one window-search trial with every bound entry fixed to `params`.

    Returns ("complete", score, record), ("pruned", reason, record) or ("refused", message, None)
    when `optimize search` refuses the fixed bounds (a combination that allows no trial: BOUNDS_REFUSED).
    """
    os.makedirs(os.path.dirname(directory), exist_ok=True)
    config = directory + ".bounds.json"
    write_atomically(config, json.dumps(params))
    command = [optimize, "search", "--draws", history, "--prng", plan["family"],
               "--seeds", f"{plan['seeds'][0]}..<{plan['seeds'][1]}", "--trials", "1",
               "--seed", str(plan["sampler_seed"]), "--out", directory, "--modulus", str(MODULUS),
               "--config", config]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode in BOUNDS_REFUSED:
        return "refused", f"exit {done.returncode}: {done.stderr.strip()}", None
    if done.returncode != 0:
        raise ToolError(f"optimize search (fixed trial) exited {done.returncode}: {done.stderr.strip()}")
    records = journal_records(os.path.join(directory, "trials.journal"))
    if len(records) != 1:
        raise ToolError(f"{directory}/trials.journal holds {len(records)} records, expected 1")
    record = records[0]
    if record["state"] == "COMPLETE":
        return "complete", record["score"], record
    if record["state"] == "PRUNED":
        return "pruned", record.get("reason"), record
    return "failed", record.get("reason") or record.get("error"), record


def run_optuna(optimize, plan, history, space, directory, trials, log):
    """Optuna's default TPE on the same space and objective; stops at its own recovery.

    Returns trials-to-recover (None when unsolved), the trials run, each trial's seconds and the
    trials whose fixed bounds `optimize search` refused (told to Optuna as pruned), and when the best
    trial first listed the seed at any skip (RecoveryTracker.seed_found).
    """
    import optuna
    from optuna.trial import TrialState
    if os.path.exists(directory):
        subprocess.run(["rm", "-rf", directory], check=True)
    sampler = optuna.samplers.TPESampler(seed=plan["sampler_seed"])  # 5.0 defaults
    study = optuna.create_study(direction="maximize", sampler=sampler)
    tracker = RecoveryTracker(optimize, plan)
    seconds = []
    refused = []
    best_directory = None
    for number in range(trials):
        trial = study.ask()
        params = {parameter["name"]: suggest(trial, parameter) for parameter in space}
        trial_run = os.path.join(directory, f"{number:05d}")
        start = time.perf_counter()
        kind, value, record = evaluate_fixed(optimize, plan, history, params, trial_run)
        seconds.append(time.perf_counter() - start)
        if kind == "complete":
            study.tell(trial, value)
        elif kind in ("pruned", "refused"):
            study.tell(trial, state=TrialState.PRUNED)
            record = {"state": "PRUNED"}
        else:
            study.tell(trial, state=TrialState.FAIL)
            record = {"state": "FAILED"}
        if kind == "refused":
            refused.append({"trial": number, "params": params, "message": value})
        log(f"  optuna: trial {number} {kind} {value if kind in ('complete', 'refused') else ''}".rstrip())
        previous = tracker.best_score
        recovered = tracker.observe(record, os.path.join(trial_run, "trials", "00000"))
        # Keep only the best trial's survivors on disk (a small window's files run to hundreds of MB).
        if tracker.best_score != previous:
            if best_directory:
                subprocess.run(["rm", "-rf", os.path.join(best_directory, "trials")], check=True)
            best_directory = trial_run
        elif os.path.exists(os.path.join(trial_run, "trials")):
            subprocess.run(["rm", "-rf", os.path.join(trial_run, "trials")], check=True)
        if recovered:
            log(f"  optuna: recovered after trial {tracker.recovered_at}")
            break
    return tracker.recovered_at, tracker.seen, seconds, refused, tracker.seed_found()


def check_plant(optimize, plan, history, directory):
    """Checks the planting: a window inside the stretch at the default offsets finds the seed.

    One fixed trial over the planted seed alone, window up to 20 draws at an offset in 50 ... 150
    inside the stretch, thresholds 0.5, the planted skip. Raises ToolError when the seed is not a
    bidirectional survivor at its skip (the history would measure nothing).
    """
    start, end = plan["place"], plan["place"] + plan["length"]
    offset = min(max(start + plan["length"] // 2, 50), 150)
    window = min(20, offset - start, end - offset)
    if window < 4:
        raise ToolError(f"history {plan['history']}: no window of 4+ draws inside the stretch at offsets 50 ... 150")
    bounds = {"window_size": window, "offset": offset, "burn": plan["burn"], "skip_min": plan["skip"],
              "skip_max": plan["skip"], "forward_threshold": 0.5, "reverse_threshold": 0.5,
              "sessions": plan["sessions"], "prng": plan["family"]}
    single = dict(plan, seeds=[plan["seed"], plan["seed"] + 1])
    if os.path.exists(directory):
        subprocess.run(["rm", "-rf", directory], check=True)
    kind, _, _ = evaluate_fixed(optimize, single, history, bounds, directory)
    found = kind == "complete" and bidirectional_skips(optimize, os.path.join(directory, "trials", "00000"),
                                                       plan["seed"]) == plan["skip"]
    if not found:
        raise ToolError(f"history {plan['history']}: the planted seed is not found by {bounds} ({kind})")
    subprocess.run(["rm", "-rf", directory], check=True)


# ---------------------------------------------------------------------------------------------
# Cost, report


def measure_trial_cost(optimize, plans, work, log):
    """Times one trial shaped like Benchmarks/trial-shape.json per family, on the first history of it."""
    shape = os.path.join(ROOT, "Benchmarks", "trial-shape.json")
    with open(shape) as handle:
        bounds = json.load(handle)
    costs = {}
    for plan in plans:
        family = plan["family"]
        if family in costs:
            continue
        history = os.path.join(work, f"h{plan['history']:02d}", "history.json")
        directory = os.path.join(work, "cost", family)
        if os.path.exists(directory):
            subprocess.run(["rm", "-rf", directory], check=True)
        start = time.perf_counter()
        kind, _, _ = evaluate_fixed(optimize, plan, history, dict(bounds, prng=family), directory)
        costs[family] = time.perf_counter() - start
        subprocess.run(["rm", "-rf", directory], check=True)
        log(f"cost: one trial-shape trial of {family} over {plan['seeds'][1] - plan['seeds'][0]} seeds: "
            f"{costs[family]:.1f} s ({kind})")
    return costs


def trials_value(recovered, budget):
    """A history's trials-to-recover for the medians: unsolved counts as budget + 1."""
    return recovered if recovered is not None else budget + 1


def summarize(results, budget):
    """Medians, unsolved counts and the histories Optuna solved and ours did not."""
    ours = [trials_value(r["ours"]["recovered_at"], budget) for r in results]
    theirs = [trials_value(r["optuna"]["recovered_at"], budget) for r in results]
    return {
        "median_ours": statistics.median(ours) if ours else None,
        "median_optuna": statistics.median(theirs) if theirs else None,
        "unsolved_ours": sum(r["ours"]["recovered_at"] is None for r in results),
        "unsolved_optuna": sum(r["optuna"]["recovered_at"] is None for r in results),
        "optuna_only": [r["plan"]["history"] for r in results
                        if r["optuna"]["recovered_at"] is not None and r["ours"]["recovered_at"] is None],
        "ours_only": [r["plan"]["history"] for r in results
                      if r["ours"]["recovered_at"] is not None and r["optuna"]["recovered_at"] is None],
        "median_seed_any_skip_ours": statistics.median(
            trials_value(r["ours"]["seed_found"]["at"], budget) for r in results) if results else None,
        "median_seed_any_skip_optuna": statistics.median(
            trials_value(r["optuna"]["seed_found"]["at"], budget) for r in results) if results else None,
        "ours_fewer": sum(a < b for a, b in zip(ours, theirs)),
        "optuna_fewer": sum(b < a for a, b in zip(ours, theirs)),
    }


def markdown(document):
    """The report: the command, one row per history, the summary."""
    budget = document["trials"]
    summary = document["summary"]
    lines = ["# Trials to recover a planted seed", ""]
    if document["reduced"]:
        lines += [f"**Reduced run** ({document['histories']} histories, {budget} trials, 2^{document['seeds_log2']} seeds; "
                  "the full benchmark is 20 histories, 100 trials, 2^24 seeds).", ""]
    lines += ["Produced by:", "", "```", document["command"], "```", "",
              f"{document['date']}; optimize {document['optimize_version']}; {document['sampler_optuna']}; "
              f"machine: {document['machine']}; wall time {document['wall_seconds'] / 60:.1f} min.", "",
              "Trials-to-recover: 1 + the index of the first trial after which the best trial so far (highest score, "
              "ties to the older trial) lists the planted seed at the planted skip among its bidirectional survivors. "
              "Each sampler stops at its own recovery. Burn-in is 0 everywhere (the default bounds fix it there); "
              "the stretch starts at index `place` of the history filtered to `sessions`.", "",
              "The last two columns are not the measure: when the best trial first listed the planted seed at any "
              "skip (the skip and sessions it was found at), which differs where a trial's session filter sees the "
              "planted hypothesis at another skip.", "",
              "| # | family | seed | skip | burn | sessions | place | length | noise (draws) | ours | Optuna "
              "| seed at any skip, ours | seed at any skip, Optuna |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in document["results"]:
        p = r["plan"]
        cell = lambda side: str(r[side]["recovered_at"]) if r[side]["recovered_at"] is not None else f"unsolved ({r[side]['trials_run']})"

        def found(side):
            seen = r[side]["seed_found"]
            return f"{seen['at']} (skip {seen['skip']}, {seen['sessions']})" if seen["at"] is not None else "-"
        lines.append(f"| {p['history']} | {p['family']} | {p['seed']} | {p['skip']} | {p['burn']} | {p['sessions']} | "
                     f"{p['place']} | {p['length']} | {p['noise']:.2f} ({len(p.get('noisy_indices', []))}) | {cell('ours')} | {cell('optuna')} | "
                     f"{found('ours')} | {found('optuna')} |")
    lines += ["", "## Summary", "",
              f"- median trials to recover (unsolved counted as {budget + 1}): **ours {summary['median_ours']}**, "
              f"**Optuna {summary['median_optuna']}**",
              f"- not the measure: median trials until the best trial lists the seed at any skip: ours "
              f"{summary['median_seed_any_skip_ours']}, Optuna {summary['median_seed_any_skip_optuna']}",
              f"- unsolved within {budget} trials: ours {summary['unsolved_ours']}, Optuna {summary['unsolved_optuna']}",
              f"- histories Optuna solved and ours did not: {summary['optuna_only'] or 'none'}; "
              f"ours solved and Optuna did not: {summary['ours_only'] or 'none'}",
              f"- Optuna trials whose fixed bounds `optimize search` refused (told as pruned): "
              f"{sum(len(r['optuna'].get('refused', [])) for r in document['results'])}",
              f"- fewer trials: ours on {summary['ours_fewer']} histories, Optuna on {summary['optuna_fewer']}",
              f"- seconds per trial (mean over the trials run): ours {document['seconds_per_trial']['ours']:.1f}, "
              f"Optuna {document['seconds_per_trial']['optuna']:.1f} (a fixed-parameter trial is a whole "
              "`optimize search` process)",
              f"- target (fewer median trials than Optuna, and no history Optuna solves and ours does not): "
              f"{'met' if document['target_met'] else 'not met'}", ""]
    return "\n".join(lines)


def optimize_version(optimize):
    """`optimize --version`, or a clear error when the binary is missing."""
    if not (os.path.isfile(optimize) and os.access(optimize, os.X_OK)):
        sys.exit(f"planted_search.py: {optimize} is not an executable; build it with "
                 "`swift build -c release --product optimize` (or run Scripts/tpe-benchmark/planted.sh)")
    done = subprocess.run([optimize, "--version"], capture_output=True, text=True)
    return done.stdout.strip() or done.stderr.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--histories", type=int, default=20)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seeds-log2", type=int, default=24, help="seeds each trial sieves: 2^N holding the planted seed")
    parser.add_argument("--jobs", type=int, default=1, help="histories run at once (each search uses every core)")
    parser.add_argument("--seed", type=int, default=12, help="the benchmark seed: histories and sampler seeds")
    parser.add_argument("--families", default=DEFAULT_FAMILIES)
    parser.add_argument("--optimize", default=os.path.join(ROOT, ".build", "release", "optimize"))
    parser.add_argument("--out", default=os.path.join(ROOT, ".build", "planted-search"), help="work directory")
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--markdown", default=os.path.join(HERE, "PLANTED.md"))
    parser.add_argument("--command", help="the command line to state in the report (default: this one)")
    args = parser.parse_args()
    version = optimize_version(args.optimize)
    ensure_venv()
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    started = time.time()
    log = lambda text: print(text, flush=True)
    families = [f.strip() for f in args.families.split(",") if f.strip()]
    plans = plan_histories(args.histories, families, args.seed, args.seeds_log2)
    os.makedirs(args.out, exist_ok=True)
    for plan in plans:
        history = os.path.join(args.out, f"h{plan['history']:02d}", "history.json")
        write_history(args.optimize, plan, history)
        check_plant(args.optimize, plan, history, os.path.join(args.out, f"h{plan['history']:02d}", "check"))
    log(f"planted {len(plans)} histories; each one's seed is found by a window inside its stretch")

    costs = measure_trial_cost(args.optimize, plans, args.out, log)
    per_trial = statistics.mean(costs[p["family"]] for p in plans)
    worst = args.histories * args.trials * 2 * per_trial
    log(f"estimate: at most {args.histories} histories x {args.trials} trials x 2 samplers x ~{per_trial:.1f} s = "
        f"{worst / 3600:.1f} h (trial-shape cost; small windows with wide skip ranges cost 10-50x more, "
        "and each sampler stops at its recovery)")

    def run_history(plan):
        """Both samplers on one history; returns its result."""
        work = os.path.join(args.out, f"h{plan['history']:02d}")
        history = os.path.join(work, "history.json")
        log(f"history {plan['history']}: {plan['family']} seed {plan['seed']} skip {plan['skip']} "
            f"{plan['sessions']} place {plan['place']} length {plan['length']} noise {plan['noise']}")
        ours_at, ours_run, ours_seconds, ours_seed = run_ours(args.optimize, plan, history, os.path.join(work, "ours"), args.trials, log)
        space = read_space(os.path.join(work, "ours"))
        theirs_at, theirs_run, theirs_seconds, refused, theirs_seed = run_optuna(args.optimize, plan, history, space,
                                                           os.path.join(work, "optuna"), args.trials, log)
        log(f"history {plan['history']}: ours {ours_at or 'unsolved'}, Optuna {theirs_at or 'unsolved'} "
            f"({(time.time() - started) / 60:.1f} min so far)")
        return {"plan": plan, "space": space,
                "ours": {"recovered_at": ours_at, "trials_run": ours_run, "seconds": ours_seconds, "seed_found": ours_seed},
                "optuna": {"recovered_at": theirs_at, "trials_run": theirs_run, "seconds": theirs_seconds,
                           "refused": refused, "seed_found": theirs_seed}}

    if args.jobs > 1:
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(args.jobs) as pool:
            results = list(pool.map(run_history, plans))
    else:
        results = [run_history(plan) for plan in plans]

    summary = summarize(results, args.trials)
    all_ours = [s for r in results for s in r["ours"]["seconds"]]
    all_theirs = [s for r in results for s in r["optuna"]["seconds"]]
    document = {
        "command": args.command or " ".join(["python3", os.path.relpath(sys.argv[0], ROOT)] + sys.argv[1:]),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "optimize_version": version, "sampler_optuna": f"optuna {optuna.__version__} TPESampler(seed=s), defaults",
        "machine": f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end",
        "histories": args.histories, "trials": args.trials, "seeds_log2": args.seeds_log2, "benchmark_seed": args.seed,
        "reduced": (args.histories, args.trials, args.seeds_log2) != (20, 100, 24),
        "trial_shape_seconds": costs,
        "seconds_per_trial": {"ours": statistics.mean(all_ours) if all_ours else 0.0,
                              "optuna": statistics.mean(all_theirs) if all_theirs else 0.0},
        "wall_seconds": time.time() - started,
        "summary": summary,
        "target_met": (summary["median_ours"] < summary["median_optuna"] and not summary["optuna_only"]),
        "results": results,
    }
    write_atomically(args.markdown, markdown(document) + "\n")
    if args.json:
        write_atomically(args.json, json.dumps(document, indent=1) + "\n")
    print(markdown(document))


if __name__ == "__main__":
    main()
