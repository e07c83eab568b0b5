#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests and runs FocalAot.

.DESCRIPTION
    Targets:
      build  Build the solution (Release).
      test   Build, then run the test suites (-Suite, default all): the property suite once per SIMD path
             this machine can run (each leg checks that its path is the active one) and once for linux-arm64
             (NEON) under qemu, the F# interop tests, the generator and analyzer tests (with the emitted
             OpenCL C built and run on PoCL), the package consumer test (C# and F# apps that reference the
             FocalAot package, built, published with NativeAOT and trimmed, and run), the C tests of libfocalaot
             (x64 variants here, arm64 under qemu; with a thread storm, a replay of the fuzz inputs, and the OpenCL
             device entries on PoCL against the CPU entries, with and without an OpenCL platform), the install test (cmake --install
             into a temporary prefix, then C programs built against it with find_package and pkg-config), the Python tests
             (pytest with Debian's python3, and a standard-library smoke run with the python3 on PATH), the Python wheel (built,
             checked, installed into a fresh venv and tested there), valgrind memcheck of the C tests, and 60 s of the fuzz
             target. Ends with one line "N passed, N failed, N skipped" over the suites and legs it ran; exits non-zero on
             failure.
      pack   Pack the NuGet package FocalAot (the runtime, its XML docs, the generator and analyzer in
             analyzers/dotnet/cs, a README) and its symbols package (.snupkg, Source Link) into artifacts/packages.
      demo   Run the demo (trains a classifier with BCE and focal loss, prints a comparison).
      bench  Run the BenchmarkDotNet suite (bench/FocalAot.Benchmarks): specialized vs generic kernels,
             focal vs BCE, 1 vs 2 threads, the cost of weights and per-class α, Half and BFloat16 storage, the
             128-bit kernels with and without FMA; results in artifacts/bench. Then the peers target. Not part of the tests.
      peers  Time FocalAot (.NET, C ABI, Python) beside its peers in one run (bench/peers/run.py): torchvision's
             sigmoid_focal_loss (Debian's python3-torchvision), TorchSharp's port, a TensorPrimitives composite and
             plain C with libm, at n = 4096, 2^20 and 2^24, 1 thread and all cores, forward and fused, with each
             peer's allocation per call and accuracy against a float64 reference. Prints the table, writes it with
             the raw rows and a chart to artifacts/bench/peers (table.md, rows.jsonl, peers.svg). Then the softmax
             focal loss beside torch's composite and cross_entropy (bench/peers/softmax.py), C = 80 and 1203, and the
             sigmoid options (weights, per-class α, the normalized and weighted-mean reductions, float16 and
             bfloat16 data) beside torch composites (bench/peers/options.py). x64 only.
      baselines  Regenerate the generator's checked-in output baselines (properties/FocalAot.Generator.Tests/Baselines)
             after an intended change to the emitted code; review the diff before committing.
      native Publish libfocalaot into artifacts/native/<rid>/: the NativeAOT variants for linux-x64
             (x86-64-v2, -v3, -v4) and linux-arm64, plus the dispatcher libfocalaot.so that loads the
             best one the CPU runs, and device_check (native/tools/device_check.c: every OpenCL device against the
             CPU entries, and its bandwidth; native/tools/device_check.sh runs it where only a C compiler is).
             arm64 needs gcc-aarch64-linux-gnu (and qemu-user-static to test).
      install  Publish libfocalaot for this machine (as native does), then cmake --install it into -Prefix:
             include/focal_aot.h; lib/libfocalaot.so.2.<version> (SONAME libfocalaot.so.2) with the links libfocalaot.so.2
             and libfocalaot.so, and the variants libfocalaot-<variant>.so beside it; lib/cmake/focalaot (find_package(focalaot 2),
             target focalaot::focalaot); lib/pkgconfig/focalaot.pc.
      wheel  Build the Python platform wheels into artifacts/wheels: focalaot-<version>-py3-none-manylinux_2_<minor>_x86_64.whl
             and _aarch64.whl, each the package of interop/python (pyproject.toml, setup.py; setuptools with Debian's
             python3, pip and wheel, no network) with type hints (py.typed) and its rid's dispatcher and variants in
             focalaot/lib/<rid>/. The version is Directory.Build.props' (_capi.py must state the same); the glibc of the
             manylinux tag is the highest GLIBC_2.x symbol version the libraries need (they may need only libc, libm
             and the dynamic loader). Uses artifacts/native/<rid>/, publishing it first where it is missing (run the
             native target after changing the library).
      fuzz   Build the C ABI fuzz harnesses (native/fuzz/fuzz_focal.c, the sigmoid entries, and fuzz_softmax.c, the
             softmax entries) with clang-15, libFuzzer, ASan and UBSan against the dispatcher, replay their inputs
             (native/fuzz/corpus and regressions; native/fuzz/softmax_corpus and softmax_regressions), then fuzz the
             best variant with each for half of -Seconds (default 60 in all). New inputs go to artifacts/fuzz/corpus
             and artifacts/fuzz/softmax_corpus, a failing one to artifacts/fuzz/crashes (once understood, keep it in
             native/fuzz/regressions or native/fuzz/softmax_regressions).

.PARAMETER Suite
    The suite the test target runs (builds only what it needs):
      all         every suite below (the default).
      style       every tracked source line within .editorconfig's max_line_length (generated baselines aside).
      properties  the property suite, once per SIMD path of this machine.
      arm64       the property suite published for linux-arm64 and run under qemu-aarch64-static, checking
                  that the NEON (Vector128) path is active. Skipped with a warning (counted as 1 skipped)
                  on a machine that is not x64 or has no qemu-aarch64-static (bash .ci/run installs it).
      fsharp      the F# interop tests.
      generator   the generator and analyzer tests (OpenCL C on PoCL).
      packages    packs FocalAot (target pack) and checks the package, then, in a temporary folder with its own
                  NuGet.config (the local feed, a fresh package folder), creates C# and F# console apps that reference
                  it: the C# app's kernel from the package's generator ([FocalKernel(2.5, Precision.Single)]) must give
                  the bits of SigmoidFocalLoss with Gamma = 2.5, the analyzer must report FOCAL001, and each app is
                  built (JIT), published with NativeAOT and trimmed (self-contained), all without a warning, and run:
                  every run prints the same digest of the results. One C# app references the runtime and generator
                  projects instead, published with NativeAOT.
      c           publishes libfocalaot (target native) and runs its C tests with CTest.
      cinstall    the install test (native/tests/test_install.sh): cmake --install of this machine's build into a temporary
                  prefix; the files, links and SONAMEs; the glibc symbol versions against README's baseline;
                  interop/c/example.c built with find_package(focalaot 2) and with pkg-config, run (the known loss,
                  NEEDED libfocalaot.so.2, the libraries loaded from the prefix); find_package(focalaot 3) refused; and
                  README's C build line run as written. Publishes libfocalaot for this machine first if
                  artifacts/native lacks it or a variant (run the native target after changing the library).
      python      the Python tests; publishes libfocalaot for this machine first if artifacts/native lacks
                  it or a variant (run the native target after changing the library).
      wheel       builds both wheels (target wheel) and checks their contents (files, WHEEL tag, METADATA, RECORD,
                  the ELF machine of every bundled library); pip-installs the x86_64 one (--no-index, with the torch
                  extra where Debian's torch is installed) into a fresh venv of /usr/bin/python3
                  (--system-site-packages: Debian's numpy, pytest, torch), checks that the venv's python imports the
                  installed package and its bundled library, runs mypy --strict on a typed consumer (and checks that
                  it reports a consumer's type errors), then runs a copy of the Python tests outside the checkout with
                  the venv's python. The aarch64 wheel is checked, not installed; without aarch64-linux-gnu-gcc (and
                  no arm64 library) it is skipped (1), without mypy the type checks (2).
      memcheck    valgrind memcheck (zero errors, leaks included) of test_focal_aot and test_process on
                  x86-64-v3 and of the fuzz replay on x86-64-v2; builds the C tests first if there are none.
                  Skipped (3) without valgrind or off x64.
      fuzz        the fuzz target for 60 s (replay, then libFuzzer); skipped (2) without clang-15.
      samples     the demo's tests (samples/Demo.Tests: its MLP's gradient, data, resampling, metrics, a quick demo run,
                  a default run against README's table, and a quick .NET study), then the Python imbalance study's
                  tests (interop/python/study/tests: a --quick run checked against scikit-learn on the same
                  predictions); publishes libfocalaot for this machine first, as python does.
      peers       builds the peer benchmark (target peers) and runs its tests (bench/peers/tests, pytest): its float64
                  reference against finite differences, and a --quick run of every harness whose rows, accuracy
                  figures and chart are checked. x64 only (TorchSharp's CPU package); skipped (1) elsewhere.

.PARAMETER Seconds
    How long the fuzz target runs libFuzzer (default 60).

.PARAMETER Prefix
    The folder the install target installs into (required by it), e.g. /usr/local or $HOME/.local.

.EXAMPLE
    dotnet tool restore; dotnet pwsh build.ps1 test

.EXAMPLE
    dotnet pwsh build.ps1 test -Suite generator

.EXAMPLE
    dotnet pwsh build.ps1 install -Prefix $HOME/.local
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'pack', 'demo', 'native', 'install', 'wheel', 'bench', 'peers', 'baselines', 'fuzz')]
    [string] $Target = 'test',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    [ValidateSet('all', 'style', 'properties', 'arm64', 'fsharp', 'generator', 'packages', 'c', 'cinstall', 'python', 'wheel', 'samples',
        'memcheck', 'fuzz', 'peers')]
    [string] $Suite = 'all',

    [ValidateRange(1, 86400)]
    [int] $Seconds = 60,

    [string] $Prefix
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$artifacts = Join-Path $root 'artifacts'

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments)
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Command $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-Build([string] $Project = 'FocalAot.sln') {
    Invoke-Native dotnet @('build', (Join-Path $root $Project), '-c', $Configuration, '-nologo', '-v', 'minimal')
}

# NativeAOT fixes the ISA at compile time, so each ISA level is its own library.
$nativeVariants = @(
    @{ Rid = 'linux-x64'; Name = 'x86-64-v2'; Properties = @('-p:IlcInstructionSet=x86-64-v2') }
    @{ Rid = 'linux-x64'; Name = 'x86-64-v3'; Properties = @('-p:IlcInstructionSet=x86-64-v3') }
    @{ Rid = 'linux-x64'; Name = 'x86-64-v4'; Properties = @('-p:IlcInstructionSet=x86-64-v4') }
    @{
        Rid = 'linux-arm64'; Name = 'arm64'
        Properties = @("-p:CppCompilerAndLinker=$root/native/cross/aarch64-linux-gnu-cc", '-p:ObjCopyName=aarch64-linux-gnu-objcopy')
    }
)

function Test-Arm64Toolchain { return [bool](Get-Command aarch64-linux-gnu-gcc -ErrorAction SilentlyContinue) }

function Get-NativeDirectory([string] $Rid) { return Join-Path $artifacts "native/$Rid" }

function Invoke-NativeBuild([string[]] $Rids = @($nativeVariants.Rid | Select-Object -Unique)) {
    foreach ($variant in ($nativeVariants | Where-Object { $Rids -contains $_.Rid })) {
        if ($variant.Rid -eq 'linux-arm64' -and -not (Test-Arm64Toolchain)) {
            Write-Warning 'aarch64-linux-gnu-gcc not found: skipping linux-arm64 (bash .ci/run installs it).'
            continue
        }
        Write-Host "`n=== libfocalaot $($variant.Name) ($($variant.Rid))" -ForegroundColor Cyan
        $staging = Join-Path $artifacts "native-build/$($variant.Name)"
        Invoke-Native dotnet (@('publish', (Join-Path $root 'native/FocalAot.Native.csproj'), '-c', 'Release', '-r', $variant.Rid,
                '-nologo', '-v', 'quiet', "-p:ArtifactsPath=$staging", '-o', "$staging/publish", "-p:FocalAotVariant=$($variant.Name)") +
            $variant.Properties)
        $destination = Get-NativeDirectory $variant.Rid
        New-Item -ItemType Directory -Force -Path $destination | Out-Null
        Copy-Item "$staging/publish/libfocalaot.so" (Join-Path $destination "libfocalaot-$($variant.Name).so") -Force
    }
    foreach ($rid in $Rids) {
        if ($rid -eq 'linux-arm64' -and -not (Test-Arm64Toolchain)) { continue }
        Invoke-NativeCMake $rid
    }
}

# The CMake build folder of native/CMakeLists.txt for one rid.
function Get-NativeBuildDirectory([string] $Rid) { return Join-Path $artifacts "native-build/cmake-$Rid" }

# Configures and builds native/CMakeLists.txt for one rid: the dispatcher, the C tests, the install rules.
function Invoke-NativeCMake([string] $Rid) {
    $build = Get-NativeBuildDirectory $Rid
    $variantNames = ($nativeVariants | Where-Object Rid -eq $Rid).Name -join ';'
    $configure = @('-S', (Join-Path $root 'native'), '-B', $build,
        "-DFOCALAOT_VARIANT_DIR=$(Get-NativeDirectory $Rid)", "-DFOCALAOT_VARIANTS=$variantNames", '-DCMAKE_BUILD_TYPE=Release')
    if ($Rid -eq 'linux-arm64') { $configure += "-DCMAKE_TOOLCHAIN_FILE=$root/native/cross/aarch64-linux-gnu.cmake" }
    Invoke-Native cmake $configure
    Invoke-Native cmake @('--build', $build)
}

# The files the native target publishes for a rid into artifacts/native/<rid>: the dispatcher and every variant.
function Get-NativeLibraryNames([string] $Rid) {
    return @('libfocalaot.so') + @(($nativeVariants | Where-Object Rid -eq $Rid).Name | ForEach-Object { "libfocalaot-$_.so" })
}

# The files of Get-NativeLibraryNames that artifacts/native/<rid> lacks.
function Get-MissingNativeLibraries([string] $Rid) {
    return @(Get-NativeLibraryNames $Rid | Where-Object { -not (Test-Path (Join-Path (Get-NativeDirectory $Rid) $_)) })
}

# Publishes libfocalaot for a rid (the native target) unless artifacts/native/<rid> has it: the suites that use the
# published library leave it as it is (run the native target after changing the library).
function Confirm-NativeLibrary([string] $Rid) {
    if (@(Get-MissingNativeLibraries $Rid).Count -eq 0) { return }
    Write-Host "`nNo libfocalaot for $Rid in $(Get-NativeDirectory $Rid): publishing it first." -ForegroundColor Cyan
    Invoke-NativeBuild -Rids @($Rid) | Out-Host
}

# The install test (native/tests/test_install.sh) on this machine's build; counts from its last line.
function Invoke-InstallTests {
    $rid = Get-HostRid
    Write-Host "`n=== C install :: cmake --install into a temporary prefix, find_package and pkg-config consumers ($rid)" -ForegroundColor Cyan
    Confirm-NativeLibrary $rid
    # The dispatcher and the install rules from the current sources (quick when nothing changed).
    Invoke-NativeCMake $rid | Out-Host
    $output = @(& bash (Join-Path $root 'native/tests/test_install.sh') (Get-NativeBuildDirectory $rid) 2>&1 | ForEach-Object { "$_" })
    $exitCode = $LASTEXITCODE
    $output | ForEach-Object { Write-Host $_ }
    $summary = $output | Select-String -Pattern '^(\d+) passed, (\d+) failed, (\d+) skipped$' | Select-Object -Last 1
    if (-not $summary) { return New-Counts -Failed 1 }
    $groups = $summary.Matches[0].Groups
    $counts = New-Counts -Passed ([int]$groups[1].Value) -Failed ([int]$groups[2].Value) -Skipped ([int]$groups[3].Value)
    if ($exitCode -ne 0 -and $counts.Failed -eq 0) { $counts.Failed = 1 }
    return $counts
}

# The SIMD legs of the property suite. Each names the path it must find active (FOCALAOT_EXPECT_PATH) and whether its
# multiply-adds are fused (FOCALAOT_EXPECT_MULTIPLY_ADD: x64 fuses with FMA3, which DOTNET_EnableAVX2=0 turns off).
function Get-SimdLegs {
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture
    $flags = (Get-Content /proc/cpuinfo -ErrorAction SilentlyContinue | Where-Object { $_ -like 'flags*' } | Select-Object -First 1) -split '\s+'
    $native = if ($arch -ne 'X64' -or $flags -contains 'fma') { 'fused' } else { 'separate' }
    $legs = @([ordered]@{ Name = 'default (widest accelerated)'; Env = @{ FOCALAOT_EXPECT_PATH = 'widest'; FOCALAOT_EXPECT_MULTIPLY_ADD = $native } })
    if ($arch -eq 'X64') {
        if ($flags -contains 'avx512f') {
            $legs += [ordered]@{
                Name = 'Vector256 (AVX2)'
                Env  = @{ DOTNET_EnableAVX512 = '0'; FOCALAOT_EXPECT_PATH = 'Vector256'; FOCALAOT_EXPECT_MULTIPLY_ADD = 'fused' }
            }
        }
        $legs += [ordered]@{
            Name = 'Vector128 (AVX2 off, no FMA)'
            Env  = @{ DOTNET_EnableAVX2 = '0'; FOCALAOT_EXPECT_PATH = 'Vector128'; FOCALAOT_EXPECT_MULTIPLY_ADD = 'separate' }
        }
        $legs += [ordered]@{
            Name = 'Vector512 (software emulation)'
            Env  = @{
                DOTNET_EnableAVX512 = '0'; FOCALAOT_SIMD_PATH = 'vector512'; FOCALAOT_EXPECT_PATH = 'Vector512'
                FOCALAOT_EXPECT_MULTIPLY_ADD = $native
            }
        }
    }
    $legs += [ordered]@{
        Name = 'Scalar (hardware intrinsics off, no FMA)'
        Env  = @{ DOTNET_EnableHWIntrinsic = '0'; FOCALAOT_EXPECT_PATH = 'Scalar'; FOCALAOT_EXPECT_MULTIPLY_ADD = 'separate' }
    }
    return $legs
}

# Runs one self-executing xunit.v3 test program and returns its counts from the xunit XML report. -Executable runs
# another build of it (default: the build output of $Project); -Launcher is the command line that runs it.
function Invoke-TestProgram {
    param([string] $Project, [string] $Leg, [hashtable] $Environment = @{}, [string] $Executable, [string[]] $Launcher = @(),
        [string[]] $Arguments = @())
    $program = if ($Executable) { $Executable } else { Join-Path $artifacts "bin/$Project/$($Configuration.ToLowerInvariant())/$Project" }
    $report = Join-Path $artifacts "test-results/$Project-$(($Leg -replace '[^A-Za-z0-9]+', '-').Trim('-')).xml"
    New-Item -ItemType Directory -Force -Path (Split-Path $report) | Out-Null
    Write-Host "`n=== $Project :: $Leg" -ForegroundColor Cyan
    $saved = @{}
    foreach ($name in $Environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $Environment[$name])
    }
    try {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $command = @($Launcher) + $program
        & $command[0] @($command | Select-Object -Skip 1) @Arguments -noColor -noLogo -xml $report |
            Where-Object { $_ -match '\[FAIL\]|Exception|Total:' } |
            ForEach-Object { Write-Host $_ }
        $exitCode = $LASTEXITCODE
        Write-Host ("    ({0:N0} s, exit code {1})" -f $watch.Elapsed.TotalSeconds, $exitCode)
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
    if (-not (Test-Path $report)) { return New-Counts -Failed 1 }
    $results = [xml](Get-Content $report -Raw)
    Write-TestFailures $results
    $totals = New-Counts
    foreach ($assembly in $results.assemblies.assembly) {
        $totals.Passed += [int]$assembly.passed
        $totals.Failed += [int]$assembly.failed + [int]$assembly.errors
        $totals.Skipped += [int]$assembly.skipped
    }
    if ($exitCode -ne 0 -and $totals.Failed -eq 0) { $totals.Failed = 1 }
    return $totals
}

# Each failed test's exception, message and stack trace from its xUnit report (the console lines keep only the
# [FAIL] line, an unhandled exception's and the totals).
function Write-TestFailures([xml] $Results) {
    foreach ($test in $Results.SelectNodes('//test[@result="Fail"]')) {
        Write-Host "    failed: $($test.name)" -ForegroundColor Red
        $failure = $test.SelectSingleNode('failure')
        if ($null -eq $failure) { continue }
        $text = "$($failure.GetAttribute('exception-type')): $(Get-InnerText $failure 'message')`n$(Get-InnerText $failure 'stack-trace')"
        foreach ($line in $text -split "`n") {
            if ($line.Trim()) { Write-Host "      $($line.Trim())" }
        }
    }
}

function Get-InnerText([Xml.XmlNode] $Node, [string] $Child) {
    $found = $Node.SelectSingleNode($Child)
    if ($null -eq $found) { return '' }
    return $found.InnerText
}

function New-Counts([int] $Passed = 0, [int] $Failed = 0, [int] $Skipped = 0) {
    return [pscustomobject]@{ Passed = $Passed; Failed = $Failed; Skipped = $Skipped }
}

# Runs CTest in one native build folder; counts come from its JUnit report.
function Invoke-CTest([string] $Rid) {
    $folder = Join-Path $artifacts "native-build/cmake-$Rid"
    Write-Host "`n=== C tests :: $Rid" -ForegroundColor Cyan
    if (-not (Test-Path $folder)) {
        Write-Warning "no $Rid build (its cross toolchain is missing): its C tests are skipped"
        return New-Counts -Skipped 1
    }
    $report = Join-Path $artifacts "test-results/ctest-$Rid.xml"
    & ctest --test-dir $folder --output-on-failure --output-junit $report | Out-Host
    $exitCode = $LASTEXITCODE
    if (-not (Test-Path $report)) { return New-Counts -Failed 1 }
    $suite = ([xml](Get-Content $report -Raw)).testsuite
    $counts = New-Counts -Passed ([int]$suite.tests - [int]$suite.failures - [int]$suite.skipped - [int]$suite.disabled) `
        -Failed ([int]$suite.failures) -Skipped ([int]$suite.skipped + [int]$suite.disabled)
    if ($exitCode -ne 0 -and $counts.Failed -eq 0) { $counts.Failed = 1 }
    return $counts
}

# pytest of one folder with Debian's python3 (numpy, torch, torchvision from apt); counts from its JUnit report.
function Invoke-Pytest([string] $Folder, [string] $Name) {
    Write-Host "`n=== $Name :: pytest (/usr/bin/python3)" -ForegroundColor Cyan
    $report = Join-Path $artifacts "test-results/$($Name.ToLowerInvariant() -replace '[^a-z0-9]+', '-').xml"
    & /usr/bin/python3 -m pytest (Join-Path $root $Folder) -q -p no:cacheprovider "--junitxml=$report" | Out-Host
    $exitCode = $LASTEXITCODE
    if (-not (Test-Path $report)) { return New-Counts -Failed 1 }
    $suite = ([xml](Get-Content $report -Raw)).testsuites.testsuite
    $counts = New-Counts -Passed ([int]$suite.tests - [int]$suite.failures - [int]$suite.errors - [int]$suite.skipped) `
        -Failed ([int]$suite.failures + [int]$suite.errors) -Skipped ([int]$suite.skipped)
    if ($exitCode -ne 0 -and $counts.Failed -eq 0) { $counts.Failed = 1 }
    return $counts
}

function Invoke-PythonTests { return Invoke-Pytest 'interop/python/tests' 'Python' }

# The numpy-free smoke run with whatever python3 is first on PATH.
function Invoke-PythonSmoke {
    Write-Host "`n=== Python :: standard library only ($((Get-Command python3).Source))" -ForegroundColor Cyan
    $output = & python3 (Join-Path $root 'interop/python/tests/smoke_stdlib.py')
    $exitCode = $LASTEXITCODE
    $output | ForEach-Object { Write-Host $_ }
    $summary = $output | Select-String -Pattern '^(\d+) passed, (\d+) failed$' | Select-Object -Last 1
    if (-not $summary) { return New-Counts -Failed 1 }
    $counts = New-Counts -Passed ([int]$summary.Matches[0].Groups[1].Value) -Failed ([int]$summary.Matches[0].Groups[2].Value)
    if ($exitCode -ne 0 -and $counts.Failed -eq 0) { $counts.Failed = 1 }
    return $counts
}

# The property suite for linux-arm64 (NEON), run under qemu user-mode emulation from an x64 machine.
function Invoke-Arm64Properties {
    $leg = 'linux-arm64 NEON (qemu)'
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture
    $qemu = Get-Command qemu-aarch64-static -ErrorAction SilentlyContinue
    if ($arch -ne 'X64' -or -not $qemu) {
        $why = if ($arch -ne 'X64') { "this machine is $arch, not x64" } else { 'qemu-aarch64-static not found (bash .ci/run installs it)' }
        Write-Warning "skipping FocalAot.Properties :: ${leg}: $why"
        return New-Counts -Skipped 1
    }
    # A self-contained program (runtime packs from NuGet) in a build folder of its own, apart from the x64 build.
    $staging = Join-Path $artifacts 'properties-linux-arm64'
    Write-Host "`n=== FocalAot.Properties :: publish linux-arm64" -ForegroundColor Cyan
    Invoke-Native dotnet @('publish', (Join-Path $root 'properties/FocalAot.Properties/FocalAot.Properties.csproj'), '-c', $Configuration,
        '-r', 'linux-arm64', '--self-contained', '-nologo', '-v', 'quiet', "-p:ArtifactsPath=$staging", '-o', "$staging/publish") | Out-Host
    # Under qemu the arm64 libraries come from Debian's multiarch folders: QEMU_LD_PREFIX must be unset (.NET hangs
    # with it). W^X off: qemu does not see JIT code written through the runtime's second, writable mapping and runs
    # stale translations of it (the program crashes). A hung run is stopped after 30 minutes.
    # The OpenCL tests run on the x64 legs, against PoCL; this leg has no arm64 OpenCL platform to run them on.
    $environment = @{
        FOCALAOT_EXPECT_PATH = 'Vector128'; FOCALAOT_EXPECT_MULTIPLY_ADD = 'fused'; DOTNET_EnableWriteXorExecute = '0'; QEMU_LD_PREFIX = $null
    }
    return Invoke-TestProgram -Project 'FocalAot.Properties' -Leg $leg -Environment $environment `
        -Executable "$staging/publish/FocalAot.Properties" -Launcher @('timeout', '-k', '30', '1800', $qemu.Source) `
        -Arguments @('-namespace-', 'FocalAot.Properties.OpenCl')
}

function Get-HostRid {
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture
    return "linux-$($arch.ToString().ToLowerInvariant())"
}

# --- The peer benchmark (bench/peers) ------------------------------------------------------------------------------------

$peersBin = Join-Path $artifacts 'bench/peers/bin'

# Builds the peer benchmark where run.py looks for it: the C harness against this machine's libfocalaot and the malloc
# counter (gcc, into artifacts/bench/peers/bin), and the .NET harness (bench/FocalAot.Peers).
function Invoke-PeersBuild {
    Confirm-NativeLibrary (Get-HostRid)
    $native = Get-NativeDirectory (Get-HostRid)
    $source = Join-Path $root 'bench/peers'
    New-Item -ItemType Directory -Force -Path $peersBin | Out-Null
    $warnings = @('-O2', '-std=gnu11', '-Wall', '-Wextra', '-Werror')
    Invoke-Native gcc ($warnings + @('-shared', '-fPIC', '-o', "$peersBin/alloc_count.so", "$source/alloc_count.c"))
    Invoke-Native gcc ($warnings + @('-fopenmp', "-I$root/native/include", '-o', "$peersBin/c_peers", "$source/c_peers.c",
            "-L$native", '-lfocalaot', "-Wl,-rpath,$native", '-lm'))
    Invoke-Build 'bench/FocalAot.Peers'
}

function Test-PeersMachine {
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture
    if ($arch -eq 'X64') { return $true }
    Write-Warning "the peer benchmark needs an x64 machine (TorchSharp's CPU package), not $arch"
    return $false
}

function Invoke-Peers {
    if (-not (Test-PeersMachine)) { throw 'the peers target runs on x64 only' }
    Invoke-PeersBuild
    Invoke-Native /usr/bin/python3 @((Join-Path $root 'bench/peers/run.py'))
    Invoke-Native /usr/bin/python3 @((Join-Path $root 'bench/peers/softmax.py'))
    Invoke-Native /usr/bin/python3 @((Join-Path $root 'bench/peers/options.py'))
}

# The peer benchmark's tests (bench/peers/tests) on a fresh build of it.
function Invoke-PeersTests {
    if (-not (Test-PeersMachine)) { return New-Counts -Skipped 1 }
    Write-Host "`n=== Peer benchmark :: build" -ForegroundColor Cyan
    Invoke-PeersBuild
    return Invoke-Pytest 'bench/peers/tests' 'Peer benchmark'
}

# --- The NuGet package and the apps that consume it ---------------------------------------------------------------------

# The package: the runtime (package id FocalAot, the generator inside) packed into artifacts/packages, with its symbols.
$packageFeed = Join-Path $artifacts 'packages'

function Get-PackArguments {
    return @('pack', (Join-Path $root 'runtime/FocalAot.Runtime.csproj'), '-c', $Configuration, '-nologo', '-v', 'minimal', '-o', $packageFeed)
}

function Clear-PackageFeed {
    New-Item -ItemType Directory -Force -Path $packageFeed | Out-Null
    Get-ChildItem $packageFeed -Filter 'FocalAot.*' | Remove-Item
}

# Runs a program in a folder with its output (stdout and stderr) in a log file: its exit code, its output lines and the
# warnings among them (MSBuild, compiler, NuGet, ILLink and ILC warnings, each once).
function Invoke-Step {
    param([string] $Log, [string] $Folder, [string] $Program, [string[]] $Arguments = @())
    Push-Location $Folder
    try {
        $lines = @(& $Program @Arguments 2>&1 | ForEach-Object { "$_" })
        $exitCode = $LASTEXITCODE
    }
    finally { Pop-Location }
    Set-Content -Path $Log -Value $lines
    $warnings = @($lines | Where-Object { $_ -cmatch '\bwarning( [A-Za-z]+\d+)?\s*:' } | Sort-Object -Unique)
    return [pscustomobject]@{ ExitCode = $exitCode; Lines = $lines; Warnings = $warnings; Log = $Log }
}

# The package consumer test: packs FocalAot, checks the package, then creates apps in a temporary folder that reference
# it the way users do (PackageReference; one by ProjectReference to the runtime and generator projects instead) and
# builds, publishes (NativeAOT, trimmed) and runs them. Each app prints the digest of SigmoidFocalLoss's results with
# γ = 2.5 on fixed inputs; the C# apps also check the kernel the package's generator made for [FocalKernel(2.5)]
# against them, bit for bit. Every build and publish must be free of warnings, and every run must print one digest:
# the same for every app whose multiply-adds are fused, and one other for those without FMA (NativeAOT's default x64
# target, and the JIT app run with DOTNET_EnableAVX2=0).
function Invoke-PackageTests {
    Write-Host "`n=== Packages :: pack, then C# and F# apps that reference FocalAot (JIT, NativeAOT, trimmed)" -ForegroundColor Cyan
    $counts = New-Counts
    $logs = Join-Path $artifacts 'test-results/packages'
    New-Item -ItemType Directory -Force -Path $logs | Out-Null
    Get-ChildItem $logs -Filter '*.log' | Remove-Item
    $rid = Get-HostRid
    $digests = [ordered]@{}

    # One check: passed when $Failure is empty; a failure prints why and where its log is.
    function Register([string] $Name, [string] $Failure, [string] $Detail, [string] $Log) {
        if ($Failure) {
            $counts.Failed++
            Write-Host "    FAILED $Name`: $Failure" -ForegroundColor Red
            if ($Log) { Write-Host "           (log: $Log)" }
        }
        else {
            $counts.Passed++
            Write-Host "    passed $Name`: $Detail"
        }
    }

    # Why a step failed (non-zero exit code, or warnings where none may be), or nothing.
    function Get-StepFailure($Step) {
        if ($Step.ExitCode -ne 0) {
            $Step.Lines | Select-Object -Last 25 | ForEach-Object { Write-Host "           $_" }
            return "exit code $($Step.ExitCode)"
        }
        if ($Step.Warnings.Count -gt 0) {
            $Step.Warnings | Select-Object -First 20 | ForEach-Object { Write-Host "           $_" }
            return "$($Step.Warnings.Count) warnings"
        }
        return ''
    }

    # Runs a built app (with $Environment set); a failure, or '' with the digest recorded under $Name and compared with
    # the first one of the same multiply-add kind (fused with FMA, separate without: a NativeAOT app's default target).
    function Test-Run([string] $Name, [string] $Folder, [string] $Executable, [ref] $Detail, [hashtable] $Environment = @{}) {
        $log = Join-Path $logs "$($Name -replace '[^A-Za-z0-9]+', '-').run.log"
        foreach ($key in $Environment.Keys) { Set-Item "env:$key" $Environment[$key] }
        try { $run = Invoke-Step -Log $log -Folder $Folder -Program $Executable }
        finally { foreach ($key in $Environment.Keys) { Remove-Item "env:$key" -ErrorAction SilentlyContinue } }
        $digest = $run.Lines | Select-String -Pattern '^digest: ([0-9a-f]{16})$' | Select-Object -First 1
        $path = $run.Lines | Select-String -Pattern '^path: (\w+)$' | Select-Object -First 1
        $kind = $run.Lines | Select-String -Pattern '^multiply-add: (fused|separate)$' | Select-Object -First 1
        if ($run.ExitCode -ne 0 -or -not $digest -or -not $kind) {
            $run.Lines | ForEach-Object { Write-Host "           $_" }
            return "the app exited with code $($run.ExitCode)$(if (-not $digest) { ', no digest' })$(if (-not $kind) { ', no multiply-add kind' })"
        }
        $value = $digest.Matches[0].Groups[1].Value
        $kind = $kind.Matches[0].Groups[1].Value
        if (-not $digests.Contains($kind)) { $digests[$kind] = [ordered]@{} }
        $same = $digests[$kind]
        $first = @($same.Values) | Select-Object -First 1
        $firstName = @($same.Keys) | Select-Object -First 1
        $same[$Name] = $value
        if ($first -and $value -ne $first) { return "digest $value, not the $first of $firstName" }
        $device = $run.Lines | Select-String -Pattern '^OpenCL: (.+)$' | Select-Object -First 1
        $Detail.Value = "digest $value on the $(if ($path) { $path.Matches[0].Groups[1].Value } else { '?' }) path, $kind multiply-add" +
            $(if ($first) { " (as $firstName)" } else { '' }) + $(if ($device) { "; OpenCL: $($device.Matches[0].Groups[1].Value)" } else { '' })
        return ''
    }

    # 1. The package: its files and metadata, and the symbols package.
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $packLog = Join-Path $logs 'pack.log'
    Clear-PackageFeed
    $pack = Invoke-Step -Log $packLog -Folder $root -Program dotnet -Arguments (Get-PackArguments)
    $failure = Get-StepFailure $pack
    $package = Get-ChildItem $packageFeed -Filter 'FocalAot.*.nupkg' -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $failure -and -not $package) { $failure = "no FocalAot package in $packageFeed" }
    if ($failure) {
        Register 'pack' $failure '' $packLog
        return $counts
    }
    $version = $package.Name -replace '^FocalAot\.(.+)\.nupkg$', '$1'
    $failure = Test-PackageContents $package.FullName ([IO.Path]::ChangeExtension($package.FullName, '.snupkg'))
    $detail = 'lib, XML docs, the generator in analyzers/dotnet/cs, README, license, repository, dependencies; symbols with Source Link'
    Register "pack ($($package.Name))" $failure ("{0} ({1:N0} s)" -f $detail, $watch.Elapsed.TotalSeconds) $packLog
    if ($failure) { return $counts }

    # The apps' folder: its own NuGet.config (the local feed, a fresh package folder so that FocalAot is always the package
    # just made, and the machine's package folder as a fallback so that everything else restores as usual) and empty
    # Directory.Build/Packages files, so that nothing of a parent folder's build applies.
    $work = Join-Path ([IO.Path]::GetTempPath()) "focalaot-packages-$([Guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory -Force -Path $work | Out-Null
    $machinePackages = $env:NUGET_PACKAGES
    if (-not $machinePackages) {
        $machinePackages = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    }
    $freshPackages = Join-Path $work 'packages'
    $config = @"
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config>
    <add key="globalPackagesFolder" value="$freshPackages" />
  </config>
  <packageSources>
    <add key="FocalAot local feed" value="$packageFeed" />
  </packageSources>
  <fallbackPackageFolders>
    <add key="machine packages" value="$machinePackages" />
  </fallbackPackageFolders>
</configuration>
"@
    Set-Content -Path (Join-Path $work 'NuGet.config') -Value $config
    foreach ($file in 'Directory.Build.props', 'Directory.Build.targets', 'Directory.Packages.props') {
        Set-Content -Path (Join-Path $work $file) -Value '<Project />'
    }

    # Creates a console app (dotnet new) that references the package, with $Source as its program; returns its folder.
    function New-App([string] $Name, [string] $Language, [string] $Source, [string] $ProgramFile) {
        $folder = Join-Path $work $Name
        $log = Join-Path $logs "$Name.new.log"
        $new = Invoke-Step -Log $log -Folder $work -Program dotnet -Arguments @('new', 'console', '-lang', $Language, '-o', $folder, '-n', $Name,
            '--no-restore')
        if ($new.ExitCode -ne 0) { throw "dotnet new console ($Language) failed: see $log" }
        $log = Join-Path $logs "$Name.add-package.log"
        $add = Invoke-Step -Log $log -Folder $folder -Program dotnet -Arguments @('add', 'package', 'FocalAot', '--version', $version, '--no-restore')
        if ($add.ExitCode -ne 0) { throw "dotnet add package FocalAot failed: see $log" }
        Set-Content -Path (Join-Path $folder $ProgramFile) -Value $Source
        return $folder
    }

    # Builds (JIT) an app, checks the build and runs it.
    function Test-Build([string] $Name, [string] $Folder, [string] $Program) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $log = Join-Path $logs "$($Name -replace '[^A-Za-z0-9]+', '-').build.log"
        $build = Invoke-Step -Log $log -Folder $Folder -Program dotnet -Arguments @('build', '-c', 'Release', '-nologo', '-o', 'out')
        $failure = Get-StepFailure $build
        $detail = ''
        if (-not $failure) { $failure = Test-Run $Name $Folder (Join-Path $Folder "out/$Program") ([ref]$detail) }
        Register $Name $failure ("0 warnings, {0} ({1:N0} s)" -f $detail, $watch.Elapsed.TotalSeconds) $log
        return -not $failure
    }

    # Publishes an app (NativeAOT or trimmed, self-contained for this machine's rid), checks the publish and runs it.
    function Test-Publish([string] $Name, [string] $Folder, [string] $Program, [string] $Kind) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $log = Join-Path $logs "$($Name -replace '[^A-Za-z0-9]+', '-').publish.log"
        $output = Join-Path $Folder $Kind
        $arguments = @('publish', '-c', 'Release', '-r', $rid, '-nologo', '-o', $output)
        if ($Kind -eq 'aot') { $arguments += '-p:PublishAot=true' } else { $arguments += @('--self-contained', '-p:PublishTrimmed=true') }
        $publish = Invoke-Step -Log $log -Folder $Folder -Program dotnet -Arguments $arguments
        $failure = Get-StepFailure $publish
        $assembly = Test-Path (Join-Path $output "$Program.dll")
        if (-not $failure -and $Kind -eq 'aot' -and $assembly) { $failure = "$Program.dll beside the executable: not a native build" }
        $detail = ''
        if (-not $failure) { $failure = Test-Run $Name $Folder (Join-Path $output $Program) ([ref]$detail) }
        Register $Name $failure ("0 warnings, {0} ({1:N0} s)" -f $detail, $watch.Elapsed.TotalSeconds) $log
    }

    $passedBefore = $counts.Passed
    try {
        # 2. C#: the generated kernel against the runtime API, built (JIT), then published with NativeAOT and trimmed.
        $csharp = New-App 'Consumer' 'C#' (Get-Content -Raw (Join-Path $root 'interop/packages/Consumer.cs')) 'Program.cs'
        $built = Test-Build "C# app (PackageReference), JIT" $csharp 'Consumer'
        # FocalAot must come from the package just made, never from a package folder's older copy of the same version.
        $restored = Join-Path $freshPackages "focalaot/$version/focalaot.$version.nupkg"
        if ($built) {
            $fresh = (Test-Path $restored) -and (Get-FileHash $restored).Hash -eq (Get-FileHash $package.FullName).Hash
            $why = "FocalAot $version was not restored from artifacts/packages (is it in $machinePackages/focalaot? remove it)"
            Register 'FocalAot restored from the package just made' $(if ($fresh) { '' } else { $why }) $restored ''
        }
        if ($built -and $rid -eq 'linux-x64') {
            # The reference for NativeAOT's default x86-64-v2 target: the JIT app without FMA.
            $name = 'C# app (PackageReference), JIT with DOTNET_EnableAVX2=0'
            $detail = ''
            $failure = Test-Run $name $csharp (Join-Path $csharp 'out/Consumer') ([ref]$detail) @{ DOTNET_EnableAVX2 = '0' }
            Register $name $failure $detail ''
        }
        Test-Publish "C# app (PackageReference), NativeAOT $rid" $csharp 'Consumer' 'aot'
        Test-Publish "C# app (PackageReference), trimmed $rid" $csharp 'Consumer' 'trimmed'

        # 3. The package's analyzer: a γ it refuses is a build error (FOCAL001).
        $source = "using FocalAot;`n`nSystem.Console.WriteLine();`n`n[FocalKernel(-1.0, Precision.Single)]`n" +
            "internal static partial class RefusedKernels;`n"
        $refused = New-App 'Refused' 'C#' $source 'Program.cs'
        $log = Join-Path $logs 'analyzer.build.log'
        $build = Invoke-Step -Log $log -Folder $refused -Program dotnet -Arguments @('build', '-c', 'Release', '-nologo')
        $reported = @($build.Lines | Where-Object { $_ -match 'error FOCAL001' }).Count -gt 0
        Register 'the analyzer in the package reports FOCAL001' $(if ($build.ExitCode -ne 0 -and $reported) { '' } else {
                "expected a failed build with error FOCAL001 (exit code $($build.ExitCode))" }) '[FocalKernel(-1.0)] is a build error' $log

        # 4. C# by ProjectReference to the runtime and generator projects (the README's other way), published with NativeAOT.
        $projects = Join-Path $work 'ProjectConsumer'
        New-Item -ItemType Directory -Force -Path $projects | Out-Null
        Set-Content -Path (Join-Path $projects 'ProjectConsumer.csproj') -Value @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$root/runtime/FocalAot.Runtime.csproj" />
    <ProjectReference Include="$root/generator/FocalAot.Generator.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
  </ItemGroup>
</Project>
"@
        Copy-Item (Join-Path $root 'interop/packages/Consumer.cs') (Join-Path $projects 'Program.cs')
        Test-Publish "C# app (ProjectReference), NativeAOT $rid" $projects 'ProjectConsumer' 'aot'

        # 5. F#: the runtime API (F# has no source generators), built, trimmed and with NativeAOT.
        $fsharp = New-App 'FSharpConsumer' 'F#' (Get-Content -Raw (Join-Path $root 'interop/packages/Consumer.fs')) 'Program.fs'
        if (Test-Build "F# app (PackageReference), JIT" $fsharp 'FSharpConsumer') {
            Test-Publish "F# app (PackageReference), trimmed $rid" $fsharp 'FSharpConsumer' 'trimmed'
            Test-Publish "F# app (PackageReference), NativeAOT $rid" $fsharp 'FSharpConsumer' 'aot'
        }
    }
    catch {
        Register 'package consumers' $_.Exception.Message '' ''
    }
    if ($counts.Failed -eq 0) { Remove-Item -Recurse -Force $work }
    else { Write-Host "    The apps are kept in $work; the logs are in $logs." }
    return $counts
}

