"""The study's written outputs: summary.md (tables of means and standard deviations, the overhead measurements,
the charts and the findings), overhead.csv and run.json."""

import csv
import json
import math
from pathlib import Path

import findings
from metrics import ECE_BINS
from overhead import Timing, overhead, pairs
from records import Results

# (field, header, calibration, decimals) of the per-data-set tables; the macro columns only for multi-class.
COLUMNS = (
    ("ap", "AP", "none", 3), ("roc_auc", "ROC-AUC", "none", 3), ("ap_macro", "macro AP", "none", 3),
    ("roc_auc_macro", "macro ROC-AUC", "none", 3), ("recall", "recall", "none", 3), ("precision", "precision", "none", 3),
    ("f1", "F1", "none", 3), ("balanced_accuracy", "bal. acc.", "none", 3), ("ece", "ECE", "none", 4),
    ("ece", "ECE (TS)", "temperature", 4), ("nll", "NLL", "none", 4), ("nll", "NLL (TS)", "temperature", 4),
    ("brier", "Brier", "none", 4), ("brier", "Brier (TS)", "temperature", 4), ("temperature", "T", "none", 2),
    ("loss_ms_per_epoch", "loss ms/epoch", "none", 1), ("step_ms_per_epoch", "step ms/epoch", "none", 1),
)
_UNRANKED = {"temperature", "loss_ms_per_epoch", "step_ms_per_epoch"}


def _cell(mean: float, std: float, decimals: int) -> str:
    return f"{mean:.{decimals}f}" + ("" if math.isnan(std) else f" ± {std:.{decimals}f}")


def _results_table(results: Results, dataset: str, labels: dict[str, str]) -> list[str]:
    """Mean ± std per method and column; the best mean of each metric column in bold."""
    multiclass = results.datasets[dataset]["classes"] > 2
    columns = [c for c in COLUMNS if multiclass or not c[0].endswith("_macro")]
    methods = [m for m in results.methods if results.has(dataset, m)]
    lines = ["| method | " + " | ".join(c[1] for c in columns) + " |", "|---|" + "---:|" * len(columns)]
    stats = {(m, c): results.mean_std(dataset, m, c[0], c[2]) for m in methods for c in columns}
    best = {}
    for column in columns:
        if column[0] not in _UNRANKED:
            means = [stats[(m, column)][0] for m in methods]
            best[column] = min(means) if column[0] in findings.LOWER_IS_BETTER else max(means)
    for method in methods:
        cells = []
        for column in columns:
            mean, std = stats[(method, column)]
            text = _cell(mean, std, column[3])
            cells.append(f"**{text}**" if best.get(column) == mean else text)
        lines.append(f"| {labels[method]} | " + " | ".join(cells) + " |")
    return lines


def _fallbacks(results: Results, dataset: str, labels: dict[str, str]) -> list[str]:
    """A note on every seed whose temperature fit was degenerate (and so left at 1)."""
    notes = []
    for method in results.methods:
        if results.has(dataset, method):
            fitted = results.values(dataset, method, "temperature_fitted")
            used = results.values(dataset, method, "temperature")
            notes += [f"{labels[method]} (seed {s}: fitted T = {f:g})" for s, (f, u) in enumerate(zip(fitted, used))
                      if u != f]
    return [f"Temperature left at 1 (validation without errors, or T = inf): {'; '.join(notes)}.", ""] if notes else []


def _data_sets_table(info: list[dict]) -> list[str]:
    lines = ["| data set | classes | samples train / val / test | rare class train / val / test | schedule | "
             "logistic regression AP | MLP (CE) AP |", "|---|---:|---|---|---|---:|---:|"]
    for d in info:
        lines.append(f"| {d['title']} | {d['classes']} | {' / '.join(map(str, d['samples']))} | "
                     f"{' / '.join(map(str, d['rare']))} | {d['epochs']} epochs × {d['steps_per_epoch']} steps of "
                     f"{d['batch_size']} | {_cell(d['linear_ap'][0], d['linear_ap'][1], 3)} | "
                     f"{_cell(d['ce_ap'][0], d['ce_ap'][1], 3)} |")
    return lines


