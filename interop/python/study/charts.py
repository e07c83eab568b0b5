"""The study's charts, each written as PNG and SVG: reliability diagrams, precision-recall curves and metrics
against the focal loss's gamma.

Figures are built with matplotlib's object API (no pyplot): no display and no global figure state, and saving
picks the Agg renderer for PNG and the SVG one for SVG.
"""

from pathlib import Path

import numpy as np
from matplotlib import rc_context
from matplotlib.figure import Figure
from sklearn.metrics import average_precision_score, precision_recall_curve

from focalaot import calibration
from metrics import ECE_BINS
from records import Results

# Sized to stay legible when a README shows the PNG at about 900 pixels wide.
STYLE = {"font.size": 11, "axes.titlesize": 11, "legend.fontsize": 10, "savefig.dpi": 100, "svg.fonttype": "none"}

# (field, axis label, log scale) of the gamma charts.
GAMMA_PANELS = (("ap", "AP", False), ("recall", "recall", False), ("f1", "F1", False), ("ece", "ECE", True),
                ("nll", "NLL", True))


def _save(figure: Figure, stem: Path) -> list[Path]:
    paths = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
    for path in paths:
        figure.savefig(path, bbox_inches="tight")
    return paths


def reliability(stem: Path, title: str, curves: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]) -> list[Path]:
    """Reliability diagrams, one column per method: observed frequency against mean predicted probability in
    ECE_BINS equal-width bins, before and after temperature scaling, over a histogram of the predictions.

    curves: label -> (probabilities, temperature-scaled probabilities, labels).
    """
    with rc_context(STYLE):
        figure = Figure(figsize=(3.1 * len(curves), 5.2), layout="tight")
        axes = figure.subplots(2, len(curves), sharex=True, gridspec_kw={"height_ratios": [3, 1]}, squeeze=False)
        for column, (label, (raw, scaled, labels)) in enumerate(curves.items()):
            top, bottom = axes[0, column], axes[1, column]
            top.plot([0, 1], [0, 1], color="0.6", linestyle=":", linewidth=1)
            eces = []
            for probabilities, name, color in ((raw, "as trained", "C0"), (scaled, "temperature-scaled", "C3")):
                counts, confidence, frequency = calibration.reliability_bins(probabilities, labels, bins=ECE_BINS)
                filled = counts > 0
                top.plot(confidence[filled], frequency[filled], marker="o", markersize=4, color=color, label=name)
                bottom.stairs(counts, np.linspace(0, 1, ECE_BINS + 1), color=color)
                eces.append(calibration.ece(probabilities, labels, bins=ECE_BINS))
            top.set_title(f"{label}\nECE {eces[0]:.4f} → {eces[1]:.4f}")
            top.set_xlim(0, 1)
            top.set_ylim(0, 1)
            bottom.set_yscale("log")
            bottom.set_xlabel("predicted probability")
            if column == 0:
                top.set_ylabel("observed frequency")
                bottom.set_ylabel("samples")
        axes[0, 0].legend(loc="upper left")
        figure.suptitle(title)
        return _save(figure, stem)


def precision_recall(stem: Path, title: str, curves: dict[str, tuple[np.ndarray, np.ndarray]]) -> list[Path]:
    """Precision-recall curves of the positive class, one per method. curves: label -> (probabilities, labels)."""
    with rc_context(STYLE):
        figure = Figure(figsize=(6.4, 4.8), layout="tight")
        axis = figure.subplots()
        for label, (probabilities, labels) in curves.items():
            precision, recall, _ = precision_recall_curve(labels, probabilities)
            ap = average_precision_score(labels, probabilities)
            axis.step(recall, precision, where="post", label=f"{label} (pooled AP {ap:.3f})")
        prevalence = float(np.mean(next(iter(curves.values()))[1]))
        axis.axhline(prevalence, color="0.6", linestyle=":", linewidth=1, label=f"chance ({prevalence:.3f})")
        axis.set_xlabel("recall")
        axis.set_ylabel("precision")
        axis.set_xlim(0, 1)
        axis.set_ylim(0, 1.02)
        axis.set_title(title)
        axis.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)  # below the axes: the curves fill them
        return _save(figure, stem)


def _gamma_methods(gammas: tuple[float, ...], alpha: bool) -> list[tuple[float, str]]:
    """(gamma, method key) along one gamma curve; without alpha, gamma 0 is cross-entropy."""
    points = []
    for gamma in gammas:
        text = f"{gamma:g}"
        if alpha:
            points.append((gamma, f"focal_g{text}_alpha"))
        else:
            points.append((gamma, "ce" if gamma == 0 else f"focal_g{text}"))
    return points


def gamma_curves(stem: Path, title: str, results: Results, datasets: list[str], gammas: tuple[float, ...],
                 binary: bool) -> list[Path]:
    """Test metrics of the class of interest against gamma, one color per ratio, solid without alpha and dashed
    with it; points are means over seeds with standard-deviation error bars."""
    with rc_context(STYLE):
        figure = Figure(figsize=(11, 6.6), layout="tight")
        axes = figure.subplots(2, 3)
        flat = axes.ravel()
        # The gammas sit at equal steps (a grid of settings, not a scale), each line a little to the side of the
        # others so that error bars do not hide each other.
        lines = len(datasets) * 2
        for index, dataset in enumerate(datasets):
            ratio = results.datasets[dataset]["ratio"]
            for alpha in (False, True):
                points = [(g, key) for g, key in _gamma_methods(gammas, alpha) if results.has(dataset, key)]
                offset = (2 * index + alpha - (lines - 1) / 2) * 0.3 / lines
                for axis, (field, _, _) in zip(flat, GAMMA_PANELS):
                    stats = [results.mean_std(dataset, key, field) for _, key in points]
                    axis.errorbar([gammas.index(g) + offset for g, _ in points], [m for m, _ in stats],
                                  yerr=[s for _, s in stats], color=f"C{index}", linestyle="--" if alpha else "-",
                                  marker="o", markersize=4, capsize=2, label=f"1:{ratio}" + (" + α" if alpha else ""))
        subject = "minority" if binary else "rarest-class"
        for axis, (field, label, log) in zip(flat, GAMMA_PANELS):
            axis.set_xticks(range(len(gammas)), [f"{g:g}" for g in gammas])
            axis.set_xlabel("γ")
            axis.set_ylabel(label if field in ("ece", "nll") else f"{subject} {label}")
            if log:
                axis.set_yscale("log")
        handles, labels = flat[0].get_legend_handles_labels()
        flat[-1].axis("off")
        flat[-1].legend(handles, labels, loc="center", title="ratio (dashed: with α)\nγ = 0: CE (α-balanced if dashed)")
        figure.suptitle(title)
        return _save(figure, stem)
