"""Tests of the imbalance study: one --quick run per session (its files, coverage and numbers, checked against
independent computations on its saved predictions), and the data sets, resampling, class weights, losses and
temperature scaling on their own."""

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision
from sklearn.calibration import calibration_curve
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, precision_score, recall_score, roc_auc_score

import datasets
import methods
import metrics
import records
from focalaot import calibration
from grid import QUICK

STUDY = Path(__file__).resolve().parents[1]

OUTPUTS = ("results.csv", "predictions.npz", "overhead.csv", "run.json", "summary.md")
CHART_KINDS = ("reliability_", "precision_recall_", "gamma_")


@pytest.fixture(scope="session")
def quick(tmp_path_factory):
    """The output folder of one `imbalance_study.py --quick` run."""
    out = tmp_path_factory.mktemp("study")
    subprocess.run([sys.executable, str(STUDY / "imbalance_study.py"), "--quick", "--out", str(out)], check=True,
                   capture_output=True, text=True, timeout=600)
    return out


@pytest.fixture(scope="session")
def rows(quick):
    return records.read_csv(quick / "results.csv")


def _feasible(grid):
    return [c for c in grid.data if datasets.infeasibility(c.source, c.ratio, c.majority) is None]


def test_quick_run_writes_every_file(quick):
    for name in OUTPUTS:
        assert (quick / name).stat().st_size > 0, name
    charts = json.loads((quick / "run.json").read_text())["charts"]
    for kind in CHART_KINDS:
        for suffix in (".png", ".svg"):
            assert any(c.startswith(kind) and c.endswith(suffix) for c in charts), kind + suffix
    for chart in charts:
        assert (quick / chart).stat().st_size > 1000, chart


def test_every_method_data_set_seed_and_calibration_appears_once(quick, rows):
    keys = [(r["dataset"], r["method"], r["seed"], r["calibration"]) for r in rows]
    expected = {(f"{c.source}_1-{c.ratio}", m.key, seed, calibration) for c in _feasible(QUICK)
                for m in methods.methods(QUICK.gammas) for seed in range(QUICK.seeds)
                for calibration in records.CALIBRATIONS}
    assert sorted(keys) == sorted(expected)
    summary = (quick / "summary.md").read_text()
    for method in methods.methods(QUICK.gammas):
        assert f"| {method.label} |" in summary
    for config in QUICK.data:
        title = f"{datasets.TITLES[config.source]} 1:{config.ratio}"
        assert title in summary
        if config not in _feasible(QUICK):
            assert f"Not run: {title}: " in summary


def test_the_quick_grid_covers_every_method_family_and_both_problem_kinds():
    families = {m.family for m in methods.methods(QUICK.gammas)}
    assert families == {"ce", "class_weighted", "resampling", "focal", "flsd", "poly"}
    assert {m.resampler for m in methods.methods(QUICK.gammas)} >= set(methods.RESAMPLERS)
    classes = {len(datasets.class_sizes(c.source, c.ratio, c.majority)) for c in _feasible(QUICK)}
    assert 2 in classes and max(classes) > 2
    assert len(_feasible(QUICK)) < len(QUICK.data)  # an impossible ratio is reported, not run


def test_metrics_are_finite_and_in_range(rows):
    for row in rows:
        binary = row["classes"] == 2
        for field in ("recall", "precision", "f1", "balanced_accuracy", "ap", "roc_auc", "ece"):
            assert 0.0 <= row[field] <= 1.0, (field, row)
        assert 0.0 <= row["brier"] <= (1.0 if binary else 2.0)
        assert 0.0 <= row["nll"] < math.inf
        for field in ("ap_macro", "roc_auc_macro"):
            assert math.isnan(row[field]) if binary else 0.0 <= row[field] <= 1.0
        assert 0.0 < row["temperature"] < math.inf
        assert 0.0 < row["loss_ms_per_epoch"] < row["step_ms_per_epoch"] < math.inf


