import os
import sys
from pathlib import Path

import pytest

# Tests run against the package in this checkout and the library published into artifacts/native; with
# FOCALAOT_TEST_INSTALLED set to the site-packages folder of an installed focalaot (the wheel suite does, running a
# copy of these tests outside the checkout), against that package, and the session checks that it imports it.
_installed = os.environ.get("FOCALAOT_TEST_INSTALLED")
if not _installed:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def pytest_sessionstart(session):
    if not _installed:
        return
    import focalaot
    from focalaot import _capi

    expected = Path(_installed).resolve() / "focalaot"
    package = Path(focalaot.__file__).resolve().parent
    library = Path(_capi.lib._name).resolve()
    if package != expected or library.parent.parent.parent != expected:
        raise pytest.UsageError(f"FOCALAOT_TEST_INSTALLED={_installed}: focalaot was imported from {package} and its "
                                f"library from {library}, not from the installed package in {expected}")
