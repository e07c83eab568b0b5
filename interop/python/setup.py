"""The platform wheel of focalaot: pure Python code beside native libraries, so its tag is py3-none-<platform>.

pyproject.toml holds the metadata; this file only makes the wheel a platform one. The platform tag comes from
setup.cfg's [bdist_wheel] plat_name (written by `dotnet pwsh build.ps1 wheel` from the libraries' ELF headers and
glibc symbol versions), and it must name the machine of the one focalaot/lib/<rid>/ folder the wheel bundles.
"""

from pathlib import Path

from setuptools import Distribution, setup
from wheel.bdist_wheel import bdist_wheel

# The machine part of a platform tag for each runtime identifier of libfocalaot.
MACHINES = {"linux-x64": "x86_64", "linux-arm64": "aarch64"}


def bundled_rid():
    """The rid of the one folder under focalaot/lib/ that holds a libfocalaot.so."""
    lib = Path(__file__).resolve().parent / "focalaot" / "lib"
    rids = sorted(p.parent.name for p in lib.glob("*/libfocalaot.so"))
    if len(rids) != 1:
        found = ", ".join(rids) if rids else "none"
        raise SystemExit(f"focalaot/lib must hold exactly one <rid>/libfocalaot.so (found: {found}); build the wheel "
                         "with `dotnet pwsh build.ps1 wheel`, which stages one rid's libraries")
    if rids[0] not in MACHINES:
        raise SystemExit(f"focalaot/lib/{rids[0]}: no wheel platform for this rid (known: {', '.join(MACHINES)})")
    return rids[0]


class PlatformDistribution(Distribution):
    """A distribution with binaries: installed into platlib, at the root of the wheel (Root-Is-Purelib: false)."""

    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel):
    """bdist_wheel for code that runs on any Python 3 but bundles one platform's libraries."""

    def get_tag(self):
        rid = bundled_rid()
        if not self.plat_name_supplied:
            raise SystemExit("plat_name is not set: give [bdist_wheel] plat_name in setup.cfg (build.ps1 writes it), "
                             f"e.g. manylinux_2_34_{MACHINES[rid]}")
        platform = self.plat_name.replace("-", "_").replace(".", "_")
        if not platform.endswith("_" + MACHINES[rid]):
            raise SystemExit(f"plat_name {platform} does not match the bundled focalaot/lib/{rid} "
                             f"(a {MACHINES[rid]} platform tag)")
        return "py3", "none", platform


setup(distclass=PlatformDistribution, cmdclass={"bdist_wheel": PlatformWheel})