# Why a package is incomplete, or nothing: the files a user needs and the metadata nuget.org shows, and the symbols.
function Test-PackageContents([string] $Package, [string] $Symbols) {
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $missing = @()
    $zip = [IO.Compression.ZipFile]::OpenRead($Package)
    try {
        $entries = @($zip.Entries | ForEach-Object FullName)
        foreach ($file in 'lib/net10.0/FocalAot.dll', 'lib/net10.0/FocalAot.xml', 'analyzers/dotnet/cs/FocalAot.Generator.dll', 'README.md') {
            if ($entries -notcontains $file) { $missing += $file }
        }
        $reader = [IO.StreamReader]::new(($zip.Entries | Where-Object FullName -eq 'FocalAot.nuspec').Open())
        try { $metadata = ([xml]$reader.ReadToEnd()).package.metadata } finally { $reader.Dispose() }
    }
    finally { $zip.Dispose() }
    if ($metadata.license.InnerText -ne 'MIT' -or $metadata.license.type -ne 'expression') { $missing += 'license expression MIT' }
    if ($metadata.readme -ne 'README.md') { $missing += 'readme' }
    if (-not $metadata.tags) { $missing += 'tags' }
    if ($metadata.repository.url -ne 'https://github.com/focalaot/focalaot' -or -not $metadata.repository.commit) {
        $missing += 'repository url and commit'
    }
    $dependencies = @($metadata.dependencies.group.dependency | ForEach-Object id)
    foreach ($id in 'Silk.NET.OpenCL', 'Microsoft.Extensions.DependencyModel') {
        if ($dependencies -notcontains $id) { $missing += "dependency $id" }
    }
    if ($dependencies -match 'Generator|SourceLink') { $missing += "no build-time dependency (found $($dependencies -join ', '))" }
    if (-not (Test-Path $Symbols)) { $missing += 'symbols package' }
    else {
        $zip = [IO.Compression.ZipFile]::OpenRead($Symbols)
        try {
            $pdb = $zip.Entries | Where-Object FullName -eq 'lib/net10.0/FocalAot.pdb'
            if (-not $pdb) { $missing += 'lib/net10.0/FocalAot.pdb in the symbols package' }
            else {
                $stream = [IO.MemoryStream]::new()
                $entry = $pdb.Open()
                try { $entry.CopyTo($stream) } finally { $entry.Dispose() }
                $text = [Text.Encoding]::UTF8.GetString($stream.ToArray())
                if ($text -notmatch 'https://raw\.githubusercontent\.com/focalaot/focalaot/[0-9a-f]{40}/\*') { $missing += 'Source Link in the PDB' }
            }
        }
        finally { $zip.Dispose() }
    }
    if ($missing) { return "missing: $($missing -join '; ')" }
    return ''
}

