"""focalaot.calibration against scikit-learn (calibration_curve, brier_score_loss, log_loss) and float64 numpy
references: every metric, both strategies, binary and multi-class, float32 data, every ISA, errors."""

import numpy as np
import pytest

import focalaot
from focalaot import calibration

sklearn_calibration = pytest.importorskip("sklearn.calibration")
sklearn_metrics = pytest.importorskip("sklearn.metrics")

RNG = np.random.default_rng(7)
LENGTHS = [1, 2, 15, 16, 17, 33, 64, 65, 1000, 16385]
STRATEGIES = ["uniform", "quantile"]


def binary(n, edges=15):
    """Confidences (float32 values in float64) with exact 0, 1 and bin edges mixed in, and labels drawn from them."""
    p = RNG.random(n).astype(np.float32).astype(np.float64)
    special = RNG.random(n) < 0.1
    p[special] = RNG.choice(np.concatenate([[0.0, 1.0], np.linspace(0, 1, edges + 1)]), special.sum())
    y = (RNG.random(n) < p).astype(np.int64)
    return p, y


def multiclass(rows, classes):
    z = RNG.normal(0, 2, (rows, classes))
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    y = np.array([RNG.choice(classes, p=row) for row in p])
    return p, y, z


def sklearn_bins(p, y, bins, strategy):
    """calibration_curve's (prob_true, prob_pred) and the counts of its non-empty bins (its own binning rule)."""
    prob_true, prob_pred = sklearn_calibration.calibration_curve(y, p, n_bins=bins, strategy=strategy)
    edges = np.linspace(0, 1, bins + 1) if strategy == "uniform" else np.percentile(p, np.linspace(0, 1, bins + 1) * 100)
    counts = np.bincount(np.searchsorted(edges[1:-1], p), minlength=bins)
    return prob_true, prob_pred, counts[counts > 0]


def reference_ece(p, y, bins, strategy):
    prob_true, prob_pred, counts = sklearn_bins(p, y, bins, strategy)
    return float(np.sum(counts / len(p) * np.abs(prob_true - prob_pred))), float(np.max(np.abs(prob_true - prob_pred)))


