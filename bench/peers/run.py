"""Runs the peer benchmark (bench/peers/README.md): every harness, side by side, on the same inputs.

    run.py [--quick] [--out DIR] [--c-harness PATH] [--dotnet-harness PATH] [--alloc-shim PATH] [--library PATH]

The harnesses, the malloc counter and the library default to where ``dotnet pwsh build.ps1 peers`` builds them.

Writes DIR/data/inputs-<n>.f32, runs the C, .NET and Python harnesses once per size each (alternating), checks
every peer's accuracy against a float64 reference computed here, prints the machine and a markdown table, and
writes DIR/rows.jsonl (the harnesses' rows, each with mean_rel_error added), DIR/table.md and DIR/peers.svg.
Besides the rows, a harness may print ``{"info": {...}}`` objects (versions, libfocalaot's variant) that the
machine line shows. Exits non-zero when a harness fails or a peer is missing.
"""

import argparse
import functools
import itertools
import json
import math
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
from matplotlib import pyplot  # noqa: E402  (after the backend is chosen)

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[1]
ARTIFACTS = REPOSITORY / "artifacts"
BUILT = ARTIFACTS / "bench" / "peers" / "bin"
RID = "linux-arm64" if platform.machine() in ("aarch64", "arm64") else "linux-x64"

ALPHA = 0.25
GAMMA = 2.0
SEED = 20170807
POSITIVE_RATE = 0.01
LOGIT_SCALE = 3.0
SIZES = (4096, 2**20, 2**24)
ROUNDS = 5
ACCURACY_N = 2**20
QUICK_SIZE = 4096
OPERATIONS = ("forward", "fused")
REFERENCE_PEER = "focalaot-dotnet"
ALLOC_N = 2**20
FLOAT32_MIN_NORMAL = float(np.finfo(np.float32).tiny)


class BenchmarkError(Exception):
    """A harness failed, printed something that is not a row, or left a peer out."""


@dataclass(frozen=True)
class Harness:
    """A program that speaks the harness protocol, and the peers it must report."""

    name: str
    command: tuple[str, ...]
    peers: tuple[str, ...]


@dataclass(frozen=True)
class Accuracy:
    """One peer's per-element results against the reference."""

    loss: float
    gradient: float
    non_finite: int


# --- Inputs and the float64 reference ---------------------------------------------------------------------------

@functools.cache
def inputs(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The n logits (~ N(0, 3)) and n hard targets (1 with probability 0.01) of inputs-<n>.f32 (made once per n)."""
    generator = np.random.default_rng(SEED)
    logits = generator.normal(0.0, LOGIT_SCALE, n).astype(np.float32)
    targets = (generator.random(n) < POSITIVE_RATE).astype(np.float32)
    return logits, targets


def write_inputs(data: Path, sizes: list[int]) -> None:
    """DIR/inputs-<n>.f32 for every n: n logits, then n targets, little-endian float32."""
    data.mkdir(parents=True, exist_ok=True)
    for n in sizes:
        np.concatenate(inputs(n)).astype("<f4").tofile(data / f"inputs-{n}.f32")


def softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + e^z) without overflow or cancellation."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def reference(logits: np.ndarray, targets: np.ndarray, alpha: float | np.ndarray = ALPHA
              ) -> tuple[np.ndarray, np.ndarray]:
    """The float64 per-element losses and the gradients of their sum, in log space (hard targets only).

    With s = x for t = 1 and s = -x for t = 0: p = p_t = σ(s), q = 1 - p = σ(-s) = exp(-softplus(s)),
    -log p = softplus(-s), loss = α_t q^γ (-log p), and dL/ds = α_t q^γ (γ p log p - q), a sum of two terms
    of one sign; dL/dx = ±dL/ds. alpha is a number, or an array broadcast against the logits (one α per class
    of an [N, C] layout).
    """
    positive = targets == 1.0
    if not np.all(positive | (targets == 0.0)):
        raise BenchmarkError("the reference takes hard targets (0 or 1) only")
    x = logits.astype(np.float64)
    s = np.where(positive, x, -x)
    alpha_t = np.where(positive, alpha, 1.0 - np.asarray(alpha, dtype=np.float64))
    minus_log_p = softplus(-s)
    p = np.exp(-minus_log_p)
    q = np.exp(-softplus(s))
    modulated = alpha_t * q**GAMMA
    loss = modulated * minus_log_p
    slope = modulated * (GAMMA * p * -minus_log_p - q)
    return loss, np.where(positive, slope, -slope)


def reference_mean(n: int) -> float:
    """The mean of the reference losses of inputs-<n>, summed exactly (math.fsum)."""
    loss, _ = reference(*inputs(n))
    return math.fsum(loss.data) / n


# --- Running the harnesses ----------------------------------------------------------------------------------------

def harnesses(arguments: argparse.Namespace) -> list[Harness]:
    """The three harnesses, in the order they take turns."""
    dotnet = arguments.dotnet_harness
    dotnet_command = ("dotnet", dotnet) if dotnet.endswith(".dll") else (dotnet,)
    return [
        Harness("C", (arguments.c_harness,), ("focalaot-c", "c-libm")),
        Harness(".NET", dotnet_command, ("focalaot-dotnet", "torchsharp", "tensorprimitives")),
        Harness("Python", (sys.executable, str(HERE / "python_peers.py")), ("focalaot-python", "torchvision")),
    ]


def environment(arguments: argparse.Namespace) -> dict[str, str]:
    """This process's environment with the allocation counter preloaded, the library and the Python package."""
    env = dict(os.environ)
    env["LD_PRELOAD"] = ":".join(filter(None, (str(Path(arguments.alloc_shim).resolve()), env.get("LD_PRELOAD"))))
    env["FOCALAOT_LIBRARY"] = str(Path(arguments.library).resolve())
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(REPOSITORY / "interop" / "python"), env.get("PYTHONPATH"))))
    return env