# --- The Python wheel -------------------------------------------------------------------------------------------------

# One platform wheel per rid into artifacts/wheels: the package of interop/python with that rid's dispatcher and variants
# in focalaot/lib/<rid>/, built by setuptools (pyproject.toml, setup.py) with Debian's python3, pip and wheel.
$wheelFolder = Join-Path $artifacts 'wheels'
$wheelMachines = [ordered]@{ 'linux-x64' = 'x86_64'; 'linux-arm64' = 'aarch64' }
# The ELF e_machine of each rid's libraries: readelf's name and the number in the header.
$elfMachines = @{ 'linux-x64' = @{ Name = 'Advanced Micro Devices X86-64'; Number = 62 }; 'linux-arm64' = @{ Name = 'AArch64'; Number = 183 } }
# What the libraries of a manylinux wheel may need from the system: the manylinux policies' libraries that libfocalaot
# could use, and the dynamic loader. Symbol versions: GLIBC_2.x only, whose highest gives the tag's glibc.
$manylinuxLibraries = @('libc.so.6', 'libm.so.6', 'libdl.so.2', 'libpthread.so.0', 'librt.so.1', 'libgcc_s.so.1', 'ld-linux-x86-64.so.2',
    'ld-linux-aarch64.so.1')

# The package version: Directory.Build.props' <Version>, which the Python package must state too (FOCAL_VERSION_STRING).
function Get-PackageVersion {
    $version = @(([xml](Get-Content -Raw (Join-Path $root 'Directory.Build.props'))).Project.PropertyGroup.Version | Where-Object { $_ })[0]
    $capi = Join-Path $root 'interop/python/focalaot/_capi.py'
    $line = Select-String -Path $capi -Pattern '^FOCAL_VERSION_STRING = "([^"]*)"$' | Select-Object -First 1
    $python = if ($line) { $line.Matches[0].Groups[1].Value } else { '(no FOCAL_VERSION_STRING line)' }
    if ($python -ne $version) {
        throw "interop/python/focalaot/_capi.py: FOCAL_VERSION_STRING is '$python' but Directory.Build.props has <Version> '$version'; " +
            'they must be the same (the wheel takes its version from _capi.py)'
    }
    return $version
}

