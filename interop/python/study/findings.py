"""What the results say about each claim made for focal loss.

Methods are compared seed by seed: on a seed, both were trained on the same split from the same initialization,
so the paired difference removes most of the split-to-split variation. A difference counts as clear when its
mean over seeds exceeds CLEAR standard errors of that mean; anything else is reported as no clear difference.
The section opens with one generated sentence per claim, followed by the comparisons it counts.
"""

import math
import statistics
from collections import Counter
from dataclasses import dataclass

from datasets import SHORT_TITLES
from overhead import Timing, overhead, pairs
from records import CALIBRATIONS, Results

CLEAR = 2.0
LOWER_IS_BETTER = {"ece", "brier", "nll"}
MARKS = {1: "▲", -1: "▼", 0: "·"}
NAMES = {"ap": "AP", "f1": "F1", "balanced_accuracy": "balanced accuracy", "ece": "ECE", "nll": "NLL",
         "brier": "Brier"}
FOCAL = "focal_g2"
FOCAL_ALPHA = "focal_g2_alpha"
WEIGHTS = ("ce_inverse_frequency", "ce_effective_number")
RESAMPLING = ("ce_ros", "ce_rus", "ce_smote")
IMBALANCE_FIELDS = ("ap", "f1", "balanced_accuracy")


@dataclass(frozen=True)
class Comparison:
    """The mean paired difference (method - baseline) and its verdict: 1 method clearly better, -1 clearly worse,
    0 no clear difference."""

    mean: float
    verdict: int

    @property
    def cell(self) -> str:
        return f"{self.mean:+.2g} {MARKS[self.verdict]}"


def compare(results: Results, dataset: str, method: str, baseline: str, field: str,
            calibration: str = "none") -> Comparison:
    """method against baseline on one data set's field, paired seed by seed."""
    differences = results.paired(dataset, method, baseline, field, calibration)
    mean = float(differences.mean())
    error = float(differences.std(ddof=1)) / math.sqrt(len(differences)) if len(differences) > 1 else math.nan
    if not abs(mean) > CLEAR * error:  # also no verdict from a single seed (NaN error)
        return Comparison(mean, 0)
    better = mean < 0 if field in LOWER_IS_BETTER else mean > 0
    return Comparison(mean, 1 if better else -1)


def _title(results: Results, dataset: str) -> str:
    info = results.datasets[dataset]
    return f"{SHORT_TITLES[info['source']]} 1:{info['ratio']}"


def _tally(comparisons: list[Comparison]) -> str:
    counts = Counter(c.verdict for c in comparisons)
    return f"better on {counts[1]}, worse on {counts[-1]}, no clear difference on {counts[0]} of {len(comparisons)}"


def _comparisons(results: Results, method: str, baselines: tuple[str, ...], field: str,
                 calibration: str = "none") -> list[Comparison]:
    """method against each baseline on every data set that has both."""
    return [compare(results, d, method, b, field, calibration) for b in baselines for d in results.datasets
            if results.has(d, method) and results.has(d, b)]


def _claim_table(results: Results, labels: dict[str, str], rows: list[tuple[str, str, str, str]]) -> list[str]:
    """Paired differences, one row per (method, baseline, field, calibration) and one column per data set."""
    datasets = [d for d in results.datasets if all(results.has(d, m) and results.has(d, b) for m, b, _, _ in rows)]
    lines = ["| comparison | metric | " + " | ".join(_title(results, d) for d in datasets) + " |",
             "|---|---|" + "---:|" * len(datasets)]
    for method, baseline, field, calibration in rows:
        metric = NAMES[field] + (" (temperature-scaled)" if calibration == "temperature" else "")
        cells = " | ".join(compare(results, d, method, baseline, field, calibration).cell for d in datasets)
        lines.append(f"| {labels[method]} vs {labels[baseline]} | {metric} | {cells} |")
    return lines


def _best(results: Results, dataset: str, candidates: list[str], field: str, calibration: str = "none") -> list[str]:
    """The candidates with the best mean of field (several when they tie)."""
    means = {m: results.mean_std(dataset, m, field, calibration)[0] for m in candidates if results.has(dataset, m)}
    best = (min if field in LOWER_IS_BETTER else max)(means.values())
    return [m for m, mean in means.items() if mean == best]


def _gamma_families(gammas: tuple[float, ...]) -> dict[str, list[str]]:
    """The method at each gamma, without alpha (gamma 0: CE) and with it (gamma 0: alpha-balanced CE)."""
    return {"no α": ["ce" if g == 0 else f"focal_g{g:g}" for g in gammas], "α": [f"focal_g{g:g}_alpha" for g in gammas]}


