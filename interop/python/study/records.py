"""The study's results as rows (one per data set, method, seed and calibration), their CSV file, and the means,
standard deviations and paired differences over seeds that the report, the findings and the charts use."""

import csv
import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from datasets import DataSet
from experiment import Outcome
from metrics import METRICS

# calibration "none": the model as trained; "temperature": after temperature scaling on validation.
CALIBRATIONS = ("none", "temperature")

VALUES = ("temperature_fitted", "temperature", *METRICS, "loss_ms_per_epoch", "step_ms_per_epoch", "train_size")
FIELDS = ("dataset", "source", "ratio", "classes", "method", "seed", "calibration", *VALUES)
_TEXT = {"dataset", "source", "method", "calibration"}
_INTEGER = {"ratio", "classes", "seed", "train_size"}


def rows(data: DataSet, outcomes: Iterable[Outcome]) -> list[dict]:
    """Two rows per outcome: its metrics before and after temperature scaling."""
    result = []
    for outcome in outcomes:
        for calibration, values in zip(CALIBRATIONS, (outcome.metrics, outcome.metrics_scaled)):
            result.append({
                "dataset": data.key, "source": data.source, "ratio": data.ratio, "classes": data.classes,
                "method": outcome.method.key, "seed": data.seed, "calibration": calibration,
                "temperature_fitted": outcome.temperature_fitted, "temperature": outcome.temperature, **values,
                "loss_ms_per_epoch": outcome.loss_seconds_per_epoch * 1e3,
                "step_ms_per_epoch": outcome.step_seconds_per_epoch * 1e3, "train_size": outcome.train_size,
            })
    return result


def prediction_arrays(data: DataSet, outcomes: Iterable[Outcome]) -> dict[str, np.ndarray]:
    """One seed's labels, validation logits and test probabilities (before and after scaling), keyed
    <dataset>__<what> and <dataset>__<method>__<what>, for predictions.npz."""
    arrays = {f"{data.key}__val_labels": data.y_val, f"{data.key}__test_labels": data.y_test}
    for outcome in outcomes:
        prefix = f"{data.key}__{outcome.method.key}"
        arrays[f"{prefix}__val_logits"] = outcome.val_logits
        arrays[f"{prefix}__test_probabilities"] = outcome.test_probabilities
        arrays[f"{prefix}__test_probabilities_scaled"] = outcome.test_probabilities_scaled
    return arrays


def write_csv(path: Path, table: list[dict]) -> None:
    """Every row, floats written with repr (exact round trip)."""
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows({key: repr(value) if isinstance(value, float) else value for key, value in row.items()}
                         for row in table)


def read_csv(path: Path) -> list[dict]:
    """The rows of write_csv, typed as written."""
    def typed(key, text):
        return text if key in _TEXT else int(text) if key in _INTEGER else float(text)

    with path.open(newline="") as file:
        return [{key: typed(key, text) for key, text in row.items()} for row in csv.DictReader(file)]


class Results:
    """Lookups over the rows: a metric's values over seeds, their mean and std, and paired differences."""

    def __init__(self, table: list[dict]):
        self._values: dict[tuple, dict[int, float]] = {}
        self.datasets: dict[str, dict] = {}  # key -> {"source", "ratio", "classes"}, in run order
        self.methods: list[str] = []
        for row in table:
            self.datasets.setdefault(row["dataset"], {k: row[k] for k in ("source", "ratio", "classes")})
            if row["method"] not in self.methods:
                self.methods.append(row["method"])
            for field in VALUES:
                key = (row["dataset"], row["method"], row["calibration"], field)
                self._values.setdefault(key, {})[row["seed"]] = row[field]

    def has(self, dataset: str, method: str) -> bool:
        return (dataset, method, "none", "ap") in self._values

    def values(self, dataset: str, method: str, field: str, calibration: str = "none") -> np.ndarray:
        """The field's value for each seed, in seed order."""
        by_seed = self._values[(dataset, method, calibration, field)]
        return np.array([by_seed[seed] for seed in sorted(by_seed)])

    def mean_std(self, dataset: str, method: str, field: str, calibration: str = "none") -> tuple[float, float]:
        """Mean and sample standard deviation (ddof = 1; NaN for one seed) over seeds."""
        values = self.values(dataset, method, field, calibration)
        return float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else math.nan

    def paired(self, dataset: str, method: str, baseline: str, field: str, calibration: str = "none") -> np.ndarray:
        """method - baseline, seed by seed (both trained on the same split and initialization)."""
        return self.values(dataset, method, field, calibration) - self.values(dataset, baseline, field, calibration)
