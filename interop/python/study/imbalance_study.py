#!/usr/bin/env python3
"""The imbalance study: what focal loss does for class imbalance, calibration and training cost, measured.

    /usr/bin/python3 interop/python/study/imbalance_study.py [--quick] [--out DIR] [--seeds N]

Trains a small MLP on imbalanced binary and multi-class data sets with cross-entropy, class weights, resampling,
focal loss and its variants (every loss from focalaot.torch), over several seeds; times focal loss against
cross-entropy; and writes results.csv, predictions.npz, overhead.csv, run.json, summary.md and the charts into DIR
(default: artifacts/study/ under the repository root). README.md in this folder describes it all.
"""

import argparse
import importlib.util
import math
import os
import platform
import sys
import time
from pathlib import Path

STUDY = Path(__file__).resolve().parent
REPOSITORY = STUDY.parents[2]

if importlib.util.find_spec("focalaot") is None:  # not installed: use the checkout's package (interop/python)
    sys.path.insert(0, str(STUDY.parent))

# The study's modules import focalaot, so they come after the path is set.
import imblearn  # noqa: E402
import matplotlib  # noqa: E402
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
import torch  # noqa: E402

import charts  # noqa: E402
import datasets  # noqa: E402
import experiment  # noqa: E402
import focalaot  # noqa: E402
import overhead  # noqa: E402
import records  # noqa: E402
import report  # noqa: E402
from grid import CHART_DATA, CHART_METHODS, FULL, QUICK, DataConfig, Grid  # noqa: E402
from methods import methods  # noqa: E402
from training import HIDDEN, LEARNING_RATE  # noqa: E402


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="the small grid: every method family, data kind and chart, in under 2 minutes")
    parser.add_argument("--out", type=Path, default=REPOSITORY / "artifacts" / "study",
                        help="output folder (default: artifacts/study/ under the repository root)")
    parser.add_argument("--seeds", type=int, help=f"seeds 0 .. N-1 (default: {FULL.seeds}; quick: {QUICK.seeds})")
    arguments = parser.parse_args(argv)
    if arguments.seeds is not None and arguments.seeds < 1:
        parser.error("--seeds must be at least 1")
    return arguments


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}m{seconds % 60:04.1f}s"


def _versions() -> dict[str, str]:
    return {"python": platform.python_version(), "focalaot": f"{focalaot.__version__} ({focalaot.loaded_variant()})",
            "torch": torch.__version__, "numpy": np.__version__, "scikit-learn": sklearn.__version__,
            "imbalanced-learn": imblearn.__version__, "matplotlib": matplotlib.__version__}


def _data_info(config: DataConfig, data: datasets.DataSet) -> dict:
    """What summary.md says about a data set, from its first seed's split."""
    splits = (data.y_train, data.y_val, data.y_test)
    return {"key": data.key, "title": data.title, "classes": data.classes, "epochs": config.epochs,
            "batch_size": config.batch_size, "steps_per_epoch": math.ceil(len(data.y_train) / config.batch_size),
            "samples": [len(y) for y in splits], "rare": [int((y == data.rarest).sum()) for y in splits],
            "linear_ap_per_seed": []}


def _run_grid(grid: Grid, seeds: int, out: Path) -> tuple[list[dict], list[dict], list[dict], dict]:
    """Train and evaluate every method on every feasible data set and seed; return the rows, the data sets' info,
    the impossible ratios and the pooled test predictions of the chart data set. Seed 0's predictions of every data
    set go to predictions.npz."""
    method_list = methods(grid.gammas)
    feasible, impossible = [], []
    for config in grid.data:
        reason = datasets.infeasibility(config.source, config.ratio, config.majority)
        if reason is None:
            feasible.append(config)
        else:
            impossible.append({"title": f"{datasets.TITLES[config.source]} 1:{config.ratio}", "reason": reason})
            print(f"skipped {impossible[-1]['title']}: {reason}", flush=True)
    rows, info, arrays = [], [], {}
    pooled = {key: [] for key in CHART_METHODS}
    start, done, total = time.perf_counter(), 0, len(feasible) * seeds
    for config in feasible:
        for seed in range(seeds):
            data = datasets.load(config.source, config.ratio, seed, config.majority)
            if seed == 0:
                info.append(_data_info(config, data))
            info[-1]["linear_ap_per_seed"].append(experiment.linear_reference_ap(data))
            outcomes, seconds = experiment.run(data, method_list, config.epochs, config.batch_size)
            rows += records.rows(data, outcomes)
            if seed == 0:
                arrays.update(records.prediction_arrays(data, outcomes))
            if (config.source, config.ratio) == CHART_DATA:
                for outcome in outcomes:
                    if outcome.method.key in pooled:
                        pooled[outcome.method.key].append((outcome.test_probabilities,
                                                           outcome.test_probabilities_scaled, data.y_test))
            done += 1
            print(f"[{done:3d}/{total}] {data.title}, seed {seed}: {len(outcomes)} methods in {seconds:5.1f} s "
                  f"(elapsed {_clock(time.perf_counter() - start)})", flush=True)
    np.savez_compressed(out / "predictions.npz", **arrays)
    return rows, info, impossible, pooled