# The files a wheel bundles for a rid, published by the native target: the dispatcher and every variant.
function Get-WheelLibraries([string] $Rid) {
    $folder = Get-NativeDirectory $Rid
    $missing = @(Get-MissingNativeLibraries $Rid)
    if ($missing) { throw "no $($missing -join ', ') in ${folder}: publish libfocalaot for $Rid first (dotnet pwsh build.ps1 native)" }
    return @(Get-NativeLibraryNames $Rid | ForEach-Object { Join-Path $folder $_ })
}

# The platform tag of a wheel of these libraries, manylinux_2_<minor>_<machine>, from their ELF headers: each must be
# built for the rid's machine, need only $manylinuxLibraries and only GLIBC_2.x symbol versions (the highest gives
# the minor). Throws, naming the library and the rule, where one breaks a rule.
function Get-WheelPlatform([string] $Rid, [string[]] $Libraries) {
    $glibc = [version]'2.17' # the oldest glibc of the manylinux tags
    foreach ($library in $Libraries) {
        $name = Split-Path -Leaf $library
        $machine = (& readelf -h -W $library | Select-String '^\s*Machine:\s*(.+?)\s*$' | Select-Object -First 1).Matches[0].Groups[1].Value
        if ($machine -ne $elfMachines[$Rid].Name) { throw "$library is built for $machine, not for $Rid ($($elfMachines[$Rid].Name))" }
        $needed = @(& readelf -d -W $library | Select-String '\(NEEDED\)\s+Shared library: \[(.+)\]' |
            ForEach-Object { $_.Matches[0].Groups[1].Value })
        $foreign = @($needed | Where-Object { $manylinuxLibraries -notcontains $_ })
        if ($foreign) {
            throw "$library needs $($foreign -join ', '): the libraries of a manylinux wheel may need only $($manylinuxLibraries -join ', ')"
        }
        $inNeeds = $false
        foreach ($line in (& readelf -V -W $library)) {
            if ($line -match '^Version (\w+) section') { $inNeeds = $Matches[1] -eq 'needs'; continue }
            if (-not $inNeeds -or $line -notmatch 'Name: (\S+)') { continue }
            $symbolVersion = $Matches[1]
            if ($symbolVersion -notmatch '^GLIBC_(\d+\.\d+)(\.\d+)?$') {
                throw "$library needs symbol version ${symbolVersion}: the manylinux tag is computed from GLIBC_2.x versions only"
            }
            if ([version]$Matches[1] -gt $glibc) { $glibc = [version]$Matches[1] }
        }
    }
    return "manylinux_$($glibc.Major)_$($glibc.Minor)_$($wheelMachines[$Rid])"
}

