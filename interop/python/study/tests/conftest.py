"""The study's tests import its modules and the checkout's focalaot package (interop/python)."""

import sys
from pathlib import Path

STUDY = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(STUDY.parent), str(STUDY)]
