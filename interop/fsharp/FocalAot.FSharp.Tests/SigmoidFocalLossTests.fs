/// The public API of FocalAot called the way F# code calls it: arrays passed where the API takes spans,
/// optional arguments omitted or given by name, results checked against the float64 reference.
module FocalAot.FSharp.Tests.SigmoidFocalLossTests

open System
open Xunit
open FocalAot

// ---------------------------------------------------------------------------------------------
// Data and comparison helpers
// ---------------------------------------------------------------------------------------------

/// 37 elements (not a multiple of any vector width, so the tails run): logits across [-9, 9] plus a few
/// saturated ones, hard and soft targets.
let private logits64 =
    Array.append
        (Array.init 33 (fun i -> -9.0 + 18.0 * float i / 32.0 + 0.137))
        [| 17.0; -17.0; 31.5; -31.5 |]

let private targets64 =
    let cycle = [| 0.0; 1.0; 1.0; 0.0; 0.25; 1.0; 0.0; 0.875 |]
    Array.init logits64.Length (fun i ->
        match i with
        | 33 | 36 -> 1.0 // saturated and right: tiny losses
        | 34 | 35 -> 0.0 // saturated and wrong: losses ≈ |x|
        | _ -> cycle[i % cycle.Length])

let private logits32 = Array.map float32 logits64
let private targets32 = Array.map float32 targets64

/// The float32 inputs widened exactly, so the reference sees the very numbers the float kernel saw.
let private widen (values: float32[]) = Array.map float values

let private tol32 = 2e-6
let private tol64 = 1e-12

let private assertClose (tolerance: float) (expected: float) (actual: float) =
    let error = abs (actual - expected)
    if not (error <= tolerance * abs expected) then
        Assert.Fail $"expected %.17g{expected}, got %.17g{actual} (relative error %.3g{error / abs expected}, tolerance %g{tolerance})"

let private assertAllClose tolerance (expected: float[]) (actual: float[]) =
    Assert.Equal(expected.Length, actual.Length)
    Array.iter2 (assertClose tolerance) expected actual

/// The reductions under test, with the divisor each applies to the sum of n losses.
let private reductions: (string * FocalReduction * (int -> float)) list =
    [ "Sum", FocalReduction.Sum, (fun _ -> 1.0)
      "Mean", FocalReduction.Mean, float
      "Normalized(4)", FocalReduction.Normalized 4.0, (fun _ -> 4.0) ]

// ---------------------------------------------------------------------------------------------
// The reference itself
// ---------------------------------------------------------------------------------------------

[<Fact>]
let ``reference loss is -alpha_t (1-p_t)^gamma log p_t for hard labels`` () =
    for x in [ -6.0; -1.5; -0.25; 0.0; 0.5; 2.0; 7.0 ] do
        for y in [ 0.0; 1.0 ] do
            for gamma, alpha in [ 2.0, 0.25; 0.5, 0.75; 0.0, -1.0 ] do
                let p = 1.0 / (1.0 + exp -x)
                let pt = if y = 1.0 then p else 1.0 - p
                let at = if alpha < 0.0 then 1.0 elif y = 1.0 then alpha else 1.0 - alpha
                let textbook = -at * (1.0 - pt) ** gamma * log pt
                // The textbook form rounds p and then cancels in 1 - p_t and log p_t: ~1e-13 at |x| = 7.
                assertClose 1e-11 textbook (Reference.loss gamma alpha x y)

[<Fact>]
let ``reference gradient agrees with a central finite difference`` () =
    for gamma, alpha in [ 2.0, 0.25; 0.5, -1.0; 0.0, 0.5; 3.5, 0.9 ] do
        Array.iter2
            (fun x y ->
                let analytic = Reference.gradient gamma alpha x y
                let numeric = Reference.finiteDifference gamma alpha x y
                Assert.True(
                    abs (analytic - numeric) <= 1e-7 * abs analytic + 1e-12,
                    $"x = {x}, y = {y}, gamma = {gamma}: analytic {analytic}, numeric {numeric}"
                ))
            logits64
            targets64

// ---------------------------------------------------------------------------------------------
// Forward
// ---------------------------------------------------------------------------------------------

