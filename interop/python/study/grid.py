"""The study's grids: data sets with their training schedules, focal gammas, seeds and overhead repetitions.

Sizes and epochs are set so that the full grid runs in well under 15 minutes on two slow cores and the quick
grid in under 2 minutes, while each rarest class keeps a usable number of test samples. Ratios that a real data
set is too small for stay in the grid: the study reports them as impossible instead of running them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class DataConfig:
    """A data set at one ratio and how every method trains on it."""

    source: str
    ratio: int
    epochs: int
    batch_size: int
    majority: int | None = None  # synthetic sources: the largest class's size


@dataclass(frozen=True)
class Grid:
    name: str
    data: tuple[DataConfig, ...]
    gammas: tuple[float, ...]
    seeds: int
    overhead_repeats: int


# The data set, ratio and methods of the reliability diagrams and precision-recall curves.
CHART_DATA = ("synthetic_binary", 100)
CHART_METHODS = ("ce", "ce_inverse_frequency", "ce_smote", "focal_g2")

FULL = Grid(
    name="full",
    data=(
        DataConfig("synthetic_binary", 10, epochs=25, batch_size=256, majority=9_000),
        DataConfig("synthetic_binary", 100, epochs=20, batch_size=256, majority=20_000),
        DataConfig("synthetic_binary", 1000, epochs=7, batch_size=512, majority=100_000),
        DataConfig("synthetic_multiclass", 10, epochs=15, batch_size=256, majority=8_000),
        DataConfig("synthetic_multiclass", 100, epochs=20, batch_size=256, majority=8_000),
        DataConfig("breast_cancer", 10, epochs=30, batch_size=32),
        DataConfig("breast_cancer", 100, epochs=30, batch_size=32),
        DataConfig("breast_cancer", 1000, epochs=30, batch_size=32),
        DataConfig("digits_binary", 10, epochs=30, batch_size=128),
        DataConfig("digits_binary", 100, epochs=30, batch_size=128),
        DataConfig("digits_binary", 1000, epochs=30, batch_size=128),
        DataConfig("digits_longtail", 10, epochs=40, batch_size=64),
        DataConfig("digits_longtail", 100, epochs=40, batch_size=64),
    ),
    gammas=(0.0, 0.5, 1.0, 2.0, 3.0, 5.0),
    seeds=5,
    overhead_repeats=21,
)

# Every code path on small data: each method family, binary and multi-class, synthetic and real, an impossible
# ratio, temperature scaling and every chart kind.
QUICK = Grid(
    name="quick",
    data=(
        DataConfig("synthetic_binary", 10, epochs=20, batch_size=256, majority=3_000),
        DataConfig("synthetic_binary", 100, epochs=15, batch_size=256, majority=6_000),
        DataConfig("synthetic_multiclass", 10, epochs=15, batch_size=256, majority=2_000),
        DataConfig("breast_cancer", 10, epochs=20, batch_size=32),
        DataConfig("breast_cancer", 100, epochs=20, batch_size=32),
        DataConfig("digits_longtail", 10, epochs=20, batch_size=64),
    ),
    gammas=(0.0, 2.0),
    seeds=2,
    overhead_repeats=3,
)
