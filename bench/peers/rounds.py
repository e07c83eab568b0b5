"""Interleaved timing rounds for the Python benchmarks of this directory (softmax.py, options.py)."""

import argparse
import time
from collections.abc import Callable


def time_rounds(functions: dict[str, Callable[[], object]], elements: int, rounds: int, minimum_seconds: float
                ) -> dict[str, float]:
    """The fastest round's ns per element of each function, the functions taking turns in every round (each at least
    3 calls and minimum_seconds long)."""
    best = {name: float("inf") for name in functions}
    for _ in range(rounds):
        for name, function in functions.items():
            calls, start = 0, time.perf_counter()
            while True:
                function()
                calls += 1
                elapsed = time.perf_counter() - start
                if calls >= 3 and elapsed >= minimum_seconds:
                    break
            best[name] = min(best[name], elapsed / calls / elements * 1e9)
    return best


def parse_arguments(description: str) -> tuple[bool, int, float]:
    """The scripts' command line: (--quick, the number of rounds, the shortest round in seconds); --quick is one
    round of as few calls as allowed, on the script's small inputs (it checks that the script runs)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="small inputs, one short round (checks that it runs)")
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    return (True, 1, 0.0) if arguments.quick else (False, arguments.rounds, 0.2)