[<Fact>]
let ``Forward none float32 with default gamma and alpha takes arrays directly`` () =
    let losses = Array.zeroCreate<float32> logits32.Length
    SigmoidFocalLoss.Forward(logits32, targets32, losses)
    let expected = Array.map2 (Reference.loss 2.0 0.25) (widen logits32) (widen targets32)
    assertAllClose tol32 expected (widen losses)

[<Fact>]
let ``Forward none double with default gamma and alpha`` () =
    let losses = Array.zeroCreate<float> logits64.Length
    SigmoidFocalLoss.Forward(logits64, targets64, losses)
    assertAllClose tol64 (Array.map2 (Reference.loss 2.0 0.25) logits64 targets64) losses

[<Fact>]
let ``Forward none with gamma and alpha given by name`` () =
    let losses32 = Array.zeroCreate<float32> logits32.Length
    SigmoidFocalLoss.Forward(logits32, targets32, losses32, gamma = 0.5, alpha = -1.0)
    let expected32 = Array.map2 (Reference.loss 0.5 -1.0) (widen logits32) (widen targets32)
    assertAllClose tol32 expected32 (widen losses32)

    let losses64 = Array.zeroCreate<float> logits64.Length
    SigmoidFocalLoss.Forward(logits64, targets64, losses64, gamma = 0.5, alpha = -1.0)
    assertAllClose tol64 (Array.map2 (Reference.loss 0.5 -1.0) logits64 targets64) losses64

[<Fact>]
let ``Forward none with only alpha given by name keeps the default gamma`` () =
    let losses = Array.zeroCreate<float> logits64.Length
    SigmoidFocalLoss.Forward(logits64, targets64, losses, alpha = 0.75)
    assertAllClose tol64 (Array.map2 (Reference.loss SigmoidFocalLoss.DefaultGamma 0.75) logits64 targets64) losses

[<Fact>]
let ``Forward reduced float32 and double for Sum, Mean and Normalized`` () =
    for name, reduction, divisor in reductions do
        let n = logits64.Length
        let expected32 = Reference.sum 2.0 0.25 (widen logits32) (widen targets32) / divisor n
        let actual32: float32 = SigmoidFocalLoss.Forward(logits32, targets32, reduction)
        assertClose tol32 expected32 (float actual32)

        let expected64 = Reference.sum 2.0 0.25 logits64 targets64 / divisor n
        let actual64: float = SigmoidFocalLoss.Forward(logits64, targets64, reduction)
        assertClose tol64 expected64 actual64

        let named = SigmoidFocalLoss.Forward(logits64, targets64, reduction, gamma = 0.5, alpha = -1.0)
        assertClose tol64 (Reference.sum 0.5 -1.0 logits64 targets64 / divisor n) named
        Assert.True(named > 0.0, name)

[<Fact>]
let ``Forward reduced of no elements is 0 for the sum and NaN for the mean`` () =
    Assert.Equal(0.0f, SigmoidFocalLoss.Forward(Array.empty<float32>, Array.empty<float32>, FocalReduction.Sum))
    Assert.Equal(0.0, SigmoidFocalLoss.Forward(Array.empty<float>, Array.empty<float>, FocalReduction.Normalized 4.0))
    Assert.True(Double.IsNaN(SigmoidFocalLoss.Forward(Array.empty<float>, Array.empty<float>, FocalReduction.Mean)))

[<Fact>]
let ``Forward accepts slices and works in place`` () =
    // A slice of each input: AsSpan(start, length) converts to ReadOnlySpan implicitly as well.
    let losses = Array.zeroCreate<float> 10
    SigmoidFocalLoss.Forward(logits64.AsSpan(5, 10), targets64.AsSpan(5, 10), losses.AsSpan())
    assertAllClose tol64 (Array.map2 (Reference.loss 2.0 0.25) logits64[5..14] targets64[5..14]) losses

    // In place: the output may be the very memory of the logits.
    let buffer = Array.copy logits64
    SigmoidFocalLoss.Forward(buffer, targets64, buffer)
    assertAllClose tol64 (Array.map2 (Reference.loss 2.0 0.25) logits64 targets64) buffer

// ---------------------------------------------------------------------------------------------
// Backward
// ---------------------------------------------------------------------------------------------

let private upstream64 = Array.init logits64.Length (fun i -> 0.5 + 0.25 * float (i % 5))
let private upstream32 = Array.map float32 upstream64