def _gamma_rows(results: Results, gammas: tuple[float, ...]) -> dict[tuple[str, str], list[tuple[str, list[float], str]]]:
    """Per (alpha family, field): for each data set, (data set, the best gammas, gamma 2's cell: "best" or its
    paired difference to the first best)."""
    rows = {}
    for alpha, candidates in _gamma_families(gammas).items():
        two = FOCAL_ALPHA if alpha == "α" else FOCAL
        for field in ("ap", "f1"):
            entries = []
            for dataset in results.datasets:
                best = _best(results, dataset, candidates, field)
                cell = "best" if two in best else compare(results, dataset, two, best[0], field).cell
                entries.append((dataset, [gammas[candidates.index(m)] for m in best], cell))
            rows[(alpha, field)] = entries
    return rows


def _gamma_table(results: Results, rows: dict) -> list[str]:
    lines = ["| data set | " + " | ".join(f"best γ by {NAMES[f]} ({a}) | γ=2 − best" for a, f in rows) + " |",
             "|---|" + "---|---:|" * len(rows)]
    for index, dataset in enumerate(results.datasets):
        cells = [c for entries in rows.values() for c in (", ".join(f"{g:g}" for g in entries[index][1]),
                                                          entries[index][2])]
        lines.append(f"| {_title(results, dataset)} | " + " | ".join(cells) + " |")
    return lines


def _temperatures(results: Results, method: str) -> list[float]:
    """The method's mean applied temperature per data set (a degenerate fit counts as 1, the T it applies)."""
    return [results.mean_std(d, method, "temperature")[0] for d in results.datasets if results.has(d, method)]


def _calibration_notes(results: Results, labels: dict[str, str]) -> list[str]:
    """Fitted temperatures, how often temperature scaling helped, and the best-calibrated methods."""
    lines = ["- Mean temperature (T > 1: the model was overconfident on validation; T < 1: underconfident): "
             + "; ".join(f"{_title(results, d)}: CE {results.mean_std(d, 'ce', 'temperature')[0]:.2f}, focal "
                         f"γ=2 {results.mean_std(d, FOCAL, 'temperature')[0]:.2f}"
                         for d in results.datasets if results.has(d, FOCAL)) + "."]
    pairs_ = [(d, m) for d in results.datasets for m in results.methods if results.has(d, m)]
    for field in ("ece", "nll"):
        lowered = sum(results.mean_std(d, m, field, "temperature")[0] < results.mean_std(d, m, field)[0]
                      for d, m in pairs_)
        lines.append(f"- Temperature scaling lowered the mean test {NAMES[field]} for {lowered} of {len(pairs_)} "
                     "(data set, method) pairs.")
    for dataset in results.datasets:
        before, after = (", ".join(labels[m] for m in _best(results, dataset, results.methods, "ece", calibration))
                         for calibration in CALIBRATIONS)
        lines.append(f"- Lowest ECE on {_title(results, dataset)}: {before} as trained, {after} after temperature "
                     "scaling.")
    return lines


def _overhead_notes(results: Results, timings: list[Timing]) -> list[str]:
    lines = []
    for ce, focal in pairs(timings):
        extra = overhead(ce, focal)
        lines.append(f"- {ce.case}, {ce.shape}, {ce.implementation}: focal γ=2 {focal.min_seconds * 1e6:.1f} µs vs "
                     f"CE {ce.min_seconds * 1e6:.1f} µs per call: {extra:+.1%} by the minimum, "
                     f"{overhead(ce, focal, 'median'):+.1%} by the median; {'within' if extra < 0.05 else 'above'} 5%.")
    shares, ratios = [], []
    for dataset in results.datasets:
        if results.has(dataset, FOCAL):
            loss, step = (results.mean_std(dataset, "ce", f)[0] for f in ("loss_ms_per_epoch", "step_ms_per_epoch"))
            shares.append(loss / step)
            ratios.append(results.mean_std(dataset, FOCAL, "step_ms_per_epoch")[0] / step - 1.0)
    if shares:
        lines.append(f"- In the training runs the loss (forward + backward) takes {statistics.median(shares):.1%} of a "
                     f"CE training step (median over data sets; {min(shares):.1%} to {max(shares):.1%}); focal γ=2's "
                     f"steps per epoch differ from CE's by {statistics.median(ratios):+.1%} (median; from "
                     f"{min(ratios):+.1%} to {max(ratios):+.1%}; these runs are not interleaved, so they carry the "
                     "machine's noise).")
    return lines


