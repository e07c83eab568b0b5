#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests and runs FocalAot.

.DESCRIPTION
    Targets:
      build  Build the solution (Release).
      test   Build, then run every test suite: the property suite once per SIMD path this machine can
             run (each leg checks that its path is the active one) and the F# interop tests. Ends with
             one line "N passed, N failed, N skipped" over all suites and legs; exits non-zero on failure.
      demo   Run the demo (trains a classifier with BCE and focal loss, prints a comparison).

.EXAMPLE
    dotnet tool restore; dotnet pwsh build.ps1 test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'demo')]
    [string] $Target = 'test',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
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

function Invoke-Build {
    Invoke-Native dotnet @('build', (Join-Path $root 'FocalAot.sln'), '-c', $Configuration, '-nologo', '-v', 'minimal')
}

# The SIMD legs of the property suite. Each names the path it must find active (FOCALAOT_EXPECT_PATH).
function Get-SimdLegs {
    $legs = @([ordered]@{ Name = 'default (widest accelerated)'; Env = @{ FOCALAOT_EXPECT_PATH = 'widest' } })
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture
    if ($arch -eq 'X64') {
        $flags = (Get-Content /proc/cpuinfo -ErrorAction SilentlyContinue | Where-Object { $_ -like 'flags*' } | Select-Object -First 1) -split '\s+'
        if ($flags -contains 'avx512f') {
            $legs += [ordered]@{ Name = 'Vector256 (AVX2)'; Env = @{ DOTNET_EnableAVX512 = '0'; FOCALAOT_EXPECT_PATH = 'Vector256' } }
        }
        $legs += [ordered]@{ Name = 'Vector128 (AVX2 off)'; Env = @{ DOTNET_EnableAVX2 = '0'; FOCALAOT_EXPECT_PATH = 'Vector128' } }
        $legs += [ordered]@{
            Name = 'Vector512 (software emulation)'
            Env  = @{ DOTNET_EnableAVX512 = '0'; FOCALAOT_SIMD_PATH = 'vector512'; FOCALAOT_EXPECT_PATH = 'Vector512' }
        }
    }
    $legs += [ordered]@{ Name = 'Scalar (hardware intrinsics off)'; Env = @{ DOTNET_EnableHWIntrinsic = '0'; FOCALAOT_EXPECT_PATH = 'Scalar' } }
    return $legs
}

# Runs one self-executing xunit.v3 test program and returns its counts from the xunit XML report.
function Invoke-TestProgram {
    param([string] $Project, [string] $Leg, [hashtable] $Environment = @{})
    $program = Join-Path $artifacts "bin/$Project/$($Configuration.ToLowerInvariant())/$Project"
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
        & $program -noColor -noLogo -xml $report | Where-Object { $_ -match '\[FAIL\]|Assert|Expected|Actual|Exception|Total:' } | ForEach-Object { Write-Host $_ }
        $exitCode = $LASTEXITCODE
        Write-Host ("    ({0:N0} s, exit code {1})" -f $watch.Elapsed.TotalSeconds, $exitCode)
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
    if (-not (Test-Path $report)) {
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $totals = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 }
    foreach ($assembly in ([xml](Get-Content $report -Raw)).assemblies.assembly) {
        $totals.Passed += [int]$assembly.passed
        $totals.Failed += [int]$assembly.failed + [int]$assembly.errors
        $totals.Skipped += [int]$assembly.skipped
    }
    if ($exitCode -ne 0 -and $totals.Failed -eq 0) { $totals.Failed = 1 }
    return $totals
}

function Invoke-Tests {
    Invoke-Build
    $results = @()
    foreach ($leg in Get-SimdLegs) {
        $results += Invoke-TestProgram -Project 'FocalAot.Properties' -Leg $leg.Name -Environment $leg.Env
    }
    $results += Invoke-TestProgram -Project 'FocalAot.FSharp.Tests' -Leg 'F# interop'

    $passed = ($results | Measure-Object -Property Passed -Sum).Sum
    $failed = ($results | Measure-Object -Property Failed -Sum).Sum
    $skipped = ($results | Measure-Object -Property Skipped -Sum).Sum
    Write-Host ''
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

switch ($Target) {
    'build' { Invoke-Build }
    'test' { Invoke-Tests }
    'demo' { Invoke-Native dotnet @('run', '--project', (Join-Path $root 'samples/Demo'), '-c', $Configuration) }
}
