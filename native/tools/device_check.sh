#!/usr/bin/env bash
# Runs the device check (device_check.c) against the libfocalaot in DIR, on a machine that has OpenCL and a C
# compiler but no .NET SDK (a GPU machine): every OpenCL device against the CPU entries, then the fused call's
# bandwidth against a copy kernel's.
#
#   native/tools/device_check.sh [DIR [MAX_LOG2_N [RUNS]]]
#
# DIR holds libfocalaot.so, libfocalaot.so.2 (the name programs record as NEEDED) and libfocalaot-<variant>.so
# (default: artifacts/native/linux-<arch> of this checkout, as `build.ps1 native` leaves it; the lib folder of an
# installed prefix serves too). A device_check binary in DIR (the CMake build puts one there) is used when it is
# newer than its source; otherwise it is compiled into a temporary folder with $CC (default cc). Needs
# libOpenCL.so.1 at run time only. The output is device_check's: key=value lines, ending with "summary ...";
# the exit code is device_check's (0: every device agrees with the CPU; 1: a disagreement; 2: no device).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
native="$(dirname "$here")"
dir="${1:-$(dirname "$native")/artifacts/native/linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')}"
dir="$(cd "$dir" && pwd)"
shift $(( $# > 0 ? 1 : 0 ))

if [ ! -e "$dir/libfocalaot.so" ] || [ ! -e "$dir/libfocalaot.so.2" ]; then
  echo "device_check.sh: no libfocalaot.so and libfocalaot.so.2 in $dir (build them with: dotnet pwsh build.ps1 native)" >&2
  exit 2
fi

program="$dir/device_check"
if [ ! -x "$program" ] || [ "$here/device_check.c" -nt "$program" ] || [ "$native/include/focal_aot.h" -nt "$program" ]; then
  build="$(mktemp -d)"
  trap 'rm -rf "$build"' EXIT
  program="$build/device_check"
  "${CC:-cc}" -std=c11 -O2 -Wall -Wextra -I"$native/include" "$here/device_check.c" -o "$program" \
    -L"$dir" -lfocalaot -ldl -lm -Wl,-rpath,"$dir"
fi

# The library's OpenCL path and this program find the ICD loader by its soname.
if ! ldconfig -p 2>/dev/null | grep -q 'libOpenCL\.so\.1' && [ -z "${LD_LIBRARY_PATH:-}" ]; then
  echo "device_check.sh: note: libOpenCL.so.1 is not in the linker cache (install an OpenCL ICD loader, e.g. ocl-icd-libopencl1)" >&2
fi
"$program" "$@"