def test_temperature_scaling_keeps_the_threshold_metrics(rows):
    by_run = {}
    for row in rows:
        by_run.setdefault((row["dataset"], row["method"], row["seed"]), {})[row["calibration"]] = row
    for run in by_run.values():
        for field in ("recall", "precision", "f1", "balanced_accuracy"):
            assert run["none"][field] == run["temperature"][field], field


def _ece_as_sklearn_bins(correct, confidence, bins):
    """ECE from calibration_curve, weighting each non-empty bin by its count, binned as calibration_curve bins."""
    frequency, mean_confidence = calibration_curve(correct, confidence, n_bins=bins, strategy="uniform")
    edges = np.linspace(0.0, 1.0, bins + 1)
    counts = np.bincount(np.searchsorted(edges[1:-1], confidence), minlength=bins)
    counts = counts[counts > 0]
    return float(np.sum(counts / len(confidence) * np.abs(frequency - mean_confidence)))


def _independent(probabilities, labels):
    """The study's metrics recomputed with scikit-learn and numpy alone."""
    if probabilities.ndim == 1:
        rare, scores, predicted = 1, probabilities, (probabilities >= 0.5).astype(int)
        brier = brier_score_loss(labels, probabilities)
        ece = _ece_as_sklearn_bins(labels, probabilities, metrics.ECE_BINS)
    else:
        rare, predicted = probabilities.shape[1] - 1, probabilities.argmax(axis=1)
        scores = probabilities[:, rare]
        one_hot = np.eye(probabilities.shape[1])[labels]
        brier = float(np.mean(np.sum((probabilities - one_hot) ** 2, axis=1)))
        ece = _ece_as_sklearn_bins(predicted == labels, probabilities.max(axis=1), metrics.ECE_BINS)
    return {
        "recall": recall_score(labels == rare, predicted == rare, zero_division=0),
        "precision": precision_score(labels == rare, predicted == rare, zero_division=0),
        "ap": average_precision_score(labels == rare, scores),
        "roc_auc": roc_auc_score(labels == rare, scores),
        "brier": brier,
        "nll": log_loss(labels, probabilities, labels=np.arange(2 if probabilities.ndim == 1 else probabilities.shape[1])),
        "ece": ece,
    }


def test_metrics_agree_with_an_independent_computation_on_the_saved_predictions(quick, rows):
    arrays = np.load(quick / "predictions.npz")
    checked = 0
    for row in rows:
        if row["seed"] != 0:
            continue
        suffix = "test_probabilities" if row["calibration"] == "none" else "test_probabilities_scaled"
        probabilities = arrays[f"{row['dataset']}__{row['method']}__{suffix}"]
        labels = arrays[f"{row['dataset']}__test_labels"]
        assert probabilities.dtype == np.float64
        for field, expected in _independent(probabilities, labels).items():
            assert row[field] == pytest.approx(expected, rel=0, abs=1e-12), (field, row["dataset"], row["method"])
        checked += 1
    assert checked == len(rows) // QUICK.seeds


def test_temperature_scaling_does_not_raise_validation_nll(quick, rows):
    arrays = np.load(quick / "predictions.npz")
    for row in rows:
        if row["seed"] != 0 or row["calibration"] != "none":
            continue
        logits = arrays[f"{row['dataset']}__{row['method']}__val_logits"]
        labels = arrays[f"{row['dataset']}__val_labels"]
        fitted, used = metrics.fit_temperature(logits, labels)
        assert (fitted, used) == (row["temperature_fitted"], row["temperature"])
        before = calibration.nll(metrics.probabilities(logits), labels)
        after = calibration.nll(metrics.probabilities(logits / used), labels)
        assert after <= before + 1e-12, (row["dataset"], row["method"], used)