[<Fact>]
let ``Backward with a per-element upstream, float32 and double`` () =
    let gradient32 = Array.zeroCreate<float32> logits32.Length
    SigmoidFocalLoss.Backward(logits32, targets32, upstream32, gradient32)
    let expected32 =
        Array.map3 (fun x y u -> u * Reference.gradient 2.0 0.25 x y) (widen logits32) (widen targets32) (widen upstream32)
    assertAllClose tol32 expected32 (widen gradient32)

    let gradient64 = Array.zeroCreate<float> logits64.Length
    SigmoidFocalLoss.Backward(logits64, targets64, upstream64, gradient64, gamma = 0.5, alpha = -1.0)
    let expected64 = Array.map3 (fun x y u -> u * Reference.gradient 0.5 -1.0 x y) logits64 targets64 upstream64
    assertAllClose tol64 expected64 gradient64

[<Fact>]
let ``Backward of a reduced loss with a scalar upstream, float32 and double`` () =
    let n = logits64.Length
    for _, reduction, divisor in reductions do
        let gradient32 = Array.zeroCreate<float32> n
        SigmoidFocalLoss.Backward(logits32, targets32, reduction, 1.5f, gradient32)
        let expected32 =
            Array.map2 (fun x y -> 1.5 * Reference.gradient 2.0 0.25 x y / divisor n) (widen logits32) (widen targets32)
        assertAllClose tol32 expected32 (widen gradient32)

        let gradient64 = Array.zeroCreate<float> n
        SigmoidFocalLoss.Backward(logits64, targets64, reduction, 1.5, gradient64, gamma = 3.5, alpha = 0.9)
        let expected64 = Array.map2 (fun x y -> 1.5 * Reference.gradient 3.5 0.9 x y / divisor n) logits64 targets64
        assertAllClose tol64 expected64 gradient64

// ---------------------------------------------------------------------------------------------
// ForwardBackward
// ---------------------------------------------------------------------------------------------

[<Fact>]
let ``ForwardBackward per element, float32 and double`` () =
    let n = logits64.Length
    let losses32, gradient32 = Array.zeroCreate<float32> n, Array.zeroCreate<float32> n
    SigmoidFocalLoss.ForwardBackward(logits32, targets32, losses32, gradient32)
    assertAllClose tol32 (Array.map2 (Reference.loss 2.0 0.25) (widen logits32) (widen targets32)) (widen losses32)
    assertAllClose tol32 (Array.map2 (Reference.gradient 2.0 0.25) (widen logits32) (widen targets32)) (widen gradient32)

    let losses64, gradient64 = Array.zeroCreate<float> n, Array.zeroCreate<float> n
    SigmoidFocalLoss.ForwardBackward(logits64, targets64, losses64, gradient64, gamma = 0.5, alpha = -1.0)
    assertAllClose tol64 (Array.map2 (Reference.loss 0.5 -1.0) logits64 targets64) losses64
    assertAllClose tol64 (Array.map2 (Reference.gradient 0.5 -1.0) logits64 targets64) gradient64

[<Fact>]
let ``ForwardBackward reduced, float32 and double`` () =
    let n = logits64.Length
    for _, reduction, divisor in reductions do
        let gradient32 = Array.zeroCreate<float32> n
        let loss32 = SigmoidFocalLoss.ForwardBackward(logits32, targets32, reduction, gradient32)
        assertClose tol32 (Reference.sum 2.0 0.25 (widen logits32) (widen targets32) / divisor n) (float loss32)
        let expected32 = Array.map2 (fun x y -> Reference.gradient 2.0 0.25 x y / divisor n) (widen logits32) (widen targets32)
        assertAllClose tol32 expected32 (widen gradient32)

        let gradient64 = Array.zeroCreate<float> n
        let loss64 = SigmoidFocalLoss.ForwardBackward(logits64, targets64, reduction, gradient64, alpha = -1.0, gamma = 0.5)
        assertClose tol64 (Reference.sum 0.5 -1.0 logits64 targets64 / divisor n) loss64
        assertAllClose tol64 (Array.map2 (fun x y -> Reference.gradient 0.5 -1.0 x y / divisor n) logits64 targets64) gradient64