# Builds the wheel of a rid into artifacts/wheels (replacing older wheels of its machine) from a staging folder,
# artifacts/wheel-build/<rid>: interop/python's pyproject.toml, setup.py, README.md and package, the root's LICENSE, the
# libraries in focalaot/lib/<rid>/ and a setup.cfg with the platform tag. Returns the wheel's path.
function New-Wheel([string] $Rid) {
    $version = Get-PackageVersion
    $libraries = Get-WheelLibraries $Rid
    $platform = Get-WheelPlatform $Rid $libraries
    $staging = Join-Path $artifacts "wheel-build/$Rid"
    if (Test-Path $staging) { Remove-Item -Recurse -Force $staging }
    New-Item -ItemType Directory -Force -Path (Join-Path $staging "focalaot/lib/$Rid") | Out-Null
    $source = Join-Path $root 'interop/python'
    foreach ($file in 'pyproject.toml', 'setup.py', 'README.md') { Copy-Item (Join-Path $source $file) $staging }
    Copy-Item (Join-Path $root 'LICENSE') $staging
    Get-ChildItem (Join-Path $source 'focalaot') -File | Where-Object { $_.Name -like '*.py' -or $_.Name -eq 'py.typed' } |
        Copy-Item -Destination (Join-Path $staging 'focalaot')
    Copy-Item $libraries (Join-Path $staging "focalaot/lib/$Rid")
    Set-Content -Path (Join-Path $staging 'setup.cfg') -Value "[bdist_wheel]`nplat_name = $platform"
    New-Item -ItemType Directory -Force -Path $wheelFolder | Out-Null
    Get-ChildItem $wheelFolder -Filter "focalaot-*_$($wheelMachines[$Rid]).whl" | Remove-Item
    Write-Host "`n=== wheel $Rid ($platform)" -ForegroundColor Cyan
    Invoke-Native /usr/bin/python3 @('-m', 'pip', 'wheel', '--no-build-isolation', '--no-deps', '--no-index', '--no-cache-dir', '-q',
        '--disable-pip-version-check', '-w', $wheelFolder, $staging) | Out-Host
    $wheel = Join-Path $wheelFolder "focalaot-$version-py3-none-$platform.whl"
    if (-not (Test-Path $wheel)) { throw "pip wheel made no $(Split-Path -Leaf $wheel) in $wheelFolder" }
    return $wheel
}

# Builds the wheel of each rid whose libraries exist or can be published here (the native target for a rid without them).
# Returns the wheels' paths by rid; a rid that cannot be built here is left out with a warning.
function Invoke-WheelBuild([string[]] $Rids = @($wheelMachines.Keys)) {
    $wheels = [ordered]@{}
    foreach ($rid in $Rids) {
        if ($rid -eq 'linux-arm64' -and @(Get-MissingNativeLibraries $rid).Count -gt 0 -and -not (Test-Arm64Toolchain)) {
            Write-Warning "no libfocalaot for $rid and no aarch64-linux-gnu-gcc to publish it: its wheel is not built (bash .ci/run installs it)."
            continue
        }
        Confirm-NativeLibrary $rid
        $wheels[$rid] = New-Wheel $rid
    }
    return $wheels
}