def run_harness(harness: Harness, options: list[str], env: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """Runs a harness once; its rows and its info objects. Its stderr goes to this process's stderr."""
    command = [*harness.command, *options]
    try:
        result = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as error:
        raise BenchmarkError(f"the {harness.name} harness cannot start: {' '.join(command)}: {error}") from None
    if result.returncode != 0:
        raise BenchmarkError(f"the {harness.name} harness exited with status {result.returncode}: {' '.join(command)}\n"
                             f"{result.stderr.rstrip()}")
    sys.stderr.write(result.stderr)
    rows, info = [], []
    for line in filter(str.strip, result.stdout.splitlines()):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise BenchmarkError(f"the {harness.name} harness printed a line that is not JSON: {line!r}") from None
        if isinstance(record, dict) and "peer" in record:
            rows.append(record)
        elif isinstance(record, dict) and isinstance(record.get("info"), dict):
            info.append(record["info"])
        else:
            raise BenchmarkError(f"the {harness.name} harness printed neither a row nor an info object: {line!r}")
    return rows, info


def benchmark(arguments: argparse.Namespace, programs: list[Harness], threads: list[int], accuracy_dir: Path
              ) -> tuple[list[dict], list[dict]]:
    """Every harness once per size, taking turns; the first runs also write the accuracy dumps."""
    env = environment(arguments)
    rows, info = [], []
    for index, n in enumerate(arguments.sizes):
        options = ["--data", str(arguments.out / "data"), "--sizes", str(n),
                   "--threads", ",".join(map(str, threads)), "--rounds", str(arguments.rounds)]
        if index == 0:
            options += ["--accuracy-n", str(arguments.accuracy_n), "--accuracy-out", str(accuracy_dir)]
        for harness in programs:
            progress(f"{harness.name} harness, n = {n}")
            harness_rows, harness_info = run_harness(harness, options, env)
            rows += harness_rows
            info += harness_info
    return rows, info


def check_complete(rows: list[dict], programs: list[Harness], sizes: list[int], threads: list[int],
                   accuracy_dir: Path) -> None:
    """Fails unless every peer, expected or reported, has a row for every operation, n and thread count, and an
    accuracy dump."""
    peers = dict.fromkeys([*(peer for harness in programs for peer in harness.peers), *(row["peer"] for row in rows)])
    have = {(row["peer"], row["op"], row["n"], row["threads"]) for row in rows}
    missing = [f"{peer} {op} n={n} threads={t}" for peer in peers for op in OPERATIONS for n in sizes for t in threads
               if (peer, op, n, t) not in have]
    missing += [f"{peer}'s accuracy dump" for peer in peers if not (accuracy_dir / f"{peer}.f32").is_file()]
    if missing:
        raise BenchmarkError("missing: " + "; ".join(missing))


# --- Accuracy -------------------------------------------------------------------------------------------------------

def max_relative_error(values: np.ndarray, exact: np.ndarray, smallest_normal: float = FLOAT32_MIN_NORMAL) -> float:
    """The largest |value - exact| / |exact| over the finite values whose exact value is a normal float32 (or a
    normal of the type whose smallest normal is given)."""
    keep = (np.abs(exact) >= smallest_normal) & np.isfinite(values)
    if not keep.any():
        return 0.0
    return float(np.max(np.abs(values[keep] - exact[keep]) / np.abs(exact[keep])))


def accuracy(path: Path, exact_loss: np.ndarray, exact_gradient: np.ndarray) -> Accuracy:
    """A peer's dump (n losses, then n gradients) against the reference."""
    n = exact_loss.size
    dump = np.fromfile(path, dtype="<f4").astype(np.float64)
    if dump.size != 2 * n:
        raise BenchmarkError(f"{path} holds {dump.size} floats, not {2 * n}")
    loss, gradient = dump[:n], dump[n:]
    return Accuracy(max_relative_error(loss, exact_loss), max_relative_error(gradient, exact_gradient),
                    int(np.count_nonzero(~np.isfinite(dump))))


def accuracies(peers: list[str], accuracy_dir: Path, n: int) -> dict[str, Accuracy]:
    """Every peer's accuracy on inputs-<n>."""
    exact_loss, exact_gradient = reference(*inputs(n))
    return {peer: accuracy(accuracy_dir / f"{peer}.f32", exact_loss, exact_gradient) for peer in peers}


def add_mean_errors(rows: list[dict], sizes: list[int]) -> None:
    """Sets every row's mean_rel_error: |mean_loss - reference mean| / reference mean."""
    means = {n: reference_mean(n) for n in sizes}
    for row in rows:
        row["mean_rel_error"] = abs(row["mean_loss"] - means[row["n"]]) / means[row["n"]]


# --- Report -----------------------------------------------------------------------------------------------------------

def peer_order(rows: list[dict]) -> list[str]:
    """FocalAot .NET, then the other FocalAot peers, then the rest, each in the order the harnesses reported them."""
    seen = list(dict.fromkeys(row["peer"] for row in rows))
    return sorted(seen, key=lambda peer: (peer != REFERENCE_PEER, not peer.startswith("focalaot"), seen.index(peer)))


def machine(info: list[dict]) -> str:
    """The CPU, its logical cores, libfocalaot's variant and the versions the harnesses reported."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.machine())
    parts = [model, f"{os.cpu_count()} logical cores"]
    for key, name in (("libfocalaot_variant", "libfocalaot"), ("focalaot_dotnet_path", "FocalAot .NET path"), ("dotnet", ""),
                      ("torch", "torch"), ("torchvision", "torchvision"), ("torchsharp", "TorchSharp")):
        values = list(dict.fromkeys(str(item[key]) for item in info if key in item))
        if values:
            parts.append(f"{name} {' / '.join(values)}".strip())
    return ", ".join(parts)


def size_label(n: int) -> str:
    """2^k for a power of two, else the number."""
    return f"2^{n.bit_length() - 1}" if n & (n - 1) == 0 else str(n)


def tick_label(n: int) -> str:
    """n = 2^k in mathtext for a power of two, else n = the number."""
    return f"n = $2^{{{n.bit_length() - 1}}}$" if n & (n - 1) == 0 else f"n = {n}"


def byte_label(count: int | None) -> str:
    """A byte count in binary units; n/a when the harness could not tell."""
    if count is None:
        return "n/a"
    if count < 1024:
        return f"{count} B"
    if count < 1024**2:
        return f"{count / 1024:.3g} KiB"
    return f"{count / 1024**2:.3g} MiB"


def error_label(error: float) -> str:
    """A relative error with 3 significant digits."""
    return "0" if error == 0 else f"{error:.2e}"


def table(rows: list[dict], order: list[str], found: dict[str, Accuracy], sizes: list[int], threads: list[int]) -> str:
    """The markdown tables, one per thread count (one row per peer); the first has the allocation and accuracy columns."""
    return "\n\n".join(thread_table(rows, order, found if t == threads[0] else None, sizes, t, t == max(threads) > 1)
                        for t in threads)


def thread_table(rows: list[dict], order: list[str], found: dict[str, Accuracy] | None, sizes: list[int], threads: int,
                 all_cores: bool) -> str:
    """One thread count's table: ns/element per operation and n, then (with ``found``) allocation and accuracy."""
    by_key = {(row["peer"], row["op"], row["n"]): row for row in rows if row["threads"] == threads}
    columns = [(op, n) for op in OPERATIONS for n in sizes]
    alloc_n = ALLOC_N if ALLOC_N in sizes else max(sizes)
    largest = max(sizes)
    header = [f"{threads} thread{'s' if threads > 1 else ''}{' (all cores)' if all_cores else ''}",
              *(f"{op} {size_label(n)}" for op, n in columns)]
    if found is not None:
        header += [f"alloc/call fused {size_label(alloc_n)}", "max rel. error loss", "max rel. error gradient",
                   "non-finite", f"rel. error of mean {size_label(largest)}"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for peer in order:
        cells = [next(row["label"] for row in rows if row["peer"] == peer)]
        for op, n in columns:
            row, base = by_key.get((peer, op, n)), by_key.get((REFERENCE_PEER, op, n))
            cells.append("—" if row is None else speed_label(row["ns_per_element"], base["ns_per_element"] if base else None))
        if found is not None:
            alloc = by_key.get((peer, "fused", alloc_n))
            cells.append("—" if alloc is None else byte_label(alloc["alloc_bytes_per_call"]))
            cells += [error_label(found[peer].loss), error_label(found[peer].gradient), str(found[peer].non_finite)]
            cells.append(error_label(max(row["mean_rel_error"] for row in rows if row["peer"] == peer and row["n"] == largest)))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def number_label(value: float) -> str:
    """3 significant digits below 100, else the whole number: 0.931, 12.3, 6070."""
    return f"{value:.0f}" if value >= 100 else f"{value:.3g}"


def speed_label(ns: float, reference_ns: float | None) -> str:
    """ns/element and its ratio to FocalAot .NET's: "12.3 (13.5x)"."""
    return number_label(ns) if not reference_ns else f"{number_label(ns)} ({number_label(ns / reference_ns)}x)"


def legend(accuracy_n: int) -> str:
    """What the table's figures are."""
    return (f"ns/element (ratio to FocalAot .NET's in the same column), fastest of the rounds. γ = 2, α = 0.25, float32, "
            f"mean reduction; fused: loss and gradient. Errors against a float64 reference: per element at n = "
            f"{size_label(accuracy_n)} with 1 thread (where the reference is a normal float32), and the mean's "
            f"(the worst over operations and thread counts).")


def chart(rows: list[dict], order: list[str], sizes: list[int], title: str, path: Path) -> None:
    """Grouped bars of ns/element with 1 thread on a log axis: forward and fused panels, one group per n."""
    pyplot.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "focalaot-peers", "font.size": 10})
    by_key = {(row["peer"], row["op"], row["n"]): row["ns_per_element"] for row in rows if row["threads"] == 1}
    highlights = itertools.cycle(("#c0392b", "#e67e22", "#f1c40f"))
    others = itertools.cycle(matplotlib.colormaps["tab20c"](i) for i in (1, 9, 13, 17, 2, 10, 14, 18))
    colors = {peer: next(highlights if peer.startswith("focalaot") else others) for peer in order}
    labels = {row["peer"]: row["label"] for row in rows}
    figure, axes = pyplot.subplots(1, 2, figsize=(14, 6.5), sharey=True)
    width = 0.8 / len(order)
    for axis, op in zip(axes, OPERATIONS):
        for index, peer in enumerate(order):
            positions = [group + (index - (len(order) - 1) / 2) * width for group in range(len(sizes))]
            values = [by_key.get((peer, op, n), math.nan) for n in sizes]
            focal = peer.startswith("focalaot")
            bars = axis.bar(positions, values, width, color=colors[peer], label=labels[peer],
                            edgecolor="black" if focal else "none", linewidth=1.2 if focal else 0)
            axis.bar_label(bars, labels=[number_label(value) for value in values], rotation=90, fontsize=7, padding=2,
                           fontweight="bold" if focal else "normal")
        axis.set_yscale("log")
        axis.set_title(f"{op} ({'loss' if op == 'forward' else 'loss and gradient'})")
        axis.set_xticks(range(len(sizes)), [tick_label(n) for n in sizes])
        axis.grid(axis="y", which="both", alpha=0.3)
        axis.set_axisbelow(True)
    axes[0].set_ylabel("ns per element, 1 thread (log scale, lower is better)")
    low, high = axes[0].get_ylim()
    axes[0].set_ylim(low, high * 4)
    handles, names = axes[0].get_legend_handles_labels()
    figure.legend(handles, names, loc="lower center", ncol=len(order), frameon=False)
    figure.suptitle(f"Sigmoid focal loss (γ = 2, α = 0.25, float32): ns per element, 1 thread\n{title}")
    figure.tight_layout(rect=(0, 0.07, 1, 1))
    figure.savefig(path, format="svg", metadata={"Date": None})
    pyplot.close(figure)