[<Fact>]
let ``ForwardBackward is bit for bit Forward and Backward`` () =
    let n = logits32.Length
    let losses, gradient = Array.zeroCreate<float32> n, Array.zeroCreate<float32> n
    SigmoidFocalLoss.ForwardBackward(logits32, targets32, losses, gradient, gamma = 1.5)
    let forward, backward = Array.zeroCreate<float32> n, Array.zeroCreate<float32> n
    SigmoidFocalLoss.Forward(logits32, targets32, forward, gamma = 1.5)
    SigmoidFocalLoss.Backward(logits32, targets32, Array.create n 1.0f, backward, gamma = 1.5)
    Assert.Equal<float32>(forward, losses)
    Assert.Equal<float32>(backward, gradient)

    let reducedGradient = Array.zeroCreate<float> n
    let reduced = SigmoidFocalLoss.ForwardBackward(logits64, targets64, FocalReduction.Mean, reducedGradient)
    let backwardGradient = Array.zeroCreate<float> n
    SigmoidFocalLoss.Backward(logits64, targets64, FocalReduction.Mean, 1.0, backwardGradient)
    Assert.Equal(SigmoidFocalLoss.Forward(logits64, targets64, FocalReduction.Mean), reduced)
    Assert.Equal<float>(backwardGradient, reducedGradient)

// ---------------------------------------------------------------------------------------------
// Argument errors
// ---------------------------------------------------------------------------------------------

/// Asserts that code throws an ArgumentException or a subclass naming the parameter.
let private throwsArgument (paramName: string) (code: unit -> unit) =
    let ex = Assert.ThrowsAny<ArgumentException>(Action code)
    Assert.Equal(paramName, ex.ParamName)

[<Fact>]
let ``gamma and alpha out of range name their parameter`` () =
    let losses = Array.zeroCreate<float> logits64.Length
    // Exact type and ParamName in one call (xunit v3's Throws(paramName, code)).
    Assert.Throws<ArgumentOutOfRangeException>(
        "gamma",
        fun () -> SigmoidFocalLoss.Forward(logits64, targets64, losses, gamma = -1.0)
    )
    |> ignore
    throwsArgument "gamma" (fun () -> SigmoidFocalLoss.Forward(logits64, targets64, losses, gamma = nan))
    throwsArgument "gamma" (fun () -> SigmoidFocalLoss.Forward(logits32, targets32, FocalReduction.Sum, gamma = infinity) |> ignore)
    throwsArgument "alpha" (fun () -> SigmoidFocalLoss.Forward(logits64, targets64, losses, alpha = 1.5))
    throwsArgument "alpha" (fun () -> SigmoidFocalLoss.ForwardBackward(logits64, targets64, FocalReduction.Mean, losses, alpha = nan) |> ignore)

[<Fact>]
let ``a target outside 0..1 or NaN names targets`` () =
    let losses = Array.zeroCreate<float32> logits32.Length
    let badHigh = Array.copy targets32
    badHigh[20] <- 1.5f
    Assert.Throws<ArgumentOutOfRangeException>("targets", fun () -> SigmoidFocalLoss.Forward(logits32, badHigh, losses)) |> ignore
    let badNaN = Array.copy targets64
    badNaN[36] <- nan
    throwsArgument "targets" (fun () -> SigmoidFocalLoss.Forward(logits64, badNaN, FocalReduction.Sum) |> ignore)
    let badLow = Array.copy targets64
    badLow[0] <- -0.125
    throwsArgument "targets" (fun () ->
        SigmoidFocalLoss.Backward(logits64, badLow, FocalReduction.Sum, 1.0, Array.zeroCreate<float> logits64.Length))

[<Fact>]
let ``a length mismatch names the short argument`` () =
    let n = logits64.Length
    throwsArgument "targets" (fun () -> SigmoidFocalLoss.Forward(logits64, targets64[1..], Array.zeroCreate<float> n))
    throwsArgument "targets" (fun () -> SigmoidFocalLoss.Forward(logits32, targets32[1..], FocalReduction.Mean) |> ignore)
    throwsArgument "losses" (fun () -> SigmoidFocalLoss.Forward(logits64, targets64, Array.zeroCreate<float> (n - 1)))
    throwsArgument "upstream" (fun () ->
        SigmoidFocalLoss.Backward(logits32, targets32, Array.zeroCreate<float32> 3, Array.zeroCreate<float32> n))
    throwsArgument "gradient" (fun () ->
        SigmoidFocalLoss.ForwardBackward(logits64, targets64, FocalReduction.Sum, Array.zeroCreate<float> (n + 1)) |> ignore)