@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("bins", [1, 10, 15])
def test_binary_binned_metrics_match_calibration_curve(n, strategy, bins):
    p, y = binary(n, bins)
    counts, means, accuracies = calibration.reliability_bins(p, y, bins=bins, strategy=strategy)
    prob_true, prob_pred, sklearn_counts = sklearn_bins(p, y, bins, strategy)
    np.testing.assert_array_equal(counts[counts > 0], sklearn_counts)
    np.testing.assert_allclose(accuracies[counts > 0], prob_true, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(means[counts > 0], prob_pred, rtol=1e-12, atol=1e-15)
    assert np.all(np.isnan(means[counts == 0])) and np.all(np.isnan(accuracies[counts == 0]))
    ece, mce = reference_ece(p, y, bins, strategy)
    assert calibration.ece(p, y, bins=bins, strategy=strategy) == pytest.approx(ece, rel=1e-12, abs=1e-14)
    assert calibration.mce(p, y, bins=bins, strategy=strategy) == pytest.approx(mce, rel=1e-12, abs=1e-14)
    # float32 data gives the bits of float64 data holding the same values.
    single = p.astype(np.float32)
    assert calibration.ece(single, y, bins=bins, strategy=strategy) == calibration.ece(single.astype(np.float64), y, bins, strategy)


@pytest.mark.parametrize("n", LENGTHS)
def test_brier_score_and_nll_match_sklearn(n):
    p, y = binary(n)
    assert calibration.brier_score(p, y) == pytest.approx(sklearn_metrics.brier_score_loss(y, p), rel=1e-12, abs=1e-15)
    if len(np.unique(y)) == 2:  # log_loss needs both labels present
        assert calibration.nll(p, y) == pytest.approx(sklearn_metrics.log_loss(y, p), rel=1e-12)
    eps = np.finfo(np.float64).eps
    q = np.clip(p, eps, 1 - eps)
    assert calibration.nll(p, y) == pytest.approx(float(np.mean(-np.log(np.where(y == 1, q, 1 - q)))), rel=1e-12)


@pytest.mark.parametrize("rows,classes", [(1, 3), (17, 2), (500, 10), (3000, 7)])
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_multiclass_metrics_match_references(rows, classes, strategy):
    p, y, _ = multiclass(rows, classes)
    top, correct = p.max(axis=1), (p.argmax(axis=1) == y).astype(np.int64)
    ece, mce = reference_ece(top, correct, 15, strategy)
    assert calibration.ece(p, y, strategy=strategy) == pytest.approx(ece, rel=1e-12, abs=1e-14)
    assert calibration.mce(p, y, strategy=strategy) == pytest.approx(mce, rel=1e-12, abs=1e-14)
    classwise = np.mean([reference_ece(p[:, k], (y == k).astype(np.int64), 15, strategy)[0] for k in range(classes)])
    assert calibration.classwise_ece(p, y, strategy=strategy) == pytest.approx(classwise, rel=1e-12, abs=1e-14)
    counts, means, accuracies = calibration.reliability_bins(p, y, strategy=strategy)
    prob_true, prob_pred, _ = sklearn_bins(top, correct, 15, strategy)
    np.testing.assert_allclose(accuracies[counts > 0], prob_true, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(means[counts > 0], prob_pred, rtol=1e-12, atol=1e-15)
    onehot = np.eye(classes)[y]
    assert calibration.brier_score(p, y) == pytest.approx(float(np.mean(np.sum((p - onehot) ** 2, axis=1))), rel=1e-12)
    assert calibration.nll(p, y) == pytest.approx(sklearn_metrics.log_loss(y, p, labels=np.arange(classes)), rel=1e-12)


def golden_section(loss, low=1e-3, high=1e3):
    ratio = (np.sqrt(5) - 1) / 2
    a, b = np.log(low), np.log(high)
    while b - a > 1e-12:
        left, right = b - ratio * (b - a), a + ratio * (b - a)
        if loss(np.exp(left)) < loss(np.exp(right)):
            b = right
        else:
            a = left
    return float(np.exp((a + b) / 2))


def softmax_nll(z, y, t):
    scaled = z / t
    scaled -= scaled.max(axis=1, keepdims=True)
    return float(np.mean(np.log(np.exp(scaled).sum(axis=1)) - scaled[np.arange(len(y)), y]))


def softmax_nll_slope(z, y, t):
    scaled = z / t
    w = np.exp(scaled - scaled.max(axis=1, keepdims=True))
    expected = (w * z).sum(axis=1) / w.sum(axis=1)
    return float(np.mean(z[np.arange(len(y)), y] - expected) / t**2)


@pytest.mark.parametrize("scale", [0.5, 2.0, 6.0])
def test_fit_temperature_minimizes_the_nll(scale):
    _, y, z = multiclass(2000, 5)
    z = z * scale + 2.0 * np.eye(5)[y]
    fitted = calibration.fit_temperature(z, y)
    assert fitted == pytest.approx(golden_section(lambda t: softmax_nll(z, y, t)), rel=1e-6)
    assert abs(softmax_nll_slope(z, y, fitted)) <= 1e-9 * abs(softmax_nll_slope(z, y, fitted * 1.01))
    # Binary: logit z1 - z0 of two classes; the same objective as the two-class softmax of [0, z].
    logit, label = z[:, 1] - z[:, 0], (y == 1).astype(np.int64)
    pairs = np.stack([np.zeros_like(logit), logit], axis=1)
    fitted = calibration.fit_temperature(logit, label)
    assert abs(softmax_nll_slope(pairs, label, fitted)) <= 1e-9 * abs(softmax_nll_slope(pairs, label, fitted * 1.01))


def test_logits_that_rank_every_label_first_give_temperature_zero():
    assert calibration.fit_temperature([2.0, -1.0, 3.0, -0.5], [1, 0, 1, 0]) == 0.0
    assert calibration.fit_temperature([[0.0, 2.0], [1.0, -1.0], [0.5, 3.5]], [1, 0, 1]) == 0.0
    assert 0 < calibration.fit_temperature([2.0, -1.0, 3.0, -0.5, 0.25], [1, 0, 1, 0, 0]) < np.inf


def test_every_isa_gives_the_same_bits():
    p, y = binary(40000)
    expected = [calibration.ece(p.astype(np.float32), y), calibration.reliability_bins(p, y, 10, "quantile")[1].tobytes()]
    top = focalaot.get_isa()
    try:
        for isa in range(top + 1):
            focalaot.set_max_isa(isa)
            assert [calibration.ece(p.astype(np.float32), y),
                    calibration.reliability_bins(p, y, 10, "quantile")[1].tobytes()] == expected
    finally:
        focalaot.set_max_isa(top)


def test_no_samples_give_nan():
    assert np.isnan(calibration.ece(np.zeros(0), np.zeros(0, dtype=np.int64)))
    assert np.isnan(calibration.brier_score(np.zeros((0, 3)), np.zeros(0, dtype=np.int64)))
    assert calibration.fit_temperature(np.zeros(0), np.zeros(0, dtype=np.int64)) == 1.0


def test_float_labels_with_whole_values_are_labels():
    p, y = binary(40)
    assert calibration.ece(p, y.astype(np.float64)) == calibration.ece(p, y)
    rows = np.full((3, 4), 0.25)
    assert calibration.nll(rows, np.array([0.0, 3.0, 1.0])) == calibration.nll(rows, np.array([0, 3, 1]))
    for bad, text in ((0.5, "0.5"), (np.nan, "nan"), (-1.0, "-1.0")):
        labels = y.astype(np.float64)
        labels[7] = bad
        with pytest.raises(focalaot.FocalError, match=rf"labels\[7\] = {text} is invalid: every binary label must be 0 or 1"):
            calibration.ece(p, labels)
    with pytest.raises(TypeError, match="labels must be bool, integer or float"):
        calibration.ece(p, y.astype(np.complex128))


def test_errors_name_the_argument_and_rule():
    p, y = binary(40)
    bad = p.copy()
    bad[21] = 1.5
    with pytest.raises(focalaot.FocalError, match=r"probabilities\[21\] = 1.5 is invalid"):
        calibration.ece(bad, y)
    with pytest.raises(focalaot.FocalError, match=r"labels\[3\] = 2 is invalid"):
        calibration.brier_score(p, np.where(np.arange(40) == 3, 2, y))
    with pytest.raises(focalaot.FocalError, match=r"labels\[1\] = 5 is invalid"):
        calibration.ece(np.full((2, 3), 1 / 3), [0, 5])
    with pytest.raises(focalaot.FocalError, match=r"bins = 0 is invalid"):
        calibration.mce(p, y, bins=0)
    with pytest.raises(focalaot.FocalError, match="strategy must be"):
        calibration.ece(p, y, strategy="kmeans")
    with pytest.raises(focalaot.FocalError, match=r"logits\[0\] = Infinity is invalid"):
        calibration.fit_temperature([np.inf, 0.0], [1, 0])
    with pytest.raises(focalaot.FocalError, match="labels has shape"):
        calibration.nll(p, y[:-1])
