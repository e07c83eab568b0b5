#!/usr/bin/env bash
# The install test of libfocalaot: `cmake --install` of a native build folder into a temporary prefix, then programs
# built against that prefix the ways users build them, run, and checked.
#
#   native/tests/test_install.sh BUILD [WORK]
#
# BUILD is a configured and built native/CMakeLists.txt build folder for this machine (build.ps1 makes
# artifacts/native-build/cmake-linux-<arch>); WORK is the temporary folder (default: mktemp -d; removed when every
# check passed). Checks: the installed files, links and SONAMEs; the highest glibc symbol version the libraries need
# against the baseline README states; interop/c/example.c built with CMake (find_package(focalaot 2)), and with
# pkg-config (run with LD_LIBRARY_PATH, and with an rpath), each run computing the known mean focal loss, recording
# NEEDED libfocalaot.so.<ABI> and loading only the installed libraries; find_package(focalaot 3) refused; and the
# README's C build line, run as written from the repository root. Each check prints "passed NAME: ..." or
# "FAILED NAME: ..."; the last line is "N passed, N failed, N skipped", and the exit code is 1 if a check failed.
set -uo pipefail

# The highest GLIBC_x.y symbol version any installed library may need; README states it ("glibc 2.34 or later").
glibc_baseline=2.34
# The mean focal loss (gamma 2, alpha 0.25) of example.c's inputs, to 40 digits: 0.277474635596610769464037126264...
expected_loss=0.27747463559661077

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$(cd "${1:?usage: test_install.sh BUILD [WORK]}" && pwd)"
work="${2:-$(mktemp -d -t focalaot-install.XXXXXX)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
prefix="$work/prefix"
case "$prefix/" in "$root"/*)
  echo "test_install.sh: WORK must be outside the checkout (the test looks for checkout paths in the installed files)" >&2
  exit 2 ;;
esac
rm -rf "$prefix"

passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); echo "    passed $1: $2"; }
fail() { failed=$((failed + 1)); echo "    FAILED $1: $2"; }
skip() { skipped=$((skipped + 1)); echo "    skipped $1: $2"; }
# Runs a command with its output in a log file; on failure shows the log's end.
logged() {
  local log="$1"; shift
  "$@" >"$log" 2>&1 && return 0
  local code=$?
  tail -n 25 "$log" | sed 's/^/           /'
  return "$code"
}

abi="$(sed -n 's/^#define FOCAL_ABI_VERSION \([0-9]*\).*/\1/p' "$root/native/include/focal_aot.h")"
library_version="$(sed -n 's/^#define FOCAL_VERSION_STRING "\(.*\)".*/\1/p' "$root/native/include/focal_aot.h")"
version="$abi.$library_version"
variants="$(sed -n 's/^FOCALAOT_VARIANTS:STRING=//p' "$build/CMakeCache.txt" | tr ';' ' ')"
if [ -z "$abi" ] || [ -z "$library_version" ] || [ -z "$variants" ]; then
  echo "test_install.sh: no versions in focal_aot.h or no FOCALAOT_VARIANTS in $build/CMakeCache.txt" >&2
  exit 2
fi
lib="$prefix/lib"