def _in_short(results: Results, gammas: tuple[float, ...], timings: list[Timing]) -> list[str]:
    """One sentence per claim, counting the clear verdicts of the comparisons below."""
    def tallies(method, baselines, fields, calibration="none"):
        return "; ".join(f"{NAMES[f]} {_tally(_comparisons(results, method, baselines, f, calibration))}"
                         for f in fields)

    gamma_rows = _gamma_rows(results, gammas)
    not_worse = {key: sum(cell == "best" or not cell.endswith(MARKS[-1]) for _, _, cell in entries)
                 for key, entries in gamma_rows.items()}
    favourite = Counter(g for _, best, _ in gamma_rows[("no α", "ap")] for g in best).most_common(1)[0][0]
    kernels = "; ".join(f"{ce.case} {ce.shape}: {overhead(ce, focal):+.0%}"
                        for ce, focal in pairs(timings) if ce.implementation == "focalaot")
    torch_pairs = [overhead(ce, focal) for ce, focal in pairs(timings) if ce.implementation == "torch"]
    count = len(results.datasets)
    return [
        "### In short",
        "",
        "Counts of clear verdicts for focal γ=2 (without α), over data sets and baselines:",
        "",
        f"- **Imbalance, against static class weights** (inverse frequency and effective number): "
        f"{tallies(FOCAL, WEIGHTS, IMBALANCE_FIELDS)}. Against plain CE: {tallies(FOCAL, ('ce',), IMBALANCE_FIELDS)}.",
        f"- **Against resampling** (random over- and undersampling, SMOTE): {tallies(FOCAL, RESAMPLING, IMBALANCE_FIELDS)}.",
        f"- **Calibration, against CE**: as trained, {tallies(FOCAL, ('ce',), ('ece', 'nll'))}; after temperature "
        f"scaling, {tallies(FOCAL, ('ce',), ('ece', 'nll'), 'temperature')}. Median T over data sets: CE "
        f"{statistics.median(_temperatures(results, 'ce')):.2f}, focal γ=2 "
        f"{statistics.median(_temperatures(results, FOCAL)):.2f} (T < 1: underconfident).",
        f"- **γ = 2**: the best γ by AP, or not clearly worse than the best, on {not_worse[('no α', 'ap')]} of {count} "
        f"data sets without α ({not_worse[('α', 'ap')]} with α); by F1 on {not_worse[('no α', 'f1')]} "
        f"({not_worse[('α', 'f1')]} with α). The γ most often best by mean AP without α: {favourite:g}.",
        f"- **Cost** (focalaot, minimum over interleaved repetitions, focal γ=2 over CE): {kernels}."
        + (f" For reference, torchvision's focal loss over torch's BCE: {min(torch_pairs):+.0%} to "
           f"{max(torch_pairs):+.0%}." if torch_pairs else ""),
    ]


def markdown(results: Results, labels: dict[str, str], gammas: tuple[float, ...], timings: list[Timing]) -> str:
    """The findings section of summary.md."""
    seeds = len(results.values(next(iter(results.datasets)), "ce", "ap"))
    gamma_rows = _gamma_rows(results, gammas)
    parts = [
        "## Findings",
        "",
        f"Paired over {seeds} seeds: each cell is the mean difference (method − baseline) of the test metric; ▲ the "
        f"method is clearly better (the mean exceeds {CLEAR:g} standard errors of the paired differences), ▼ clearly "
        "worse, · no clear difference. With few seeds this test is coarse: · means the data cannot tell, not that the "
        "methods are equal. Recall, F1 and balanced accuracy are taken at the default operating point (p ≥ 0.5, or "
        "the arg max), which class weights and resampling move towards the rare class and focal loss does not; AP "
        "and ROC-AUC do not depend on it, and temperature scaling changes neither (it keeps the order and the sign of "
        "the logits).",
        "",
        *_in_short(results, gammas, timings),
        "",
        "### Claim: focal loss handles class imbalance, as a dynamic alternative to static class weights",
        "",
        *_claim_table(results, labels, [(m, b, f, "none") for m, b in ((FOCAL, "ce"), *((FOCAL, w) for w in WEIGHTS),
                                                                        (FOCAL_ALPHA, WEIGHTS[0]))
                                        for f in IMBALANCE_FIELDS]),
        "",
        "### Claim: focal loss is an alternative to resampling and SMOTE",
        "",
        *_claim_table(results, labels, [(FOCAL, b, f, "none") for b in RESAMPLING for f in IMBALANCE_FIELDS]),
        "",
        "### Claim: focal loss gives better-calibrated models",
        "",
        *_claim_table(results, labels, [(FOCAL, "ce", f, "none") for f in ("ece", "nll", "brier")]
                      + [(FOCAL, "ce", f, "temperature") for f in ("ece", "nll")]
                      + [("flsd53", "ce", f, c) for c in CALIBRATIONS for f in ("ece", "nll")]),
        "",
        *_calibration_notes(results, labels),
        "",
        "### Claim: γ = 2 is usually best (2 to 5 common)",
        "",
        "Best γ by the mean over seeds (γ = 0 is CE without α, α-balanced CE with α); the next column is γ = 2's "
        "paired difference to that best.",
        "",
        *_gamma_table(results, gamma_rows),
        "",
        "### Claim: focal loss costs under 5% over cross-entropy",
        "",
        *_overhead_notes(results, timings),
    ]
    return "\n".join(parts) + "\n"