[<Fact>]
let ``overlapping outputs and a default reduction are argument errors`` () =
    let n = logits64.Length
    let shared = Array.zeroCreate<float> (n + 2)
    // Spans cannot be captured by a closure, so the lambda slices the captured array itself.
    throwsArgument "gradient" (fun () ->
        SigmoidFocalLoss.ForwardBackward(logits64, targets64, shared.AsSpan(0, n), shared.AsSpan(2, n)))
    throwsArgument "reduction" (fun () -> SigmoidFocalLoss.Forward(logits64, targets64, FocalReduction()) |> ignore)
    throwsArgument "reduction" (fun () ->
        SigmoidFocalLoss.Backward(logits32, targets32, Unchecked.defaultof<FocalReduction>, 1.0f, Array.zeroCreate<float32> n))
    throwsArgument "normalizer" (fun () -> FocalReduction.Normalized 0.0 |> ignore)
    throwsArgument "normalizer" (fun () -> FocalReduction.Normalized nan |> ignore)

// ---------------------------------------------------------------------------------------------
// FocalReduction and FocalRuntime from F#
// ---------------------------------------------------------------------------------------------

[<Fact>]
let ``FocalReduction values are readable and compare structurally`` () =
    let normalized = FocalReduction.Normalized 4.0
    Assert.Equal(FocalReductionKind.Normalized, normalized.Kind)
    Assert.Equal(4.0, normalized.Normalizer)
    Assert.Equal("Normalized(4)", string normalized)
    Assert.True((normalized = FocalReduction.Normalized 4.0))
    Assert.True((FocalReduction.Sum <> FocalReduction.Mean))
    Assert.Equal(FocalReductionKind.Mean, FocalReduction.Mean.Kind)
    Assert.Equal(1.0, FocalReduction.Sum.Normalizer)
    let describe (r: FocalReduction) =
        match r.Kind with
        | FocalReductionKind.Sum -> "sum"
        | FocalReductionKind.Mean -> "mean"
        | FocalReductionKind.Normalized -> $"sum / {r.Normalizer}"
        | other -> $"unknown {other}"
    Assert.Equal("sum / 4", describe normalized)

[<Fact>]
let ``FocalRuntime settings are readable and settable from F#`` () =
    let detected: SimdPath = FocalRuntime.DetectedPath
    let active: SimdPath = FocalRuntime.ActivePath
    Assert.True(active <= detected)
    Assert.True(FocalRuntime.IsHardwareAccelerated SimdPath.Scalar)
    Assert.True(FocalRuntime.MaxDegreeOfParallelism >= 1)
    Assert.Equal("FOCALAOT_SIMD_PATH", FocalRuntime.PathOverrideVariable)
    throwsArgument "value" (fun () -> FocalRuntime.MaxDegreeOfParallelism <- 0)

[<Fact>]
let ``results do not depend on the SIMD path or the thread count`` () =
    // 2^18 + 3 elements: above the threshold where calls split across threads.
    let n = (1 <<< 18) + 3
    let logits = Array.init n (fun i -> float32 (sin (float i) * 12.0))
    let targets = Array.init n (fun i -> if i % 3 = 0 then 1.0f else 0.0f)
    let run () =
        let losses = Array.zeroCreate<float32> n
        SigmoidFocalLoss.Forward(logits, targets, losses)
        losses, SigmoidFocalLoss.Forward(logits, targets, FocalReduction.Mean)

    let savedPath, savedThreads = FocalRuntime.ActivePath, FocalRuntime.MaxDegreeOfParallelism
    try
        FocalRuntime.MaxDegreeOfParallelism <- 2
        let baseLosses, baseMean = run ()
        FocalRuntime.MaxDegreeOfParallelism <- 1
        FocalRuntime.ActivePath <- SimdPath.Scalar
        let scalarLosses, scalarMean = run ()
        Assert.Equal<float32>(baseLosses, scalarLosses)
        Assert.Equal(baseMean, scalarMean)
    finally
        FocalRuntime.ActivePath <- savedPath
        FocalRuntime.MaxDegreeOfParallelism <- savedThreads