# 1. The install and its files.
if logged "$work/install.log" cmake --install "$build" --prefix "$prefix"; then
  problems=()
  for file in include/focal_aot.h lib/cmake/focalaot/focalaotConfig.cmake lib/cmake/focalaot/focalaotConfigVersion.cmake \
              lib/cmake/focalaot/focalaotTargets.cmake lib/pkgconfig/focalaot.pc; do
    [ -f "$prefix/$file" ] || problems+=("no $file")
  done
  [ -f "$lib/libfocalaot.so.$version" ] && [ ! -L "$lib/libfocalaot.so.$version" ] || problems+=("no file lib/libfocalaot.so.$version")
  [ "$(readlink "$lib/libfocalaot.so.$abi")" = "libfocalaot.so.$version" ] ||
    problems+=("lib/libfocalaot.so.$abi is not a link to libfocalaot.so.$version")
  [ "$(readlink "$lib/libfocalaot.so")" = "libfocalaot.so.$abi" ] || problems+=("lib/libfocalaot.so is not a link to libfocalaot.so.$abi")
  for variant in $variants; do
    [ -f "$lib/libfocalaot-$variant.so" ] || problems+=("no lib/libfocalaot-$variant.so")
  done
  # Nothing installed may point back into the build or the checkout: no rpath, no such path in the CMake or pkg-config files.
  if grep -rlIF -e "$build" -e "$root/" "$prefix" >"$work/leaks.txt" 2>/dev/null; then
    problems+=("names the build or source folder: $(tr '\n' ' ' <"$work/leaks.txt")")
  fi
  for file in "$lib"/libfocalaot*.so*; do
    if [ ! -L "$file" ] && readelf -d "$file" | grep -qE '\((RPATH|RUNPATH)\)'; then problems+=("$(basename "$file") has an rpath"); fi
  done
  if [ ${#problems[@]} -eq 0 ]; then
    pass "install" "cmake --install into $prefix: include/focal_aot.h, lib/libfocalaot.so.$version with links .so.$abi and .so, \
$(echo "$variants" | wc -w) variants, lib/cmake/focalaot, lib/pkgconfig/focalaot.pc; no rpath, build or source path"
  else
    fail "install" "$(IFS=';'; echo "${problems[*]}")"
  fi
else
  fail "install" "cmake --install failed (log: $work/install.log)"
  echo "$passed passed, $failed failed, $skipped skipped"
  exit 1
fi

# 2. SONAMEs: the dispatcher's is libfocalaot.so.<ABI>; each variant's is its own file name, which the dispatcher opens.
soname() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p'; }
problems=()
[ "$(soname "$lib/libfocalaot.so.$version")" = "libfocalaot.so.$abi" ] ||
  problems+=("the dispatcher's SONAME is '$(soname "$lib/libfocalaot.so.$version")', not libfocalaot.so.$abi")
for variant in $variants; do
  [ "$(soname "$lib/libfocalaot-$variant.so")" = "libfocalaot-$variant.so" ] ||
    problems+=("libfocalaot-$variant.so has SONAME '$(soname "$lib/libfocalaot-$variant.so")' (an old build? build.ps1 native)")
done
if [ ${#problems[@]} -eq 0 ]; then
  pass "SONAME" "libfocalaot.so.$abi (the dispatcher), libfocalaot-<variant>.so (each variant)"
else
  fail "SONAME" "$(IFS=';'; echo "${problems[*]}")"
fi

# 3. glibc: the highest GLIBC_x.y version any installed library needs (its version-needs section), at most the baseline.
highest="$(for file in "$lib"/libfocalaot*.so*; do [ -L "$file" ] || readelf -V --wide "$file"; done |
  grep -o 'Name: GLIBC_[0-9][0-9.]*' | sed 's/Name: GLIBC_//' | sort -V | tail -n 1)"
stated="$(grep -c "glibc $glibc_baseline or later" "$root/README.md")"
if [ -z "$highest" ]; then
  fail "glibc baseline" "no GLIBC_ version needs found with readelf -V"
elif [ "$(printf '%s\n%s\n' "$highest" "$glibc_baseline" | sort -V | tail -n 1)" != "$glibc_baseline" ]; then
  fail "glibc baseline" "the libraries need GLIBC_$highest, above the baseline $glibc_baseline: raise it here and in README, or avoid it"
elif [ "$stated" -eq 0 ]; then
  fail "glibc baseline" "README does not state \"glibc $glibc_baseline or later\""
else
  pass "glibc baseline" "the highest version needed is GLIBC_$highest (baseline $glibc_baseline, as README states)"
fi

# Checks one run of example.c: its exit code, the loss it printed, NEEDED, and where libfocalaot was loaded from.
# check_program NAME PROGRAM LOG [VAR=VALUE...]
check_program() {
  local name="$1" program="$2" log="$3"; shift 3
  local problems=() loaded
  local code=0
  env "$@" LD_DEBUG=libs LD_DEBUG_OUTPUT="$log.ld" "$program" >"$log" 2>&1 || code=$?
  if [ "$code" -ne 0 ]; then
    sed 's/^/           /' "$log"
    problems+=("exit code $code")
  fi
  local loss
  loss="$(sed -n 's/^mean focal loss: f64 \([^,]*\),.*/\1/p' "$log")"
  if [ -z "$loss" ] || ! awk -v a="$loss" -v b="$expected_loss" 'BEGIN { d = a - b; exit !(d <= 1e-12 * b && -d <= 1e-12 * b) }'; then
    problems+=("loss '$loss', expected $expected_loss")
  fi
  local needed
  needed="$(readelf -d "$program" | sed -n 's/.*(NEEDED).*\[\(libfocalaot[^]]*\)\].*/\1/p' | tr '\n' ' ')"
  [ "$needed" = "libfocalaot.so.$abi " ] || problems+=("NEEDED '$needed', not libfocalaot.so.$abi")
  # The dynamic loader's trace: the dispatcher and a variant, both from the prefix.
  loaded="$(cat "$log.ld".* 2>/dev/null | sed -n 's/.*calling init: \(.*libfocalaot.*\)/\1/p' | sort -u)"
  rm -f "$log.ld".*
  if ! grep -qx "$lib/libfocalaot.so.$abi" <<<"$loaded" || ! grep -q "^$lib/libfocalaot-.*\.so$" <<<"$loaded" ||
     grep -qv "^$lib/" <<<"$loaded"; then
    problems+=("loaded $(tr '\n' ' ' <<<"$loaded"), not the dispatcher and a variant from $lib")
  fi
  if [ ${#problems[@]} -eq 0 ]; then
    pass "$name" "loss $loss, NEEDED libfocalaot.so.$abi, loaded $(basename -a $loaded | tr '\n' ' ')from $lib"
  else
    fail "$name" "$(IFS=';'; echo "${problems[*]}")"
  fi
}

# 4. CMake: interop/c (find_package(focalaot 2 REQUIRED), focalaot::focalaot); CMake's build rpath finds the library.
if logged "$work/cmake-example.log" cmake -S "$root/interop/c" -B "$work/cmake-example" -DCMAKE_PREFIX_PATH="$prefix" \
     && logged "$work/cmake-example-build.log" cmake --build "$work/cmake-example"; then
  check_program "CMake find_package consumer" "$work/cmake-example/example" "$work/cmake-example.run.log"
else
  fail "CMake find_package consumer" "configure or build failed (logs: $work/cmake-example*.log)"
fi

# 5. The version check: the package is ABI 2, so a project that asks for focalaot 3 finds it and refuses it.
mkdir -p "$work/wants-abi-3"
printf 'cmake_minimum_required(VERSION 3.20)\nproject(wants_abi_3 C)\nfind_package(focalaot 3 REQUIRED)\n' \
  >"$work/wants-abi-3/CMakeLists.txt"
if cmake -S "$work/wants-abi-3" -B "$work/wants-abi-3/build" -DCMAKE_PREFIX_PATH="$prefix" >"$work/wants-abi-3.log" 2>&1; then
  fail "find_package(focalaot 3) refused" "the configure succeeded (log: $work/wants-abi-3.log)"
elif ! grep -q "version: $version" "$work/wants-abi-3.log"; then
  fail "find_package(focalaot 3) refused" "it failed without considering focalaotConfig.cmake $version (log: $work/wants-abi-3.log)"
else
  pass "find_package(focalaot 3) refused" "focalaotConfig.cmake $version considered and not accepted"
fi

# 6. pkg-config: the file's values, then example.c built with its flags, run with LD_LIBRARY_PATH and with an rpath.
export PKG_CONFIG_PATH="$lib/pkgconfig"
problems=()
[ "$(pkg-config --modversion focalaot 2>&1)" = "$version" ] || problems+=("--modversion: $(pkg-config --modversion focalaot 2>&1)")
[ "$(pkg-config --variable=prefix focalaot)" = "$prefix" ] || problems+=("prefix: $(pkg-config --variable=prefix focalaot)")
[ "$(pkg-config --cflags focalaot | xargs)" = "-I$prefix/include" ] || problems+=("--cflags: $(pkg-config --cflags focalaot)")
[ "$(pkg-config --libs focalaot | xargs)" = "-L$lib -lfocalaot" ] || problems+=("--libs: $(pkg-config --libs focalaot)")
if [ ${#problems[@]} -eq 0 ]; then
  pass "pkg-config file" "focalaot $version: -I$prefix/include, -L$lib -lfocalaot"
else
  fail "pkg-config file" "$(IFS=';'; echo "${problems[*]}")"
fi
# shellcheck disable=SC2046 # the flags are words
if logged "$work/pkg-config-example.log" cc -std=c11 -Wall -Wextra -Werror "$root/interop/c/example.c" \
     $(pkg-config --cflags --libs focalaot) -lm -o "$work/example-pkg-config"; then
  check_program "pkg-config consumer (LD_LIBRARY_PATH)" "$work/example-pkg-config" "$work/example-pkg-config.run.log" \
    LD_LIBRARY_PATH="$lib"
else
  fail "pkg-config consumer (LD_LIBRARY_PATH)" "cc failed (log: $work/pkg-config-example.log)"
fi
# shellcheck disable=SC2046
if logged "$work/pkg-config-rpath.log" cc -std=c11 "$root/interop/c/example.c" $(pkg-config --cflags --libs focalaot) -lm \
     -Wl,-rpath,"$(pkg-config --variable=libdir focalaot)" -o "$work/example-rpath"; then
  check_program "pkg-config consumer (rpath)" "$work/example-rpath" "$work/example-rpath.run.log" LD_LIBRARY_PATH=
else
  fail "pkg-config consumer (rpath)" "cc failed (log: $work/pkg-config-rpath.log)"
fi
unset PKG_CONFIG_PATH

# 7. README's C build line (section "From C"), run as written from the repository root against artifacts/native.
readme_block="$(awk '/^### From C$/ { section = 1; next } /^##/ { section = 0 }
  section && /^```sh$/ { block = 1; next } block && /^```$/ { exit } block { print }' "$root/README.md")"
readme_rid="$(grep -o 'artifacts/native/linux-[a-z0-9]*' <<<"$readme_block" | head -n 1 | sed 's|artifacts/native/||')"
host_rid="linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')"
if [ -z "$readme_block" ]; then
  fail "README's C build line" "no sh block in README's section \"From C\""
elif [ "$readme_rid" != "$host_rid" ]; then
  skip "README's C build line" "it builds for ${readme_rid:-?}, this machine is $host_rid"
elif (cd "$root" && bash -e -c "$readme_block") >"$work/readme.log" 2>&1 &&
     awk -v b="$expected_loss" '/^mean focal loss: f64 / { a = $5 + 0; d = a - b; ok = d <= 1e-12 * b && -d <= 1e-12 * b }
       END { exit !ok }' "$work/readme.log"; then
  pass "README's C build line" "built and ran from the repository root: $(grep '^mean focal loss' "$work/readme.log")"
else
  sed 's/^/           /' "$work/readme.log"
  fail "README's C build line" "it failed, or printed another loss (log: $work/readme.log)"
fi

if [ "$failed" -eq 0 ] && [ -z "${2:-}" ]; then rm -rf "$work"; fi
[ "$failed" -eq 0 ] || echo "    The prefix and logs are in $work."
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