def _charts(out: Path, grid: Grid, results: records.Results, pooled: dict, labels: dict[str, str]) -> list[Path]:
    """Reliability diagrams and precision-recall curves on the chart data set, and gamma curves per source."""
    title = f"{datasets.TITLES[CHART_DATA[0]]} 1:{CHART_DATA[1]}, test predictions of all seeds pooled"
    stem = f"{CHART_DATA[0]}_1-{CHART_DATA[1]}"
    joined = {labels[key]: tuple(np.concatenate(parts) for parts in zip(*runs)) for key, runs in pooled.items()}
    paths = charts.reliability(out / f"reliability_{stem}", title, joined)
    paths += charts.precision_recall(out / f"precision_recall_{stem}", title,
                                     {label: (raw, y) for label, (raw, _, y) in joined.items()})
    for source in dict.fromkeys(info["source"] for info in results.datasets.values()):
        keys = [key for key, info in results.datasets.items() if info["source"] == source]
        binary = results.datasets[keys[0]]["classes"] == 2
        paths += charts.gamma_curves(out / f"gamma_{source}", f"{datasets.TITLES[source]}: test metrics against γ",
                                     results, keys, grid.gammas, binary)
    return paths


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    grid = QUICK if arguments.quick else FULL
    seeds = arguments.seeds or grid.seeds
    out = arguments.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)  # one thread: reproducible results and timings comparable across methods
    focalaot.set_num_threads(1)
    start = time.perf_counter()
    print(f"imbalance study, {grid.name} grid, {seeds} seeds, into {out}", flush=True)
    rows, info, impossible, pooled = _run_grid(grid, seeds, out)
    records.write_csv(out / "results.csv", rows)
    results = records.Results(rows)
    for entry in info:
        linear = np.array(entry["linear_ap_per_seed"])
        entry["linear_ap"] = (float(linear.mean()), float(linear.std(ddof=1)) if len(linear) > 1 else float("nan"))
        entry["ce_ap"] = results.mean_std(entry["key"], "ce", "ap")
    print("timing focal loss against cross-entropy (interleaved) ...", flush=True)
    timings = overhead.measure(grid.overhead_repeats)
    for ce, focal in overhead.pairs(timings):
        print(f"  {ce.case}, {ce.shape}, {ce.implementation}: CE {ce.min_seconds * 1e6:.1f} µs, "
              f"focal γ=2 {focal.min_seconds * 1e6:.1f} µs ({overhead.overhead(ce, focal):+.1%}; median "
              f"{overhead.overhead(ce, focal, 'median'):+.1%})", flush=True)
    report.overhead_csv(out / "overhead.csv", timings)
    labels = {m.key: m.label for m in methods(grid.gammas)}
    chart_paths = _charts(out, grid, results, pooled, labels)
    run = {"grid": grid.name, "seeds": seeds, "seconds": time.perf_counter() - start,
           "machine": f"{platform.machine()} Linux, {os.cpu_count()} logical CPUs", "versions": _versions(),
           "model": f"{HIDDEN}-{HIDDEN} ReLU", "learning_rate": LEARNING_RATE, "gammas": list(grid.gammas),
           "methods": labels, "datasets": info, "impossible": impossible,
           "charts": [path.name for path in chart_paths]}
    report.summary(out / "summary.md", run, results, labels, grid.gammas, timings, chart_paths)
    report.run_json(out / "run.json", run)
    print(f"wrote {out / 'summary.md'} and {len(chart_paths)} chart files; total {_clock(time.perf_counter() - start)}",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