# Why a wheel's contents are wrong ('' when right): its files (the package's modules and py.typed, the rid's libraries,
# nothing else), WHEEL (a platform wheel, the tag of its name), METADATA, RECORD (every file's sha256 and size), each
# library byte for byte the published one and an ELF file for the rid's machine.
function Test-WheelContents([string] $Wheel, [string] $Rid) {
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $problems = @()
    $version = Get-PackageVersion
    $tag = [IO.Path]::GetFileNameWithoutExtension($Wheel) -replace "^focalaot-$([regex]::Escape($version))-", ''
    $libraries = @{}
    foreach ($library in Get-WheelLibraries $Rid) { $libraries["focalaot/lib/$Rid/$(Split-Path -Leaf $library)"] = $library }
    $modules = @(Get-ChildItem (Join-Path $root 'interop/python/focalaot') -File | Where-Object { $_.Name -like '*.py' -or $_.Name -eq 'py.typed' } |
        ForEach-Object { "focalaot/$($_.Name)" })
    $distInfo = "focalaot-$version.dist-info"
    $expected = @($modules) + @($libraries.Keys) + @('METADATA', 'WHEEL', 'RECORD', 'LICENSE', 'top_level.txt' | ForEach-Object { "$distInfo/$_" })
    $zip = [IO.Compression.ZipFile]::OpenRead($Wheel)
    try {
        $entries = @{}
        foreach ($entry in $zip.Entries) {
            $stream = [IO.MemoryStream]::new()
            $reader = $entry.Open()
            try { $reader.CopyTo($stream) } finally { $reader.Dispose() }
            $entries[$entry.FullName] = $stream.ToArray()
        }
    }
    finally { $zip.Dispose() }
    $missing = @($expected | Where-Object { -not $entries.ContainsKey($_) })
    $extra = @($entries.Keys | Where-Object { $expected -notcontains $_ } | Sort-Object)
    if ($missing) { $problems += "missing $($missing -join ', ')" }
    if ($extra) { $problems += "unexpected $($extra -join ', ')" }
    $text = { param($name) if ($entries.ContainsKey($name)) { [Text.Encoding]::UTF8.GetString($entries[$name]) -split "`r?`n" } else { @() } }
    $wheelLines = & $text "$distInfo/WHEEL"
    if ($wheelLines -notcontains 'Root-Is-Purelib: false') { $problems += 'WHEEL: not Root-Is-Purelib: false' }
    $tags = @($wheelLines | Where-Object { $_ -like 'Tag: *' })
    if ($tags.Count -ne 1 -or $tags[0] -ne "Tag: $tag" -or $tag -notmatch "^py3-none-manylinux_2_\d+_$($wheelMachines[$Rid])$") {
        $problems += "WHEEL: tags $($tags -join ', '), expected one, py3-none-manylinux_2_<minor>_$($wheelMachines[$Rid]), as in the name ($tag)"
    }
    $metadata = & $text "$distInfo/METADATA"
    foreach ($line in 'Name: focalaot', "Version: $version", 'License: MIT', 'Requires-Python: >=3.11', 'Provides-Extra: torch',
        'Project-URL: Repository, https://github.com/focalaot/focalaot', 'Description-Content-Type: text/markdown') {
        if ($metadata -notcontains $line) { $problems += "METADATA: no '$line'" }
    }
    if (-not ($metadata -match '^Requires-Dist: numpy')) { $problems += 'METADATA: numpy is not a requirement' }
    if (-not ($metadata -match "^Requires-Dist: torch .*extra == 'torch'")) { $problems += 'METADATA: torch is not the torch extra' }
    $sha256 = [Security.Cryptography.SHA256]::Create()
    $hash = { param($bytes) 'sha256=' + ([Convert]::ToBase64String($sha256.ComputeHash($bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_')) }
    $recorded = @{}
    foreach ($line in (& $text "$distInfo/RECORD" | Where-Object { $_ })) {
        $fields = $line -split ','
        $recorded[$fields[0]] = $fields
    }
    foreach ($name in $entries.Keys) {
        if ($name -eq "$distInfo/RECORD") { continue }
        $fields = $recorded[$name]
        if (-not $fields -or $fields[1] -ne (& $hash $entries[$name]) -or [long]$fields[2] -ne $entries[$name].Length) {
            $problems += "RECORD: $name has no entry or another hash or size"
        }
    }
    foreach ($name in $libraries.Keys) {
        if (-not $entries.ContainsKey($name)) { continue }
        $bytes = $entries[$name]
        # \x7F E L F, ELFCLASS64, then e_machine at offset 18 (little-endian on both machines)
        $elf = $bytes.Length -gt 20 -and $bytes[0] -eq 0x7F -and $bytes[1] -eq 0x45 -and $bytes[2] -eq 0x4C -and $bytes[3] -eq 0x46 -and
            $bytes[4] -eq 2
        $machine = if ($elf) { [BitConverter]::ToUInt16($bytes, 18) } else { -1 }
        if ($machine -ne $elfMachines[$Rid].Number) { $problems += "$name is not a 64-bit ELF file for $Rid (e_machine $machine)" }
        if ((& $hash $bytes) -ne (& $hash ([IO.File]::ReadAllBytes($libraries[$name])))) { $problems += "$name is not $($libraries[$name])" }
    }
    if ($problems) { return $problems -join '; ' }
    return ''
}

# A typed consumer of the installed package, and one with two type errors, for mypy --strict: the package's inline type
# hints reach a consumer only through py.typed.
$typedConsumer = @'
import array

import focalaot

inputs = array.array("f", [0.5, -2.0, 3.0])
targets = array.array("f", [1.0, 0.0, 1.0])
mean: float = focalaot.sigmoid_focal_loss(inputs, targets, alpha=[0.25, 0.5, 0.75], reduction="mean")
loss, grad = focalaot.sigmoid_focal_loss_forward_backward(inputs, targets, gamma=1.5, reduction="sum")
upstream = focalaot.sigmoid_focal_loss_backward(inputs, targets, grad_output=grad, dtype="float32", device="cpu")
names: list[str] = [device.name for device in focalaot.devices()]
text: str = focalaot.version() + focalaot.unavailable_reason()
isa: int = focalaot.get_isa()
focalaot.set_num_threads(1)
'@
$typeErrors = @'
import focalaot

count: int = focalaot.version()
focalaot.sigmoid_focal_loss([0.5], [1.0], reduction="average")
'@

# The wheel suite: builds the wheels (x86_64, and aarch64 where its libraries exist or can be published), checks their
# contents, installs the x86_64 one (this machine's) with pip into a fresh venv of Debian's python3 (with its numpy,
# pytest and torch), checks that the venv's python imports the installed package and its bundled library, checks the
# type hints with mypy, and runs a copy of the Python tests outside the checkout with the venv's python.
function Invoke-WheelTests {
    Write-Host "`n=== Wheel :: build, check, pip install into a fresh venv, the Python tests on the installed package" -ForegroundColor Cyan
    $counts = New-Counts
    function Register([string] $Name, [string] $Failure, [string] $Detail) {
        if ($Failure) {
            $counts.Failed++
            Write-Host "    FAILED $Name`: $Failure" -ForegroundColor Red
        }
        else {
            $counts.Passed++
            Write-Host "    passed $Name`: $Detail"
        }
    }
    $hostRid = Get-HostRid
    $wheels = [ordered]@{}
    foreach ($rid in $wheelMachines.Keys) {
        try {
            $built = Invoke-WheelBuild -Rids @($rid)
            if ($built.Count -eq 0) {
                $counts.Skipped++
                continue
            }
            $wheels[$rid] = $built[$rid]
            Register "$rid wheel" (Test-WheelContents $wheels[$rid] $rid) ("$(Split-Path -Leaf $wheels[$rid]): the package, py.typed, " +
                "$(@(Get-WheelLibraries $rid).Count) libraries (ELF $($wheelMachines[$rid]), as published), WHEEL, METADATA, RECORD")
        }
        catch { Register "$rid wheel" "$_" '' }
    }
    if (-not $wheels.Contains($hostRid)) {
        Register 'pip install' "no wheel for this machine ($hostRid) to install" ''
        return $counts
    }

    $work = Join-Path ([IO.Path]::GetTempPath()) "focalaot-wheel-$([Guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory -Force -Path $work | Out-Null
    $logs = Join-Path $artifacts 'test-results/wheel'
    New-Item -ItemType Directory -Force -Path $logs | Out-Null
    $venv = Join-Path $work 'venv'
    $python = Join-Path $venv 'bin/python'
    $savedLibrary = $env:FOCALAOT_LIBRARY
    $env:FOCALAOT_LIBRARY = $null # the installed package must load its own library
    $failedBefore = $counts.Failed
    try {
        $log = Join-Path $logs 'install.log'
        $install = Invoke-Step -Log $log -Folder $work -Program /usr/bin/python3 -Arguments @('-m', 'venv', '--system-site-packages', $venv)
        if ($install.ExitCode -eq 0) {
            # As README installs it: with the torch extra, which Debian's torch (seen through --system-site-packages) must satisfy.
            & /usr/bin/python3 -c 'import torch' 2>$null
            $requirement = if ($LASTEXITCODE -eq 0) { "$($wheels[$hostRid])[torch]" } else { $wheels[$hostRid] }
            $install = Invoke-Step -Log $log -Folder $work -Program $python -Arguments @('-m', 'pip', 'install', '--no-index', '--no-cache-dir',
                '--disable-pip-version-check', $requirement)
        }
        $failure = if ($install.ExitCode -eq 0) { '' } else {
            "exit code $($install.ExitCode) (log: $log): $($install.Lines | Select-Object -Last 5)"
        }
        Register 'pip install' $failure "$(Split-Path -Leaf $requirement) into a fresh venv (--system-site-packages) of /usr/bin/python3"
        if ($failure) { return $counts }

        # Imported from the venv, the library from the package's lib/<rid>/, the version the wheel's.
        $probe = 'import json, focalaot, focalaot._capi as c; print(json.dumps({"file": focalaot.__file__, "library": c.lib._name, ' +
            '"version": focalaot.__version__, "isa": focalaot.get_isa()}))'
        $run = Invoke-Step -Log (Join-Path $logs 'import.log') -Folder $work -Program $python -Arguments @('-c', $probe)
        $site = ''
        $detail = ''
        $failure = "exit code $($run.ExitCode): $($run.Lines | Select-Object -Last 3)"
        if ($run.ExitCode -eq 0) {
            $found = $run.Lines | Where-Object { $_ -like '{*' } | Select-Object -Last 1 | ConvertFrom-Json
            $package = Split-Path -Parent $found.file
            $site = Split-Path -Parent $package
            $version = Get-PackageVersion
            $failure = if (-not $package.StartsWith("$venv/lib/") -or (Split-Path -Leaf $package) -ne 'focalaot') {
                "focalaot.__file__ is $($found.file), not in the venv's site-packages"
            }
            elseif ($found.library -ne (Join-Path $package "lib/$hostRid/libfocalaot.so")) {
                "the library is $($found.library), not the package's lib/$hostRid"
            }
            elseif ($found.version -ne $version) { "focalaot.__version__ is $($found.version), the wheel's $version" }
            else { '' }
            $detail = "focalaot from $package, its library from lib/$hostRid, version $($found.version)"
        }
        Register 'the installed package is imported' $failure $detail
        if ($failure) { return $counts }

        # Type hints: a typed consumer passes mypy --strict, and mypy reports the errors of the other one.
        if (Get-Command mypy -ErrorAction SilentlyContinue) {
            Set-Content -Path (Join-Path $work 'typed_consumer.py') -Value $typedConsumer
            Set-Content -Path (Join-Path $work 'type_errors.py') -Value $typeErrors
            $mypy = @('-m', 'mypy', '--strict', '--no-incremental', '--python-executable', $python)
            $log = Join-Path $logs 'mypy-consumer.log'
            $check = Invoke-Step -Log $log -Folder $work -Program /usr/bin/python3 -Arguments ($mypy + 'typed_consumer.py')
            Register 'mypy --strict on a consumer' $(if ($check.ExitCode -eq 0) { '' } else { "$($check.Lines -join ' | ') (log: $log)" }) `
                'the installed package is typed (py.typed)'
            $log = Join-Path $logs 'mypy-errors.log'
            $check = Invoke-Step -Log $log -Folder $work -Program /usr/bin/python3 -Arguments ($mypy + 'type_errors.py')
            $reported = @($check.Lines | Where-Object {
                    $_ -match 'type_errors\.py:3: error: Incompatible types in assignment \(expression has type "str", variable has type "int"\)' -or
                    $_ -match 'type_errors\.py:4: error: Argument "reduction" to "sigmoid_focal_loss" has incompatible type' }).Count
            Register 'mypy reports a consumer''s type errors' $(if ($check.ExitCode -eq 1 -and $reported -eq 2) { '' } else {
                    "expected 2 errors (a str for an int, an unknown reduction), got: $($check.Lines -join ' | ') (log: $log)" }) `
                'version() is a str, reduction a Literal'
        }
        else {
            Write-Warning 'mypy not found: the type hint checks are skipped (bash .ci/run installs it).'
            $counts.Skipped += 2
        }

        # The Python tests, copied outside the checkout, with the venv's python: they import the installed package
        # (FOCALAOT_TEST_INSTALLED makes the test session check that).
        Copy-Item -Recurse (Join-Path $root 'interop/python/tests') (Join-Path $work 'tests')
        Get-ChildItem (Join-Path $work 'tests') -Recurse -Directory -Filter '__pycache__' | Remove-Item -Recurse -Force
        $env:FOCALAOT_TEST_INSTALLED = $site
        try {
            Write-Host "    pytest (the venv's python, in $work)"
            $report = Join-Path $logs 'pytest.xml'
            if (Test-Path $report) { Remove-Item $report }
            Push-Location $work
            try { & $python -m pytest tests -q -p no:cacheprovider "--junitxml=$report" | Out-Host; $exitCode = $LASTEXITCODE }
            finally { Pop-Location }
            if (Test-Path $report) {
                $suite = ([xml](Get-Content $report -Raw)).testsuites.testsuite
                $counts.Passed += [int]$suite.tests - [int]$suite.failures - [int]$suite.errors - [int]$suite.skipped
                $counts.Failed += [int]$suite.failures + [int]$suite.errors
                $counts.Skipped += [int]$suite.skipped
                if ($exitCode -ne 0 -and [int]$suite.failures + [int]$suite.errors -eq 0) { $counts.Failed++ }
            }
            else { Register 'pytest' "no report (exit code $exitCode)" '' }

            $smoke = Invoke-Step -Log (Join-Path $logs 'smoke.log') -Folder $work -Program $python -Arguments @('tests/smoke_stdlib.py')
            $summary = $smoke.Lines | Select-String -Pattern '^(\d+) passed, (\d+) failed$' | Select-Object -Last 1
            Write-Host "    standard-library smoke run: $(if ($summary) { $summary.Line } else { 'no summary' })"
            if ($summary) {
                $counts.Passed += [int]$summary.Matches[0].Groups[1].Value
                $counts.Failed += [int]$summary.Matches[0].Groups[2].Value
            }
            if ($smoke.ExitCode -ne 0 -and -not ($summary -and [int]$summary.Matches[0].Groups[2].Value -gt 0)) {
                Register 'smoke run' "exit code $($smoke.ExitCode): $($smoke.Lines | Select-Object -Last 5)" ''
            }
        }
        finally { $env:FOCALAOT_TEST_INSTALLED = $null }
    }
    finally {
        $env:FOCALAOT_LIBRARY = $savedLibrary
        if ($counts.Failed -eq $failedBefore) { Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue }
        else { Write-Host "    the venv and the tests' copy are kept in $work" }
    }
    return $counts
}

# --- Reliability: the C ABI fuzz harness (libFuzzer + ASan + UBSan) and valgrind memcheck of the C tests ------------

# Runs a program with its output (stdout and stderr) in a log file; returns the exit code.
function Invoke-Logged {
    param([string] $Log, [string] $Program, [string[]] $Arguments, [hashtable] $Environment = @{})
    $saved = @{}
    foreach ($name in $Environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $Environment[$name])
    }
    try {
        & bash -c 'log="$1"; shift; exec "$@" > "$log" 2>&1' bash $Log $Program @Arguments
        return $LASTEXITCODE
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}

# Builds a fuzz harness (native/fuzz/<Name>.c) against the dispatcher of this machine's rid; returns its path, or $null
# without clang-15.
function Build-FuzzHarness([string] $Name = 'fuzz_focal') {
    if (-not (Get-Command clang-15 -ErrorAction SilentlyContinue)) {
        Write-Warning 'clang-15 not found: the fuzz harness is skipped (bash .ci/run installs it).'
        return $null
    }
    $library = Get-NativeDirectory (Get-HostRid)
    Confirm-NativeLibrary (Get-HostRid)
    $folder = Join-Path $artifacts 'fuzz'
    New-Item -ItemType Directory -Force -Path $folder | Out-Null
    $harness = Join-Path $folder $Name
    Invoke-Native clang-15 @('-g', '-O1', '-fsanitize=fuzzer,address,undefined', '-fno-sanitize-recover=undefined',
        '-Wall', '-Wextra', '-Werror', '-I', (Join-Path $root 'native/include'), (Join-Path $root "native/fuzz/$Name.c"),
        '-L', $library, '-lfocalaot', '-lm', "-Wl,-rpath,$library", '-o', $harness) | Out-Host
    return $harness
}

# The fuzz suite, for each harness (the sigmoid entries, then the softmax entries): every seed and regression input
# once, then libFuzzer on the best variant, the two sharing $Seconds. Passed when neither finds an invariant
# violation, a sanitizer report, a crash or a hang.
function Invoke-Fuzz([int] $Seconds) {
    Write-Host "`n=== Fuzz :: C ABI, libFuzzer + ASan + UBSan, replay then $Seconds s" -ForegroundColor Cyan
    $softmaxSeconds = [int][Math]::Floor($Seconds / 2)
    # Name, seed folders, regression folders, libFuzzer seconds, and the prefix of its logs and folders under
    # artifacts/fuzz ('' keeps the sigmoid harness's own names).
    $suites = @(
        @{ Name = 'fuzz_focal'; Seeds = 'native/fuzz/corpus'; Regressions = 'native/fuzz/regressions'
           Seconds = $Seconds - $softmaxSeconds; Prefix = '' },
        @{ Name = 'fuzz_softmax'; Seeds = 'native/fuzz/softmax_corpus'; Regressions = 'native/fuzz/softmax_regressions'
           Seconds = $softmaxSeconds; Prefix = 'softmax_' })
    $folder = Join-Path $artifacts 'fuzz'
    $crashes = Join-Path $folder 'crashes'
    # The NativeAOT runtime's start-up allocations live as long as the process: not leaks.
    $environment = @{ ASAN_OPTIONS = 'detect_leaks=0'; UBSAN_OPTIONS = 'print_stacktrace=1' }
    $symbolizer = '/usr/lib/llvm-15/bin/llvm-symbolizer' # Debian's llvm-15: sanitizer reports with function names
    if (Test-Path $symbolizer) { $environment.ASAN_SYMBOLIZER_PATH = $symbolizer }
    $summaryPattern = '^focal fuzz: '
    $counts = New-Counts
    foreach ($suite in $suites) {
        $harness = Build-FuzzHarness $suite.Name
        if (-not $harness) { return New-Counts -Skipped 2 }
        $work = Join-Path $folder "$($suite.Prefix)corpus"
        New-Item -ItemType Directory -Force -Path $work, $crashes | Out-Null
        $seeds = Join-Path $root $suite.Seeds
        $sources = @($seeds, (Join-Path $root $suite.Regressions)) | Where-Object { Test-Path $_ }

        $inputs = @(Get-ChildItem $sources -File | Sort-Object FullName | ForEach-Object FullName)
        $log = Join-Path $folder "$($suite.Prefix)replay.log"
        $exitCode = Invoke-Logged -Log $log -Program $harness -Arguments $inputs -Environment $environment
        $lines = Get-Content $log
        $lines | Select-String -Pattern $summaryPattern | ForEach-Object {
            Write-Host "    $($suite.Name): replay of $($inputs.Count) inputs: $($_.Line -replace $summaryPattern, '')" }
        if ($exitCode -eq 0) { $counts.Passed++ } else {
            $counts.Failed++
            $lines | Select-Object -Last 60 | ForEach-Object { Write-Host $_ }
            Write-Host "    $($suite.Name): replay failed (exit code $exitCode): full log in $log" -ForegroundColor Red
        }

        # libFuzzer reads -max_total_time=0 as no limit: a share of 0 s skips fuzzing.
        if ($suite.Seconds -lt 1) { continue }
        $log = Join-Path $folder "$($suite.Prefix)fuzz.log"
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $exitCode = Invoke-Logged -Log $log -Program $harness -Environment $environment -Arguments @(
            "-max_total_time=$($suite.Seconds)", '-timeout=60', '-rss_limit_mb=4096', '-print_final_stats=1',
            "-artifact_prefix=$crashes/$($suite.Prefix)", $work, $seeds)
        $lines = Get-Content $log
        $runs = $lines | Select-String -Pattern '^Done (\d+) runs in (\d+) second' | Select-Object -Last 1
        $calls = $lines | Select-String -Pattern $summaryPattern | Select-Object -Last 1
        $summary = if ($calls) { $calls.Line -replace $summaryPattern, '' } else { 'no summary' }
        Write-Host ("    {0}: fuzzed {1:N0} s: {2}" -f $suite.Name, $watch.Elapsed.TotalSeconds, $summary)
        if ($exitCode -eq 0 -and $runs) { $counts.Passed++ } else {
            $counts.Failed++
            $lines | Where-Object { $_ -notmatch '^#\d+' } | Select-Object -Last 80 | ForEach-Object { Write-Host $_ }
            Write-Host ("    $($suite.Name): fuzzing found a failure (exit code $exitCode): the input is in $crashes, " +
                "the log in $log") -ForegroundColor Red
        }
    }
    return $counts
}

# Valgrind memcheck: the process tests on x86-64-v3 (valgrind has no AVX-512), and the value tests and the fuzz replay
# on x86-64-v2, which has no FMA instructions: valgrind's FMA emulation is not exact (it gets the sign of some exact
# zeros wrong), which their bit-for-bit comparisons (fused against separate calls, one ISA cap against another)
# would report. Zero errors required; leaks of kinds definite and possible count as errors.
# The OpenCL device test (test_device) is left out on purpose: under valgrind the same FMA emulation fails its
# bit-for-bit comparisons of the device against the CPU (exact zeros of opposite sign), and PoCL, LLVM and the dynamic
# loader report hundreds of leaks and reads of their own (kernel compilation, worker threads), which only broad
# suppressions would silence.
function Invoke-Memcheck {
    Write-Host "`n=== Memcheck :: valgrind on the C tests" -ForegroundColor Cyan
    if (-not (Get-Command valgrind -ErrorAction SilentlyContinue) -or (Get-HostRid) -ne 'linux-x64') {
        Write-Warning 'valgrind not found (or not x64): memcheck is skipped (bash .ci/run installs it).'
        return New-Counts -Skipped 3
    }
    $build = Join-Path $artifacts 'native-build/cmake-linux-x64'
    if (-not (Test-Path (Join-Path $build 'fuzz_replay'))) {
        Write-Host "No C tests in ${build}: publishing libfocalaot and building them first." -ForegroundColor Cyan
        Invoke-NativeBuild -Rids @('linux-x64') | Out-Host
    }
    $logs = Join-Path $artifacts 'test-results/memcheck'
    New-Item -ItemType Directory -Force -Path $logs | Out-Null
    $runs = @(
        @{ Program = 'test_focal_aot'; Variant = 'x86-64-v2'; Arguments = @() }
        @{ Program = 'test_process'; Variant = 'x86-64-v3'; Arguments = @() }
        @{ Program = 'fuzz_replay'; Variant = 'x86-64-v2'
           Arguments = @((Join-Path $root 'native/fuzz/corpus'), (Join-Path $root 'native/fuzz/regressions')) }
    )
    $counts = New-Counts
    foreach ($run in $runs) {
        Get-ChildItem $logs -Filter "$($run.Program).*" -ErrorAction SilentlyContinue | Remove-Item
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $exitCode = Invoke-Logged -Log (Join-Path $logs "$($run.Program).out") -Program valgrind -Environment @{ FOCALAOT_VARIANT = $run.Variant } `
            -Arguments (@('--error-exitcode=1', '--leak-check=full', '--errors-for-leak-kinds=definite,possible',
                "--suppressions=$(Join-Path $root 'native/tests/nativeaot.supp')", "--log-file=$(Join-Path $logs "$($run.Program).%p.log")",
                (Join-Path $build $run.Program)) + $run.Arguments)
        # One log per process (test_process forks); every one must say 0 errors.
        $summaries = @(Get-ChildItem $logs -Filter "$($run.Program).*.log" | ForEach-Object {
            Get-Content $_.FullName | Select-String -Pattern 'ERROR SUMMARY: (\d+) errors' | Select-Object -Last 1 })
        $errors = ($summaries | ForEach-Object { [int]$_.Matches[0].Groups[1].Value } | Measure-Object -Sum).Sum
        $result = Get-Content (Join-Path $logs "$($run.Program).out") | Select-Object -Last 1
        Write-Host ("    {0} ({1}): {2} processes, {3} errors ({4:N0} s); {5}" -f $run.Program, $run.Variant, $summaries.Count,
            $errors, $watch.Elapsed.TotalSeconds, $result)
        if ($exitCode -eq 0 -and $summaries.Count -gt 0 -and $errors -eq 0) { $counts.Passed++ } else {
            $counts.Failed++
            Write-Host "    memcheck failed (exit code $exitCode): logs in $logs" -ForegroundColor Red
        }
    }
    return $counts
}

# The line-length rule of .editorconfig (max_line_length of the source files), checked over every tracked source file
# except the generator's baselines (generated text). One check: passed, or failed with the offending lines listed.
function Invoke-StyleCheck {
    Write-Host "`n=== Style :: line length" -ForegroundColor Cyan
    $limit = [int]((Get-Content (Join-Path $root '.editorconfig') | Select-String '^max_line_length\s*=\s*(\d+)' |
        Select-Object -First 1).Matches[0].Groups[1].Value)
    $files = & git -C $root ls-files '*.cs' '*.fs' '*.c' '*.h' '*.cpp' '*.py' '*.ps1' | Where-Object { $_ -notmatch '/Baselines/' }
    $offenders = foreach ($file in $files) {
        $number = 0
        foreach ($line in [IO.File]::ReadAllLines((Join-Path $root $file))) {
            $number++
            if ($line.Length -gt $limit) { "${file}:${number}: $($line.Length) characters" }
        }
    }
    if ($offenders) {
        $offenders | Select-Object -First 30 | ForEach-Object { Write-Host "    $_" }
        Write-Host "    $(@($offenders).Count) lines exceed $limit characters (.editorconfig max_line_length)."
        return New-Counts -Failed 1
    }
    Write-Host "    every line of $(@($files).Count) files is at most $limit characters"
    return New-Counts -Passed 1
}

function Invoke-Tests {
    $all = $Suite -eq 'all'
    $results = @()
    switch ($Suite) {
        'all' { Invoke-Build }
        'properties' { Invoke-Build 'properties/FocalAot.Properties/FocalAot.Properties.csproj' }
        'fsharp' { Invoke-Build 'interop/fsharp/FocalAot.FSharp.Tests/FocalAot.FSharp.Tests.fsproj' }
        'generator' { Invoke-Build 'properties/FocalAot.Generator.Tests/FocalAot.Generator.Tests.csproj' }
        'samples' { Invoke-Build 'samples/Demo.Tests/FocalAot.Demo.Tests.csproj' }
    }
    if ($all -or $Suite -eq 'style') { $results += Invoke-StyleCheck }
    if ($all -or $Suite -eq 'properties') {
        foreach ($leg in Get-SimdLegs) {
            $results += Invoke-TestProgram -Project 'FocalAot.Properties' -Leg $leg.Name -Environment $leg.Env
        }
    }
    if ($all -or $Suite -eq 'arm64') { $results += Invoke-Arm64Properties }
    if ($all -or $Suite -eq 'fsharp') { $results += Invoke-TestProgram -Project 'FocalAot.FSharp.Tests' -Leg 'F# interop' }
    if ($all -or $Suite -eq 'generator') {
        $results += Invoke-TestProgram -Project 'FocalAot.Generator.Tests' -Leg 'generator, analyzer, OpenCL (PoCL)'
    }
    if ($all -or $Suite -eq 'packages') { $results += Invoke-PackageTests }
    if ($all -or $Suite -eq 'c') {
        Invoke-NativeBuild
        foreach ($rid in ($nativeVariants.Rid | Select-Object -Unique)) { $results += Invoke-CTest $rid }
    }
    if ($all -or $Suite -eq 'cinstall') { $results += Invoke-InstallTests }
    if ($all -or $Suite -eq 'python') {
        Confirm-NativeLibrary (Get-HostRid)
        $results += Invoke-PythonTests
        $results += Invoke-PythonSmoke
    }
    if ($all -or $Suite -eq 'wheel') { $results += Invoke-WheelTests }
    if ($all -or $Suite -eq 'samples') {
        $results += Invoke-TestProgram -Project 'FocalAot.Demo.Tests' -Leg 'demo and .NET study'
        Confirm-NativeLibrary (Get-HostRid)
        $results += Invoke-Pytest 'interop/python/study/tests' 'Imbalance study'
    }
    if ($all -or $Suite -eq 'memcheck') { $results += Invoke-Memcheck }
    if ($all -or $Suite -eq 'fuzz') { $results += Invoke-Fuzz -Seconds 60 }
    if ($all -or $Suite -eq 'peers') { $results += Invoke-PeersTests }

    $passed = ($results | Measure-Object -Property Passed -Sum).Sum
    $failed = ($results | Measure-Object -Property Failed -Sum).Sum
    $skipped = ($results | Measure-Object -Property Skipped -Sum).Sum
    Write-Host ''
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

if ($PSBoundParameters.ContainsKey('Suite') -and $Target -ne 'test') { throw "-Suite applies to the test target only." }
if ($PSBoundParameters.ContainsKey('Seconds') -and $Target -ne 'fuzz') { throw "-Seconds applies to the fuzz target only." }
if ($PSBoundParameters.ContainsKey('Prefix') -and $Target -ne 'install') { throw "-Prefix applies to the install target only." }
if ($Target -eq 'install' -and -not $Prefix) { throw "The install target needs -Prefix <folder>." }

switch ($Target) {
    'build' { Invoke-Build }
    'test' { Invoke-Tests }
    'demo' { Invoke-Native dotnet @('run', '--project', (Join-Path $root 'samples/Demo'), '-c', $Configuration) }
    'pack' {
        Clear-PackageFeed
        Invoke-Native dotnet (Get-PackArguments)
    }
    'native' { Invoke-NativeBuild }
    'install' {
        Invoke-NativeBuild -Rids @(Get-HostRid)
        Invoke-Native cmake @('--install', (Get-NativeBuildDirectory (Get-HostRid)), '--prefix', [IO.Path]::GetFullPath($Prefix))
    }
    'wheel' {
        $wheels = Invoke-WheelBuild
        if ($wheels.Count -ne $wheelMachines.Count) { throw "built $($wheels.Count) of $($wheelMachines.Count) wheels (see the warning above)" }
        $wheels.Values | ForEach-Object { Write-Host $_ }
    }
    'fuzz' {
        $counts = Invoke-Fuzz -Seconds $Seconds
        if ($counts.Failed -gt 0 -or $counts.Passed -eq 0) { exit 1 }
    }
    'baselines' {
        Invoke-Build
        [Environment]::SetEnvironmentVariable('FOCALAOT_UPDATE_BASELINES', '1')
        try { Invoke-TestProgram -Project 'FocalAot.Generator.Tests' -Leg 'update baselines' | Out-Null }
        finally { [Environment]::SetEnvironmentVariable('FOCALAOT_UPDATE_BASELINES', $null) }
    }
    'bench' {
        Invoke-Native dotnet @('run', '-c', 'Release', '--project', (Join-Path $root 'bench/FocalAot.Benchmarks'), '--',
            '--filter', '*', '--inProcess', '--artifacts', (Join-Path $artifacts 'bench'))
        Invoke-Peers
    }
    'peers' { Invoke-Peers }
}