def test_a_degenerate_temperature_fit_leaves_the_model_unscaled():
    separated = (np.array([-3.0, 4.0, 2.0]), np.array([0, 1, 1]))
    inverted = (np.array([3.0, -4.0]), np.array([0, 1]))
    for logits, labels in (separated, inverted, (np.array([[3.0, 0, 0], [0, 2.0, 0]]), np.array([0, 1]))):
        fitted, used = metrics.fit_temperature(logits, labels)
        assert used == 1.0 and fitted != 1.0
    logits, labels = np.array([-2.0, 1.0, 3.0, -1.0]), np.array([0, 0, 1, 1])
    fitted, used = metrics.fit_temperature(logits, labels)
    assert used == fitted and 0 < fitted < math.inf


def test_the_synthetic_binary_problem_needs_a_nonlinear_model(quick):
    info = {d["key"]: d for d in json.loads((quick / "run.json").read_text())["datasets"]}
    linear, mlp = info["synthetic_binary_1-10"]["linear_ap"][0], info["synthetic_binary_1-10"]["ce_ap"][0]
    assert mlp > linear + 0.1, (mlp, linear)


def test_overhead_times_focal_loss_and_cross_entropy_side_by_side(quick):
    cases = {}
    with (quick / "overhead.csv").open(newline="") as file:
        for row in csv.DictReader(file):
            assert 0 < float(row["min_seconds"]) <= float(row["median_seconds"])
            cases.setdefault((row["case"], row["shape"], row["implementation"]), set()).add(row["loss"])
    assert {loss for losses in cases.values() for loss in losses} == {"CE", "focal γ=2"}
    assert sum(losses == {"CE", "focal γ=2"} for losses in cases.values()) >= 5
    summary = (quick / "summary.md").read_text()
    assert "MLP training step" in summary and "costs under 5%" in summary


@pytest.mark.parametrize("source, ratio, majority", [
    ("synthetic_binary", 10, 1_000), ("synthetic_binary", 1000, 100_000), ("synthetic_multiclass", 100, 2_000),
    ("breast_cancer", 10, None), ("digits_binary", 100, None), ("digits_longtail", 10, None),
])
def test_data_sets_have_the_stated_ratio_and_stratified_splits(source, ratio, majority):
    data = datasets.load(source, ratio, 0, majority)
    splits = (data.y_train, data.y_val, data.y_test)
    counts = np.bincount(np.concatenate(splits), minlength=data.classes)
    assert counts.tolist() == datasets.class_sizes(source, ratio, majority)
    assert counts[0] == ratio * counts[-1] and counts[-1] >= datasets.MIN_RAREST
    assert np.all(np.diff(counts) <= 0) and counts[-1] == counts.min()
    for labels, share in zip(splits, (0.6, 0.2, 0.2)):
        assert np.all(np.abs(np.bincount(labels, minlength=data.classes) - share * counts) <= 1.5)
    assert np.allclose(data.x_train.mean(axis=0), 0, atol=1e-4)
    varying = data.x_train.std(axis=0) > 0
    assert np.allclose(data.x_train.std(axis=0)[varying], 1, atol=1e-4)


@pytest.mark.parametrize("source, ratio, majority", [("synthetic_binary", 100, 2_000), ("digits_longtail", 10, None)])
def test_data_sets_are_identical_for_a_seed_and_differ_between_seeds(source, ratio, majority):
    first, again, other = (datasets.load(source, ratio, seed, majority) for seed in (0, 0, 1))
    for name in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test"):
        assert np.array_equal(getattr(first, name), getattr(again, name))
    assert not np.array_equal(first.x_train, other.x_train)
    assert not np.array_equal(first.x_test, other.x_test)


def test_impossible_ratios_are_refused_with_a_reason():
    for source, ratio in (("breast_cancer", 100), ("digits_binary", 1000), ("digits_longtail", 100)):
        assert "rarest class would keep" in datasets.infeasibility(source, ratio)
        with pytest.raises(ValueError, match="cannot be made"):
            datasets.load(source, ratio, 0)
    assert datasets.infeasibility("digits_binary", 100) is None
    assert "pool" in datasets.infeasibility("synthetic_binary", 10, 200_000)