def _overhead_table(timings: list[Timing]) -> list[str]:
    lines = ["| case | shape | implementation | CE µs/call | focal γ=2 µs/call | CE ns/element | focal ns/element | "
             "focal / CE − 1 | (by the median) |", "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for ce, focal in pairs(timings):
        lines.append(f"| {ce.case} | {ce.shape} | {ce.implementation} | {ce.min_seconds * 1e6:.1f} | "
                     f"{focal.min_seconds * 1e6:.1f} | {ce.nanoseconds_per_element:.2f} | "
                     f"{focal.nanoseconds_per_element:.2f} | {overhead(ce, focal):+.1%} | "
                     f"{overhead(ce, focal, 'median'):+.1%} |")
    return lines


def summary(path: Path, run: dict, results: Results, labels: dict[str, str], gammas: tuple[float, ...],
            timings: list[Timing], charts: list[Path]) -> None:
    """Write summary.md."""
    lines = [
        "# Focal loss under class imbalance: results",
        "",
        f"Grid: {run['grid']}, {run['seeds']} seeds, {run['seconds']:.0f} s on {run['machine']} "
        f"(focalaot {run['versions']['focalaot']}, torch {run['versions']['torch']}, one thread). "
        "Every number is the mean ± sample standard deviation over seeds, on the test split.",
        "",
        f"Model: MLP {run['model']}, Adam (learning rate {run['learning_rate']:g}); every method of a data set runs the "
        "same number of steps from the same initialization per seed (resampled sets are iterated in reshuffled "
        "passes). Every loss is focalaot's. Metrics are of the rare class (binary: the minority; multi-class: the "
        f"rarest class, one-vs-rest), at p ≥ 0.5 or the arg max; ECE uses {ECE_BINS} equal-width bins (binary: the "
        "positive-class probability; multi-class: the top label). TS: after temperature scaling fitted on the "
        "validation split; where validation is classified without error (the fit drives T towards 0) or no T beats "
        "the uniform prediction (T = inf), the model is left unscaled (T = 1). Loss ms/epoch is the loss's forward "
        "and backward alone; step ms/epoch the whole step (forward, loss, backward, Adam). Best mean of each metric "
        "column in bold.",
        "",
        "## Data sets",
        "",
        *_data_sets_table(run["datasets"]),
        "",
        *(f"- Not run: {d['title']}: {d['reason']}." for d in run["impossible"]),
        "",
        "## Results",
        "",
    ]
    for dataset in results.datasets:
        title = next(d["title"] for d in run["datasets"] if d["key"] == dataset)
        lines += [f"### {title}", "", *_results_table(results, dataset, labels), "",
                  *_fallbacks(results, dataset, labels)]
    lines += ["## Overhead", "",
              "Interleaved repetitions on one thread; the minimum over repetitions of the time per call (forward + "
              "backward for losses; for training steps an element is a sample), and the overhead by the median too.", "",
              *_overhead_table(timings), "", "## Charts", ""]
    lines += [f"![{chart.stem}]({chart.name})" for chart in charts if chart.suffix == ".png"]
    lines += ["", findings.markdown(results, labels, gammas, timings)]
    path.write_text("\n".join(lines))


def overhead_csv(path: Path, timings: list[Timing]) -> None:
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["case", "shape", "elements", "implementation", "loss", "median_seconds", "min_seconds",
                         "ns_per_element"])
        for t in timings:
            writer.writerow([t.case, t.shape, t.elements, t.implementation, t.loss, repr(t.median_seconds),
                             repr(t.min_seconds), repr(t.nanoseconds_per_element)])


def run_json(path: Path, run: dict) -> None:
    path.write_text(json.dumps(run, indent=2, allow_nan=True) + "\n")