def progress(message: str) -> None:
    """A line of progress on stderr."""
    print(f"run.py: {message}", file=sys.stderr, flush=True)


# --- Main -------------------------------------------------------------------------------------------------------------

def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """The command line, plus the sizes, rounds and accuracy n that --quick chooses."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="n = 4096 only, 1 round: checks that every harness works")
    parser.add_argument("--out", type=Path, default=ARTIFACTS / "bench" / "peers", help="the output folder")
    parser.add_argument("--c-harness", default=str(BUILT / "c_peers"), help="the C harness (c_peers)")
    parser.add_argument("--dotnet-harness", default=str(ARTIFACTS / "bin" / "FocalAot.Peers" / "release" / "FocalAot.Peers.dll"),
                        help="the .NET harness: an executable, or a .dll run with dotnet")
    parser.add_argument("--alloc-shim", default=str(BUILT / "alloc_count.so"), help="alloc_count.so, preloaded into every harness")
    parser.add_argument("--library", default=str(ARTIFACTS / "native" / RID / "libfocalaot.so"),
                        help="libfocalaot.so, given to every harness as FOCALAOT_LIBRARY")
    arguments = parser.parse_args(argv)
    arguments.out = arguments.out.resolve()
    arguments.sizes = [QUICK_SIZE] if arguments.quick else list(SIZES)
    arguments.rounds = 1 if arguments.quick else ROUNDS
    arguments.accuracy_n = QUICK_SIZE if arguments.quick else ACCURACY_N
    return arguments


def check_built(arguments: argparse.Namespace) -> None:
    """Fails unless the harnesses, the malloc counter and the library are there."""
    paths = (arguments.c_harness, arguments.dotnet_harness, arguments.alloc_shim, arguments.library)
    missing = [path for path in paths if not Path(path).is_file()]
    if missing:
        raise BenchmarkError(f"not found: {', '.join(missing)} (dotnet pwsh build.ps1 peers builds them)")


def run(arguments: argparse.Namespace) -> None:
    """The whole benchmark: inputs, harnesses, reference, report."""
    check_built(arguments)
    programs = harnesses(arguments)
    threads = sorted({1, os.cpu_count() or 1})
    accuracy_dir = arguments.out / "accuracy"
    accuracy_dir.mkdir(parents=True, exist_ok=True)
    for stale in accuracy_dir.glob("*.f32"):
        stale.unlink()
    progress("writing the inputs")
    write_inputs(arguments.out / "data", sorted({*arguments.sizes, arguments.accuracy_n}))
    rows, info = benchmark(arguments, programs, threads, accuracy_dir)
    check_complete(rows, programs, arguments.sizes, threads, accuracy_dir)
    progress("comparing with the float64 reference")
    add_mean_errors(rows, arguments.sizes)
    order = peer_order(rows)
    found = accuracies(order, accuracy_dir, arguments.accuracy_n)
    title = machine(info)
    report = (f"Machine: {title}\n\n{table(rows, order, found, arguments.sizes, threads)}\n\n"
              f"{legend(arguments.accuracy_n)}\n")
    print(report)
    (arguments.out / "table.md").write_text(report)
    with open(arguments.out / "rows.jsonl", "w") as file:
        file.writelines(json.dumps(row) + "\n" for row in rows)
    chart(rows, order, arguments.sizes, title, arguments.out / "peers.svg")
    progress(f"wrote rows.jsonl, table.md and peers.svg in {arguments.out}")


def main(argv: list[str]) -> int:
    """Runs the benchmark; 1 with the reason on stderr when it fails."""
    try:
        run(parse_arguments(argv))
    except BenchmarkError as error:
        print(f"run.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