@pytest.mark.parametrize("source, majority", [("synthetic_binary", 2_000), ("synthetic_multiclass", 1_000)])
def test_resamplers_give_the_class_counts_imblearn_documents(source, majority):
    data = datasets.load(source, 10, 0, majority)
    before = np.bincount(data.y_train)
    by_key = {m.key: m for m in methods.methods((2.0,))}
    # "auto": oversamplers raise every class to the majority's count, the undersampler lowers all to the minority's.
    for key, count in (("ce_ros", before.max()), ("ce_smote", before.max()), ("ce_rus", before.min())):
        x, y = methods.resample(by_key[key], data.x_train, data.y_train, seed=0)
        assert np.bincount(y).tolist() == [count] * data.classes, key
        assert x.shape == (len(y), data.x_train.shape[1])
    x, y = methods.resample(by_key["ce"], data.x_train, data.y_train, seed=0)
    assert x is data.x_train and y is data.y_train


def test_class_weights_follow_their_formulas():
    counts = [900, 90, 9]
    n, classes, beta = sum(counts), len(counts), methods.EFFECTIVE_NUMBER_BETA
    assert np.allclose(methods.inverse_frequency_weights(counts), [n / (classes * c) for c in counts], rtol=1e-15)
    raw = [(1 - beta) / (1 - beta ** c) for c in counts]
    assert np.allclose(methods.effective_number_weights(counts), [classes * w / sum(raw) for w in raw], rtol=1e-14)
    assert methods.effective_number_weights([5000, 50])[1] / methods.effective_number_weights([5000, 50])[0] < 100


def test_losses_are_the_ones_their_methods_name():
    generator = torch.Generator().manual_seed(0)
    by_key = {m.key: m for m in methods.methods((2.0,))}
    z = torch.randn(256, generator=generator, dtype=torch.float64)
    y = (torch.rand(256, generator=generator, dtype=torch.float64) < 0.2).double()
    counts = np.bincount(y.long().numpy())
    f = torch.nn.functional
    weights = torch.tensor(methods.inverse_frequency_weights(counts))[y.long()]
    expected = {
        "ce": f.binary_cross_entropy_with_logits(z, y),
        "ce_inverse_frequency": (f.binary_cross_entropy_with_logits(z, y, reduction="none") * weights).sum() / weights.sum(),
        "focal_g2": torchvision.ops.sigmoid_focal_loss(z, y, alpha=-1, gamma=2.0, reduction="mean"),
        "focal_g2_alpha": torchvision.ops.sigmoid_focal_loss(z, y, alpha=0.25, gamma=2.0, reduction="mean"),
    }
    for key, value in expected.items():
        assert methods.make_loss(by_key[key], counts)(z, y).item() == pytest.approx(value.item(), rel=1e-12), key
    logits = torch.randn(256, 4, generator=generator, dtype=torch.float64)
    labels = torch.randint(0, 4, (256,), generator=generator)
    counts = np.bincount(labels.numpy(), minlength=4)
    class_weights = torch.tensor(methods.effective_number_weights(counts))
    alpha = torch.tensor(methods.inverse_frequency_weights(counts))
    alpha /= alpha.sum()
    p = torch.softmax(logits, dim=1).gather(1, labels[:, None]).squeeze(1)
    expected = {
        "ce": f.cross_entropy(logits, labels),
        "ce_effective_number": f.cross_entropy(logits, labels, weight=class_weights),
        "focal_g2": (-(1 - p) ** 2 * torch.log(p)).mean(),
        "focal_g2_alpha": (-alpha[labels] * (1 - p) ** 2 * torch.log(p)).mean(),
    }
    for key, value in expected.items():
        assert methods.make_loss(by_key[key], counts)(logits, labels).item() == pytest.approx(value.item(), rel=1e-12), key
