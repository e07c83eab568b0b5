"""One data set and seed: every method trained, temperature-scaled on validation and evaluated on test."""

import math
import time
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

import metrics
from datasets import DataSet
from methods import Method, make_loss, resample
from training import predict_logits, train


@dataclass(frozen=True)
class Outcome:
    """One method's results on one data set and seed."""

    method: Method
    train_size: int
    temperature_fitted: float
    temperature: float
    metrics: dict[str, float]
    metrics_scaled: dict[str, float]
    loss_seconds_per_epoch: float
    step_seconds_per_epoch: float
    val_logits: np.ndarray
    test_probabilities: np.ndarray
    test_probabilities_scaled: np.ndarray


def linear_reference_ap(data: DataSet) -> float:
    """The test AP of the class of interest for a logistic regression: how far a linear model gets."""
    model = LogisticRegression(max_iter=2000).fit(data.x_train, data.y_train)
    return float(average_precision_score(data.y_test == data.rarest, model.predict_proba(data.x_test)[:, data.rarest]))


def run_method(data: DataSet, method: Method, epochs: int, batch_size: int) -> Outcome:
    """Train, fit the temperature on validation and evaluate on test, before and after scaling."""
    counts = np.bincount(data.y_train, minlength=data.classes)
    x, y = resample(method, data.x_train, data.y_train, data.seed)
    trained = train(x, y, make_loss(method, counts), classes=data.classes, epochs=epochs,
                    steps_per_epoch=math.ceil(len(data.y_train) / batch_size), batch_size=batch_size, seed=data.seed)
    val_logits = predict_logits(trained.model, data.x_val, data.binary)
    test_logits = predict_logits(trained.model, data.x_test, data.binary)
    fitted, temperature = metrics.fit_temperature(val_logits, data.y_val)
    probabilities = metrics.probabilities(test_logits)
    scaled = metrics.probabilities(test_logits / temperature)
    return Outcome(method, len(y), fitted, temperature, metrics.evaluate(probabilities, data.y_test),
                   metrics.evaluate(scaled, data.y_test), trained.loss_seconds_per_epoch,
                   trained.step_seconds_per_epoch, val_logits, probabilities, scaled)


def run(data: DataSet, methods: list[Method], epochs: int, batch_size: int) -> tuple[list[Outcome], float]:
    """Every method's outcome, and the seconds they took together."""
    start = time.perf_counter()
    outcomes = [run_method(data, method, epochs, batch_size) for method in methods]
    return outcomes, time.perf_counter() - start
