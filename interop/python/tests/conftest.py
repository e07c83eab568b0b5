import sys
from pathlib import Path

# Tests run against the package in this checkout and the library published into artifacts/native.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
