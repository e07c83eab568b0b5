/// The public API of FocalAot called the way F# code calls it, results checked against the float64 reference.
///
/// The operations are generic over the element type (Forward<'T>, ...) and take spans. F# converts an array to a
/// span (and a Span to a ReadOnlySpan) only where the parameter's type is fully known, so a call either names the
/// element type, `SigmoidFocalLoss.Forward<float32>(logits, targets, losses)`, and passes arrays, or passes spans
/// of the exact parameter types, `SigmoidFocalLoss.Forward(ReadOnlySpan logits, ReadOnlySpan targets, Span losses)`.
/// The options are a ref struct built with property setters, `FocalLossOptions(Gamma = 0.5, Reduction = ...)`: a
/// value that lives on the stack, so it is built where it is used (a closure cannot capture it).
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

/// Per-element weights for the 37 elements: 0 (the element is ignored), fractions, 1 and values above 1.
let private weights64 = Array.init logits64.Length (fun i -> [| 1.0; 0.5; 0.0; 2.25; 3.0; 0.125 |][i % 6])
let private weights32 = Array.map float32 weights64

/// The float32 inputs widened exactly, so the reference sees the very numbers the float kernel saw.
let private widen (values: float32[]) = Array.map float values

let private tol32 = 2e-6
let private tol64 = 1e-12

/// A weight multiplies a result rounded once more: the bound plus one rounding of the type.
let private tol32w = tol32 + 2.0 ** -24.0
let private tol64w = tol64 + 2.0 ** -53.0

let private assertClose (tolerance: float) (expected: float) (actual: float) =
    let error = abs (actual - expected)
    if not (error <= tolerance * abs expected) then
        Assert.Fail $"expected %.17g{expected}, got %.17g{actual} (relative error %.3g{error / abs expected}, tolerance %g{tolerance})"

let private assertAllClose tolerance (expected: float[]) (actual: float[]) =
    Assert.Equal(expected.Length, actual.Length)
    Array.iter2 (assertClose tolerance) expected actual

/// |actual - expected| ≤ relative·|expected| + absolute: for 16-bit results, whose rounding is relative down to
/// the smallest normal number and absolute below it.
let private assertNear (relative: float) (absolute: float) (expected: float) (actual: float) =
    let error = abs (actual - expected)
    if not (error <= relative * abs expected + absolute) then
        Assert.Fail $"expected %.17g{expected}, got %.17g{actual} (error %.3g{error}, allowed %g{relative} relative + %g{absolute})"

/// The reductions under test, with the divisor each applies to the sum of n losses (no weights: a weighted mean
/// is the mean).
let private reductions: (string * FocalReduction * (int -> float)) list =
    [ "Sum", FocalReduction.Sum, (fun _ -> 1.0)
      "Mean", FocalReduction.Mean, float
      "Normalized(4)", FocalReduction.Normalized 4.0, (fun _ -> 4.0)
      "WeightedMean", FocalReduction.WeightedMean, float ]

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
// Options
// ---------------------------------------------------------------------------------------------

/// Checks options against the defaults. A module-level function: a ref struct may be a parameter of a method, but not
/// of a closure or a local function (F# compiles those to objects).
let private assertDefaults (options: FocalLossOptions<float>) =
    Assert.Equal(SigmoidFocalLoss.DefaultGamma, options.Gamma)
    Assert.Equal(SigmoidFocalLoss.DefaultAlpha, options.Alpha)
    Assert.Equal(2.0, options.Gamma)
    Assert.Equal(0.25, options.Alpha)
    Assert.True(options.Weights.IsEmpty)
    Assert.True(options.ClassAlpha.IsEmpty)
    Assert.Equal(FocalReduction.None, options.Reduction)
    Assert.False(options.ForceGenericKernel)

[<Fact>]
let ``default options are gamma 2, alpha 0.25, no weights and no reduction`` () =
    assertDefaults (FocalLossOptions<float>())
    Assert.Equal(SigmoidFocalLoss.DefaultGamma, FocalLossOptions<float32>.DefaultGamma)
    Assert.Equal(SigmoidFocalLoss.DefaultAlpha, FocalLossOptions<float32>.DefaultAlpha)

    // Setting one property keeps the others' defaults.
    let onlyAlpha = FocalLossOptions<float32>(Alpha = 0.75)
    Assert.Equal(2.0, onlyAlpha.Gamma)
    Assert.Equal(0.75, onlyAlpha.Alpha)
    let onlyReduction = FocalLossOptions<float32>(Reduction = FocalReduction.Mean)
    Assert.Equal(2.0, onlyReduction.Gamma)
    Assert.Equal(0.25, onlyReduction.Alpha)
    Assert.Equal(FocalReduction.Mean, onlyReduction.Reduction)

[<Fact>]
let ``options read back what F# sets, spans included`` () =
    let weights = [| 1.0f; 0.5f; 0.0f |]
    let classAlpha = [| 0.25; 0.75 |]
    let options =
        FocalLossOptions<float32>(
            Gamma = 0.5,
            Alpha = -1.0,
            Weights = ReadOnlySpan weights,
            ClassAlpha = ReadOnlySpan classAlpha,
            Reduction = FocalReduction.Normalized 3.0,
            ForceGenericKernel = true
        )
    Assert.Equal(0.5, options.Gamma)
    Assert.Equal(-1.0, options.Alpha)
    Assert.Equal<float32>(weights, options.Weights.ToArray())
    Assert.Equal<float>(classAlpha, options.ClassAlpha.ToArray())
    Assert.Equal(FocalReduction.Normalized 3.0, options.Reduction)
    Assert.True(options.ForceGenericKernel)

    // An array converts to the span property where the element type is known.
    let fromArrays = FocalLossOptions<float32>(Weights = weights, ClassAlpha = classAlpha)
    Assert.Equal(3, fromArrays.Weights.Length)
    Assert.Equal(2, fromArrays.ClassAlpha.Length)

// ---------------------------------------------------------------------------------------------
// Forward
// ---------------------------------------------------------------------------------------------

[<Fact>]
let ``Forward none float32 with default options takes arrays once the element type is named`` () =
    let losses = Array.zeroCreate<float32> logits32.Length
    SigmoidFocalLoss.Forward<float32>(logits32, targets32, losses)
    let expected = Array.map2 (Reference.loss 2.0 0.25) (widen logits32) (widen targets32)
    assertAllClose tol32 expected (widen losses)

[<Fact>]
let ``Forward none double with default options`` () =
    let losses = Array.zeroCreate<float> logits64.Length
    SigmoidFocalLoss.Forward<float>(logits64, targets64, losses)
    assertAllClose tol64 (Array.map2 (Reference.loss 2.0 0.25) logits64 targets64) losses

[<Fact>]
let ``Forward takes spans with the element type inferred, and every way of passing gives the same bits`` () =
    let n = logits32.Length
    let named = Array.zeroCreate<float32> n
    SigmoidFocalLoss.Forward<float32>(logits32, targets32, named)

    let spans = Array.zeroCreate<float32> n
    SigmoidFocalLoss.Forward(ReadOnlySpan logits32, ReadOnlySpan targets32, Span spans)
    Assert.Equal<float32>(named, spans)

    // AsSpan gives a Span, which converts to the ReadOnlySpan parameters once the element type is named.
    let asSpan = Array.zeroCreate<float32> n
    SigmoidFocalLoss.Forward<float32>(logits32.AsSpan(), targets32.AsSpan(), asSpan.AsSpan())
    Assert.Equal<float32>(named, asSpan)

    // Omitted options, new() and the defaults set explicitly are the same call.
    let empty = Array.zeroCreate<float32> n
    SigmoidFocalLoss.Forward<float32>(logits32, targets32, empty, FocalLossOptions())
    Assert.Equal<float32>(named, empty)
    let explicitDefaults = Array.zeroCreate<float32> n
    SigmoidFocalLoss.Forward<float32>(logits32, targets32, explicitDefaults, FocalLossOptions(Gamma = 2.0, Alpha = 0.25))
    Assert.Equal<float32>(named, explicitDefaults)

[<Fact>]
let ``Forward none with gamma and alpha in the options`` () =
    let losses32 = Array.zeroCreate<float32> logits32.Length
    SigmoidFocalLoss.Forward<float32>(logits32, targets32, losses32, FocalLossOptions(Gamma = 0.5, Alpha = -1.0))
    let expected32 = Array.map2 (Reference.loss 0.5 -1.0) (widen logits32) (widen targets32)
    assertAllClose tol32 expected32 (widen losses32)

    let losses64 = Array.zeroCreate<float> logits64.Length
    SigmoidFocalLoss.Forward(ReadOnlySpan logits64, ReadOnlySpan targets64, Span losses64, FocalLossOptions(Gamma = 0.5, Alpha = -1.0))
    assertAllClose tol64 (Array.map2 (Reference.loss 0.5 -1.0) logits64 targets64) losses64

[<Fact>]
let ``Forward none with only alpha set keeps the default gamma`` () =
    let losses = Array.zeroCreate<float> logits64.Length
    SigmoidFocalLoss.Forward<float>(logits64, targets64, losses, FocalLossOptions(Alpha = 0.75))
    assertAllClose tol64 (Array.map2 (Reference.loss SigmoidFocalLoss.DefaultGamma 0.75) logits64 targets64) losses

[<Fact>]
let ``Forward reduced float32 and double for Sum, Mean, Normalized and WeightedMean`` () =
    for name, reduction, divisor in reductions do
        let n = logits64.Length
        let expected32 = Reference.sum 2.0 0.25 (widen logits32) (widen targets32) / divisor n
        let actual32: float32 = SigmoidFocalLoss.Forward<float32>(logits32, targets32, FocalLossOptions(Reduction = reduction))
        assertClose tol32 expected32 (float actual32)

        let expected64 = Reference.sum 2.0 0.25 logits64 targets64 / divisor n
        let actual64: float = SigmoidFocalLoss.Forward(ReadOnlySpan logits64, ReadOnlySpan targets64, FocalLossOptions(Reduction = reduction))
        assertClose tol64 expected64 actual64

        let named = SigmoidFocalLoss.Forward<float>(logits64, targets64, FocalLossOptions(Gamma = 0.5, Alpha = -1.0, Reduction = reduction))
        assertClose tol64 (Reference.sum 0.5 -1.0 logits64 targets64 / divisor n) named
        Assert.True(named > 0.0, name)

[<Fact>]
let ``Forward reduced of no elements is 0 for the sum and NaN for the mean`` () =
    Assert.Equal(
        0.0f, SigmoidFocalLoss.Forward<float32>(Array.empty<float32>, Array.empty<float32>, FocalLossOptions(Reduction = FocalReduction.Sum)))
    Assert.Equal(
        0.0, SigmoidFocalLoss.Forward<float>(Array.empty<float>, Array.empty<float>, FocalLossOptions(Reduction = FocalReduction.Normalized 4.0)))
    Assert.True(
        Double.IsNaN(SigmoidFocalLoss.Forward<float>(Array.empty<float>, Array.empty<float>, FocalLossOptions(Reduction = FocalReduction.Mean))))
    Assert.True(
        Double.IsNaN(
            SigmoidFocalLoss.Forward<float>(Array.empty<float>, Array.empty<float>, FocalLossOptions(Reduction = FocalReduction.WeightedMean))))

[<Fact>]
let ``Forward accepts slices and works in place`` () =
    // A slice of each input: a ReadOnlySpan over part of an array, or AsSpan(start, length) with the type named.
    let losses = Array.zeroCreate<float> 10
    SigmoidFocalLoss.Forward(ReadOnlySpan(logits64, 5, 10), ReadOnlySpan(targets64, 5, 10), Span losses)
    assertAllClose tol64 (Array.map2 (Reference.loss 2.0 0.25) logits64[5..14] targets64[5..14]) losses
    let sliced = Array.zeroCreate<float> 10
    SigmoidFocalLoss.Forward<float>(logits64.AsSpan(5, 10), targets64.AsSpan(5, 10), sliced)
    Assert.Equal<float>(losses, sliced)

    // In place: the output may be the very memory of the logits.
    let buffer = Array.copy logits64
    SigmoidFocalLoss.Forward<float>(buffer, targets64, buffer)
    assertAllClose tol64 (Array.map2 (Reference.loss 2.0 0.25) logits64 targets64) buffer

// ---------------------------------------------------------------------------------------------
// Backward
// ---------------------------------------------------------------------------------------------

let private upstream64 = Array.init logits64.Length (fun i -> 0.5 + 0.25 * float (i % 5))
let private upstream32 = Array.map float32 upstream64

[<Fact>]
let ``Backward with a per-element upstream, float32 and double`` () =
    let gradient32 = Array.zeroCreate<float32> logits32.Length
    SigmoidFocalLoss.Backward<float32>(logits32, targets32, upstream32, gradient32)
    let expected32 =
        Array.map3 (fun x y u -> u * Reference.gradient 2.0 0.25 x y) (widen logits32) (widen targets32) (widen upstream32)
    assertAllClose tol32 expected32 (widen gradient32)

    let gradient64 = Array.zeroCreate<float> logits64.Length
    SigmoidFocalLoss.Backward<float>(logits64, targets64, upstream64, gradient64, FocalLossOptions(Gamma = 0.5, Alpha = -1.0))
    let expected64 = Array.map3 (fun x y u -> u * Reference.gradient 0.5 -1.0 x y) logits64 targets64 upstream64
    assertAllClose tol64 expected64 gradient64

[<Fact>]
let ``Backward of a reduced loss with a scalar upstream, float32 and double`` () =
    let n = logits64.Length
    for _, reduction, divisor in reductions do
        let gradient32 = Array.zeroCreate<float32> n
        SigmoidFocalLoss.Backward<float32>(logits32, targets32, 1.5f, gradient32, FocalLossOptions(Reduction = reduction))
        let expected32 =
            Array.map2 (fun x y -> 1.5 * Reference.gradient 2.0 0.25 x y / divisor n) (widen logits32) (widen targets32)
        assertAllClose tol32 expected32 (widen gradient32)

        let gradient64 = Array.zeroCreate<float> n
        SigmoidFocalLoss.Backward<float>(logits64, targets64, 1.5, gradient64, FocalLossOptions(Gamma = 3.5, Alpha = 0.9, Reduction = reduction))
        let expected64 = Array.map2 (fun x y -> 1.5 * Reference.gradient 3.5 0.9 x y / divisor n) logits64 targets64
        assertAllClose tol64 expected64 gradient64

// ---------------------------------------------------------------------------------------------
// ForwardBackward
// ---------------------------------------------------------------------------------------------

[<Fact>]
let ``ForwardBackward per element, float32 and double`` () =
    let n = logits64.Length
    let losses32, gradient32 = Array.zeroCreate<float32> n, Array.zeroCreate<float32> n
    SigmoidFocalLoss.ForwardBackward<float32>(logits32, targets32, losses32, gradient32)
    assertAllClose tol32 (Array.map2 (Reference.loss 2.0 0.25) (widen logits32) (widen targets32)) (widen losses32)
    assertAllClose tol32 (Array.map2 (Reference.gradient 2.0 0.25) (widen logits32) (widen targets32)) (widen gradient32)

    let losses64, gradient64 = Array.zeroCreate<float> n, Array.zeroCreate<float> n
    SigmoidFocalLoss.ForwardBackward<float>(logits64, targets64, losses64, gradient64, FocalLossOptions(Gamma = 0.5, Alpha = -1.0))
    assertAllClose tol64 (Array.map2 (Reference.loss 0.5 -1.0) logits64 targets64) losses64
    assertAllClose tol64 (Array.map2 (Reference.gradient 0.5 -1.0) logits64 targets64) gradient64

[<Fact>]
let ``ForwardBackward reduced, float32 and double`` () =
    let n = logits64.Length
    for _, reduction, divisor in reductions do
        let gradient32 = Array.zeroCreate<float32> n
        let loss32 = SigmoidFocalLoss.ForwardBackward<float32>(logits32, targets32, gradient32, FocalLossOptions(Reduction = reduction))
        assertClose tol32 (Reference.sum 2.0 0.25 (widen logits32) (widen targets32) / divisor n) (float loss32)
        let expected32 = Array.map2 (fun x y -> Reference.gradient 2.0 0.25 x y / divisor n) (widen logits32) (widen targets32)
        assertAllClose tol32 expected32 (widen gradient32)

        let gradient64 = Array.zeroCreate<float> n
        let loss64 =
            SigmoidFocalLoss.ForwardBackward<float>(
                logits64, targets64, gradient64, FocalLossOptions(Reduction = reduction, Alpha = -1.0, Gamma = 0.5))
        assertClose tol64 (Reference.sum 0.5 -1.0 logits64 targets64 / divisor n) loss64
        assertAllClose tol64 (Array.map2 (fun x y -> Reference.gradient 0.5 -1.0 x y / divisor n) logits64 targets64) gradient64

[<Fact>]
let ``ForwardBackward is bit for bit Forward and Backward`` () =
    let n = logits32.Length
    let losses, gradient = Array.zeroCreate<float32> n, Array.zeroCreate<float32> n
    SigmoidFocalLoss.ForwardBackward<float32>(logits32, targets32, losses, gradient, FocalLossOptions(Gamma = 1.5))
    let forward, backward = Array.zeroCreate<float32> n, Array.zeroCreate<float32> n
    SigmoidFocalLoss.Forward<float32>(logits32, targets32, forward, FocalLossOptions(Gamma = 1.5))
    SigmoidFocalLoss.Backward<float32>(logits32, targets32, Array.create n 1.0f, backward, FocalLossOptions(Gamma = 1.5))
    Assert.Equal<float32>(forward, losses)
    Assert.Equal<float32>(backward, gradient)

    let reducedGradient = Array.zeroCreate<float> n
    let reduced = SigmoidFocalLoss.ForwardBackward<float>(logits64, targets64, reducedGradient, FocalLossOptions(Reduction = FocalReduction.Mean))
    let backwardGradient = Array.zeroCreate<float> n
    SigmoidFocalLoss.Backward<float>(logits64, targets64, 1.0, backwardGradient, FocalLossOptions(Reduction = FocalReduction.Mean))
    Assert.Equal(SigmoidFocalLoss.Forward<float>(logits64, targets64, FocalLossOptions(Reduction = FocalReduction.Mean)), reduced)
    Assert.Equal<float>(backwardGradient, reducedGradient)

// ---------------------------------------------------------------------------------------------
// Per-element weights, per-class alpha, the weighted mean
// ---------------------------------------------------------------------------------------------

/// The default α for each of n elements.
let private defaultAlphas n = Array.create n SigmoidFocalLoss.DefaultAlpha

[<Fact>]
let ``per-element weights multiply each loss and gradient, float32 and double`` () =
    let n = logits64.Length
    let x32, y32 = widen logits32, widen targets32
    let losses32, gradient32 = Array.zeroCreate<float32> n, Array.zeroCreate<float32> n
    SigmoidFocalLoss.ForwardBackward<float32>(logits32, targets32, losses32, gradient32, FocalLossOptions<float32>(Weights = weights32))
    assertAllClose tol32w (Reference.weightedLosses 2.0 (defaultAlphas n) (widen weights32) x32 y32) (widen losses32)
    assertAllClose tol32w (Reference.weightedGradients 2.0 (defaultAlphas n) (widen weights32) x32 y32) (widen gradient32)

    let alphas = Array.create n 0.9
    let losses64 = Array.zeroCreate<float> n
    SigmoidFocalLoss.Forward<float>(logits64, targets64, losses64, FocalLossOptions<float>(Gamma = 3.5, Alpha = 0.9, Weights = weights64))
    assertAllClose tol64w (Reference.weightedLosses 3.5 alphas weights64 logits64 targets64) losses64

    // A per-element upstream and a weight multiply the same gradient.
    let gradient64 = Array.zeroCreate<float> n
    SigmoidFocalLoss.Backward<float>(
        logits64, targets64, upstream64, gradient64, FocalLossOptions<float>(Gamma = 3.5, Alpha = 0.9, Weights = weights64))
    let expected = Array.map2 (*) upstream64 (Reference.weightedGradients 3.5 alphas weights64 logits64 targets64)
    // Weight and upstream: two roundings more than the kernel's bound.
    assertAllClose (tol64w + 2.0 ** -53.0) expected gradient64

    // Sum and Normalized divide the weighted sum by 1 and the normalizer, Mean by the element count.
    for reduction, divisor in [ FocalReduction.Sum, 1.0; FocalReduction.Normalized 4.0, 4.0; FocalReduction.Mean, float n ] do
        let reducedGradient = Array.zeroCreate<float> n
        let loss =
            SigmoidFocalLoss.ForwardBackward<float>(
                logits64, targets64, reducedGradient, FocalLossOptions<float>(Weights = weights64, Reduction = reduction))
        assertClose tol64w (Array.sum (Reference.weightedLosses 2.0 (defaultAlphas n) weights64 logits64 targets64) / divisor) loss
        let expectedGradient = Reference.weightedGradients 2.0 (defaultAlphas n) weights64 logits64 targets64 |> Array.map (fun g -> g / divisor)
        assertAllClose tol64w expectedGradient reducedGradient

[<Fact>]
let ``weight 0 ignores an element whatever its logit`` () =
    let logits = [| 3.0; infinity; -infinity; nan; -2.0; 1e308 |]
    let targets = [| 0.0; 0.0; 1.0; 1.0; 0.25; 0.0 |]
    let weights = [| 0.0; 0.0; 0.0; 0.0; 1.0; 0.0 |]
    let n = logits.Length
    let losses, gradient = Array.zeroCreate<float> n, Array.zeroCreate<float> n
    SigmoidFocalLoss.ForwardBackward<float>(logits, targets, losses, gradient, FocalLossOptions<float>(Weights = weights))
    for i in [ 0; 1; 2; 3; 5 ] do
        Assert.True((losses[i] = 0.0), $"loss {i} = {losses[i]}")
        Assert.True((gradient[i] = 0.0), $"gradient {i} = {gradient[i]}")
    assertClose tol64 (Reference.loss 2.0 0.25 -2.0 0.25) losses[4]
    assertClose tol64 (Reference.gradient 2.0 0.25 -2.0 0.25) gradient[4]

    // The ignored elements add nothing to the sum, and the weighted mean is the one weighted element's loss.
    let sum = SigmoidFocalLoss.Forward<float>(logits, targets, FocalLossOptions<float>(Weights = weights, Reduction = FocalReduction.Sum))
    Assert.Equal(losses[4], sum)
    let mean = SigmoidFocalLoss.Forward<float>(logits, targets, FocalLossOptions<float>(Weights = weights, Reduction = FocalReduction.WeightedMean))
    Assert.Equal(losses[4], mean)

[<Fact>]
let ``WeightedMean divides the weighted sum by the sum of the weights`` () =
    let n = logits64.Length
    let weightSum64 = Array.sum weights64
    let weightSum32 = Array.sum (widen weights32)

    let gradient32 = Array.zeroCreate<float32> n
    let loss32 =
        SigmoidFocalLoss.ForwardBackward<float32>(
            logits32, targets32, gradient32, FocalLossOptions<float32>(Weights = weights32, Reduction = FocalReduction.WeightedMean))
    let x32, y32, w32 = widen logits32, widen targets32, widen weights32
    assertClose tol32 (Array.sum (Reference.weightedLosses 2.0 (defaultAlphas n) w32 x32 y32) / weightSum32) (float loss32)
    assertAllClose tol32w (Reference.weightedGradients 2.0 (defaultAlphas n) w32 x32 y32 |> Array.map (fun g -> g / weightSum32)) (widen gradient32)

    let alphas = Array.create n 0.75
    let options = FocalLossOptions<float>(Gamma = 0.5, Alpha = 0.75, Weights = ReadOnlySpan weights64, Reduction = FocalReduction.WeightedMean)
    let loss64 = SigmoidFocalLoss.Forward(ReadOnlySpan logits64, ReadOnlySpan targets64, options)
    assertClose tol64 (Array.sum (Reference.weightedLosses 0.5 alphas weights64 logits64 targets64) / weightSum64) loss64
    let gradient64 = Array.zeroCreate<float> n
    SigmoidFocalLoss.Backward(ReadOnlySpan logits64, ReadOnlySpan targets64, 1.5, Span gradient64, options)
    let expected = Reference.weightedGradients 0.5 alphas weights64 logits64 targets64 |> Array.map (fun g -> 1.5 * g / weightSum64)
    assertAllClose (tol64w + 2.0 ** -53.0) expected gradient64

    // Fused is bit for bit the reduced Forward and Backward.
    let fusedGradient = Array.zeroCreate<float> n
    let backward = Array.zeroCreate<float> n
    Assert.Equal(loss64, SigmoidFocalLoss.ForwardBackward(ReadOnlySpan logits64, ReadOnlySpan targets64, Span fusedGradient, options))
    SigmoidFocalLoss.Backward(ReadOnlySpan logits64, ReadOnlySpan targets64, 1.0, Span backward, options)
    Assert.Equal<float>(backward, fusedGradient)

    // Without weights it is the mean, bit for bit; with weights that sum to 0 it is 0 / 0.
    let mean = SigmoidFocalLoss.Forward<float>(logits64, targets64, FocalLossOptions(Reduction = FocalReduction.Mean))
    Assert.Equal(mean, SigmoidFocalLoss.Forward<float>(logits64, targets64, FocalLossOptions(Reduction = FocalReduction.WeightedMean)))
    let zeros = Array.zeroCreate<float> n
    Assert.True(
        Double.IsNaN(
            SigmoidFocalLoss.Forward<float>(logits64, targets64, FocalLossOptions<float>(Weights = zeros, Reduction = FocalReduction.WeightedMean))))

/// A row-major [N, C] multi-label layout: 3163 rows of 83 classes (262,529 elements: above the size at which a call
/// splits across threads; neither C nor N·C a multiple of a vector width or of a chunk, so the class of the first
/// element of a block or a chunk varies).
let private rows, classes = 3163, 83
let private layoutLogits = Array.init (rows * classes) (fun i -> float32 (sin (float i * 0.7) * 9.0))
let private layoutTargets = Array.init (rows * classes) (fun i -> if (i * 7919) % 97 = 0 then 1.0f else 0.0f)
let private layoutClassAlpha = Array.init classes (fun c -> [| 0.0; 0.1; 0.25; 0.5; 0.9; 1.0; 1e-6 |][c % 7] + float (c % 3) * 1e-3 |> min 1.0)
let private layoutWeights = Array.init (rows * classes) (fun i -> float32 ((i % 5) % 4) * 0.5f)

[<Fact>]
let ``per-class alpha gives element i the alpha of class i mod C`` () =
    let n = rows * classes
    let x, y = widen layoutLogits, widen layoutTargets
    let alphas = Reference.perClassAlpha layoutClassAlpha n
    let ones = Array.create n 1.0

    let losses, gradient = Array.zeroCreate<float32> n, Array.zeroCreate<float32> n
    // The scalar alpha is ignored when per-class alphas are given.
    SigmoidFocalLoss.ForwardBackward<float32>(
        layoutLogits, layoutTargets, losses, gradient, FocalLossOptions(Alpha = -1.0, ClassAlpha = layoutClassAlpha))
    assertAllClose tol32 (Reference.weightedLosses 2.0 alphas ones x y) (widen losses)
    assertAllClose tol32 (Reference.weightedGradients 2.0 alphas ones x y) (widen gradient)

    let sum =
        SigmoidFocalLoss.Forward<float32>(
            layoutLogits, layoutTargets, FocalLossOptions(ClassAlpha = layoutClassAlpha, Reduction = FocalReduction.Sum))
    assertClose 1e-6 (Array.sum (Reference.weightedLosses 2.0 alphas ones x y)) (float sum)

    // With per-element weights as well, and in double on a small [N, C] = [9, 4] layout.
    let classAlpha = [| 0.25; 0.5; 0.0; 1.0 |]
    let x64, y64, w64 = logits64[..35], targets64[..35], weights64[..35]
    let losses64 = Array.zeroCreate<float> 36
    SigmoidFocalLoss.Forward<float>(x64, y64, losses64, FocalLossOptions<float>(Gamma = 0.5, ClassAlpha = classAlpha, Weights = w64))
    assertAllClose tol64w (Reference.weightedLosses 0.5 (Reference.perClassAlpha classAlpha 36) w64 x64 y64) losses64

[<Fact>]
let ``weights and per-class alpha do not depend on the SIMD path or the thread count`` () =
    let n = rows * classes
    let run () =
        let losses, gradient = Array.zeroCreate<float32> n, Array.zeroCreate<float32> n
        SigmoidFocalLoss.ForwardBackward<float32>(
            layoutLogits, layoutTargets, losses, gradient, FocalLossOptions(ClassAlpha = layoutClassAlpha, Weights = layoutWeights))
        let meanGradient = Array.zeroCreate<float32> n
        let mean =
            SigmoidFocalLoss.ForwardBackward<float32>(
                layoutLogits, layoutTargets, meanGradient,
                FocalLossOptions<float32>(ClassAlpha = layoutClassAlpha, Weights = layoutWeights, Reduction = FocalReduction.WeightedMean))
        losses, gradient, meanGradient, mean

    let savedPath, savedThreads = FocalRuntime.ActivePath, FocalRuntime.MaxDegreeOfParallelism
    try
        FocalRuntime.MaxDegreeOfParallelism <- 2
        let losses, gradient, meanGradient, mean = run ()
        FocalRuntime.MaxDegreeOfParallelism <- 1
        FocalRuntime.ActivePath <- SimdPath.Scalar
        let scalarLosses, scalarGradient, scalarMeanGradient, scalarMean = run ()
        Assert.Equal<float32>(losses, scalarLosses)
        Assert.Equal<float32>(gradient, scalarGradient)
        Assert.Equal<float32>(meanGradient, scalarMeanGradient)
        Assert.Equal(mean, scalarMean)
    finally
        FocalRuntime.ActivePath <- savedPath
        FocalRuntime.MaxDegreeOfParallelism <- savedThreads

// ---------------------------------------------------------------------------------------------
// 16-bit storage
// ---------------------------------------------------------------------------------------------

let private toHalf (value: float32) : Half = Half.op_Explicit value
let private toBFloat16 (value: float32) : BFloat16 = BFloat16.op_Explicit value
let private halfBits (values: Half[]) = Array.map BitConverter.HalfToUInt16Bits values
let private bfloat16Bits (values: BFloat16[]) = values |> Array.map (fun (v: BFloat16) -> v.RawValue)

/// Half: 11 significant bits (a result is within 2^-11 of its value, relative) and subnormals down to 2^-24 (half of
/// that, absolute, below the normal range). The kernel's float bound comes on top.
let private halfRelative, halfAbsolute = 2.0 ** -11.0 + tol32, 2.0 ** -25.0

/// bfloat16: 8 significant bits and float's exponent range.
let private bfloat16Relative, bfloat16Absolute = 2.0 ** -8.0 + tol32, 2.0 ** -134.0

[<Fact>]
let ``Half storage computes in float and rounds each result once`` () =
    let n = logits32.Length
    let logits, targets, weights = Array.map toHalf logits32, Array.map toHalf targets32, Array.map toHalf weights32
    let x, y, w = Array.map float logits, Array.map float targets, Array.map float weights

    let losses, gradient = Array.zeroCreate<Half> n, Array.zeroCreate<Half> n
    SigmoidFocalLoss.ForwardBackward<Half>(logits, targets, losses, gradient, FocalLossOptions(Gamma = 0.5, Alpha = 0.75))
    let alphas = Array.create n 0.75
    let ones = Array.create n 1.0
    Array.iter2 (assertNear halfRelative halfAbsolute) (Reference.weightedLosses 0.5 alphas ones x y) (Array.map float losses)
    Array.iter2 (assertNear halfRelative halfAbsolute) (Reference.weightedGradients 0.5 alphas ones x y) (Array.map float gradient)

    // Bit for bit the float call on the widened inputs, each result rounded to Half.
    let logits32: float32[] = Array.map float32 logits
    let targets32: float32[] = Array.map float32 targets
    let losses32, gradient32 = Array.zeroCreate<float32> n, Array.zeroCreate<float32> n
    SigmoidFocalLoss.ForwardBackward<float32>(logits32, targets32, losses32, gradient32, FocalLossOptions(Gamma = 0.5, Alpha = 0.75))
    Assert.Equal<uint16>(halfBits (Array.map toHalf losses32), halfBits losses)
    Assert.Equal<uint16>(halfBits (Array.map toHalf gradient32), halfBits gradient)

    // Weights in Half, a weighted mean rounded once to Half.
    let meanGradient = Array.zeroCreate<Half> n
    let mean =
        SigmoidFocalLoss.ForwardBackward<Half>(
            logits, targets, meanGradient, FocalLossOptions<Half>(Weights = weights, Reduction = FocalReduction.WeightedMean))
    let weightSum = Array.sum w
    assertNear halfRelative 0.0 (Array.sum (Reference.weightedLosses 2.0 (defaultAlphas n) w x y) / weightSum) (float mean)
    let expectedGradient = Reference.weightedGradients 2.0 (defaultAlphas n) w x y |> Array.map (fun g -> g / weightSum)
    Array.iter2 (assertNear (halfRelative + 2.0 ** -24.0) halfAbsolute) expectedGradient (Array.map float meanGradient)

    // Per-element Forward and Backward with an upstream, per-class alpha.
    let classAlpha = [| 0.25; 0.5; 0.0; 1.0 |]
    let alphas = Reference.perClassAlpha classAlpha 36
    let forward = Array.zeroCreate<Half> 36
    SigmoidFocalLoss.Forward(ReadOnlySpan(logits, 0, 36), ReadOnlySpan(targets, 0, 36), Span forward, FocalLossOptions(ClassAlpha = classAlpha))
    Array.iter2
        (assertNear halfRelative halfAbsolute)
        (Reference.weightedLosses 2.0 alphas (Array.create 36 1.0) x[..35] y[..35])
        (Array.map float forward)

[<Fact>]
let ``BFloat16 storage computes in float and rounds each result once`` () =
    let n = logits32.Length
    let logits, targets = Array.map toBFloat16 logits32, Array.map toBFloat16 targets32
    let x, y = logits |> Array.map (fun v -> float (float32 v)), targets |> Array.map (fun v -> float (float32 v))

    let losses, gradient = Array.zeroCreate<BFloat16> n, Array.zeroCreate<BFloat16> n
    SigmoidFocalLoss.ForwardBackward<BFloat16>(logits, targets, losses, gradient)
    let toFloat (values: BFloat16[]) = values |> Array.map (fun v -> float (float32 v))
    Array.iter2 (assertNear bfloat16Relative bfloat16Absolute) (Array.map2 (Reference.loss 2.0 0.25) x y) (toFloat losses)
    Array.iter2 (assertNear bfloat16Relative bfloat16Absolute) (Array.map2 (Reference.gradient 2.0 0.25) x y) (toFloat gradient)

    let logits32: float32[] = Array.map float32 logits
    let targets32: float32[] = Array.map float32 targets
    let losses32, gradient32 = Array.zeroCreate<float32> n, Array.zeroCreate<float32> n
    SigmoidFocalLoss.ForwardBackward<float32>(logits32, targets32, losses32, gradient32)
    Assert.Equal<uint16>(bfloat16Bits (Array.map toBFloat16 losses32), bfloat16Bits losses)
    Assert.Equal<uint16>(bfloat16Bits (Array.map toBFloat16 gradient32), bfloat16Bits gradient)

    let mean = SigmoidFocalLoss.Forward<BFloat16>(logits, targets, FocalLossOptions(Reduction = FocalReduction.Mean))
    assertNear bfloat16Relative 0.0 (Reference.sum 2.0 0.25 x y / float n) (float (float32 mean))

// ---------------------------------------------------------------------------------------------
// Argument errors
// ---------------------------------------------------------------------------------------------

/// Asserts that code throws an ArgumentException or a subclass naming the parameter.
let private throwsArgument (paramName: string) (code: unit -> unit) =
    let ex = Assert.ThrowsAny<ArgumentException>(Action code)
    Assert.Equal(paramName, ex.ParamName)

[<Fact>]
let ``gamma and alpha out of range name their option`` () =
    let losses = Array.zeroCreate<float> logits64.Length
    // Exact type and ParamName in one call (xunit v3's Throws(paramName, code)).
    Assert.Throws<ArgumentOutOfRangeException>(
        "gamma",
        fun () -> SigmoidFocalLoss.Forward<float>(logits64, targets64, losses, FocalLossOptions(Gamma = -1.0))
    )
    |> ignore
    throwsArgument "gamma" (fun () -> SigmoidFocalLoss.Forward<float>(logits64, targets64, losses, FocalLossOptions(Gamma = nan)))
    throwsArgument "gamma" (fun () ->
        SigmoidFocalLoss.Forward<float32>(logits32, targets32, FocalLossOptions(Gamma = infinity, Reduction = FocalReduction.Sum)) |> ignore)
    throwsArgument "alpha" (fun () -> SigmoidFocalLoss.Forward<float>(logits64, targets64, losses, FocalLossOptions(Alpha = 1.5)))
    throwsArgument "alpha" (fun () ->
        SigmoidFocalLoss.ForwardBackward<float>(
            logits64, targets64, losses, FocalLossOptions(Alpha = nan, Reduction = FocalReduction.Mean)) |> ignore)

[<Fact>]
let ``a target outside 0..1 or NaN names targets`` () =
    let losses = Array.zeroCreate<float32> logits32.Length
    let badHigh = Array.copy targets32
    badHigh[20] <- 1.5f
    Assert.Throws<ArgumentOutOfRangeException>("targets", fun () -> SigmoidFocalLoss.Forward<float32>(logits32, badHigh, losses)) |> ignore
    let badNaN = Array.copy targets64
    badNaN[36] <- nan
    throwsArgument "targets" (fun () -> SigmoidFocalLoss.Forward<float>(logits64, badNaN, FocalLossOptions(Reduction = FocalReduction.Sum)) |> ignore)
    let badLow = Array.copy targets64
    badLow[0] <- -0.125
    throwsArgument "targets" (fun () ->
        SigmoidFocalLoss.Backward<float>(
            logits64, badLow, 1.0, Array.zeroCreate<float> logits64.Length, FocalLossOptions(Reduction = FocalReduction.Sum)))

[<Fact>]
let ``a length mismatch names the short argument`` () =
    let n = logits64.Length
    throwsArgument "targets" (fun () -> SigmoidFocalLoss.Forward<float>(logits64, targets64[1..], Array.zeroCreate<float> n))
    throwsArgument "targets" (fun () ->
        SigmoidFocalLoss.Forward<float32>(logits32, targets32[1..], FocalLossOptions(Reduction = FocalReduction.Mean)) |> ignore)
    throwsArgument "losses" (fun () -> SigmoidFocalLoss.Forward<float>(logits64, targets64, Array.zeroCreate<float> (n - 1)))
    throwsArgument "upstream" (fun () ->
        SigmoidFocalLoss.Backward<float32>(logits32, targets32, Array.zeroCreate<float32> 3, Array.zeroCreate<float32> n))
    throwsArgument "gradient" (fun () ->
        SigmoidFocalLoss.ForwardBackward<float>(
            logits64, targets64, Array.zeroCreate<float> (n + 1), FocalLossOptions(Reduction = FocalReduction.Sum)) |> ignore)
    throwsArgument "weights" (fun () ->
        SigmoidFocalLoss.Forward<float>(logits64, targets64, Array.zeroCreate<float> n, FocalLossOptions<float>(Weights = weights64[1..])))

[<Fact>]
let ``overlapping outputs and a reduction that does not fit the overload are argument errors`` () =
    let n = logits64.Length
    let shared = Array.zeroCreate<float> (n + 2)
    // Spans cannot be captured by a closure, so the lambda slices the captured array itself.
    throwsArgument "gradient" (fun () ->
        SigmoidFocalLoss.ForwardBackward<float>(logits64, targets64, shared.AsSpan(0, n), shared.AsSpan(2, n)))
    // An output must not overlap the weights at all, not even exactly.
    let weights = Array.copy weights64
    throwsArgument "losses" (fun () -> SigmoidFocalLoss.Forward<float>(logits64, targets64, weights, FocalLossOptions<float>(Weights = weights)))
    // A reduced result needs a reduction; per-element results need none.
    throwsArgument "reduction" (fun () -> SigmoidFocalLoss.Forward<float>(logits64, targets64, FocalLossOptions()) |> ignore)
    throwsArgument "reduction" (fun () ->
        SigmoidFocalLoss.Backward<float32>(logits32, targets32, 1.0f, Array.zeroCreate<float32> n, FocalLossOptions(Gamma = 0.5)))
    throwsArgument "reduction" (fun () ->
        SigmoidFocalLoss.ForwardBackward<float>(
            logits64, targets64, Array.zeroCreate<float> n, FocalLossOptions(Reduction = FocalReduction.None)) |> ignore)
    throwsArgument "reduction" (fun () ->
        SigmoidFocalLoss.Forward<float>(logits64, targets64, Array.zeroCreate<float> n, FocalLossOptions(Reduction = FocalReduction.Mean)))
    throwsArgument "reduction" (fun () ->
        SigmoidFocalLoss.ForwardBackward<float32>(
            logits32, targets32, Array.zeroCreate<float32> n, Array.zeroCreate<float32> n, FocalLossOptions(Reduction = FocalReduction.Sum)))
    throwsArgument "normalizer" (fun () -> FocalReduction.Normalized 0.0 |> ignore)
    throwsArgument "normalizer" (fun () -> FocalReduction.Normalized nan |> ignore)

[<Fact>]
let ``an invalid weight or class alpha names its option`` () =
    let n = logits64.Length
    for bad in [ -0.5; nan; infinity ] do
        let weights = Array.copy weights64
        weights[7] <- bad
        Assert.Throws<ArgumentOutOfRangeException>(
            "weights",
            fun () -> SigmoidFocalLoss.Forward<float>(logits64, targets64, Array.zeroCreate<float> n, FocalLossOptions<float>(Weights = weights))
        )
        |> ignore
        // Also where the weights are summed first (a weighted mean).
        throwsArgument "weights" (fun () ->
            SigmoidFocalLoss.Forward<float>(
                logits64, targets64, FocalLossOptions<float>(Weights = weights, Reduction = FocalReduction.WeightedMean)) |> ignore)

    for bad in [ -0.25; 1.5; nan ] do
        let classAlpha = [| 0.25; bad; 0.5 |]
        Assert.Throws<ArgumentOutOfRangeException>(
            "classAlpha",
            fun () -> SigmoidFocalLoss.Forward<float32>(logits32, targets32, Array.zeroCreate<float32> n, FocalLossOptions(ClassAlpha = classAlpha))
        )
        |> ignore

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
    Assert.True((FocalReduction.None = FocalReduction()))
    Assert.False(FocalReduction.None.IsReduced)
    Assert.True(FocalReduction.WeightedMean.IsReduced)
    let describe (r: FocalReduction) =
        match r.Kind with
        | FocalReductionKind.None -> "none"
        | FocalReductionKind.Sum -> "sum"
        | FocalReductionKind.Mean -> "mean"
        | FocalReductionKind.Normalized -> $"sum / {r.Normalizer}"
        | FocalReductionKind.WeightedMean -> "weighted mean"
        | other -> $"unknown {other}"
    Assert.Equal("sum / 4", describe normalized)
    Assert.Equal("weighted mean", describe FocalReduction.WeightedMean)
    Assert.Equal("none", describe Unchecked.defaultof<FocalReduction>)

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
let ``the generic kernel on request stays within the accuracy bound`` () =
    let losses = Array.zeroCreate<float32> logits32.Length
    SigmoidFocalLoss.Forward<float32>(logits32, targets32, losses, FocalLossOptions(ForceGenericKernel = true))
    assertAllClose tol32 (Array.map2 (Reference.loss 2.0 0.25) (widen logits32) (widen targets32)) (widen losses)
    Assert.StartsWith("specialized γ = 2", SigmoidFocalLoss.DescribeKernel 2.0)
    Assert.StartsWith("generic γ = 0.7", SigmoidFocalLoss.DescribeKernel(0.7, Precision.Double))

[<Fact>]
let ``results do not depend on the SIMD path or the thread count`` () =
    // 2^18 + 3 elements: above the threshold where calls split across threads.
    let n = (1 <<< 18) + 3
    let logits = Array.init n (fun i -> float32 (sin (float i) * 12.0))
    let targets = Array.init n (fun i -> if i % 3 = 0 then 1.0f else 0.0f)
    let run () =
        let losses = Array.zeroCreate<float32> n
        SigmoidFocalLoss.Forward<float32>(logits, targets, losses)
        losses, SigmoidFocalLoss.Forward<float32>(logits, targets, FocalLossOptions(Reduction = FocalReduction.Mean))

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

[<Fact>]
let ``Poly-1 adds epsilon (1 - p_t)^(gamma + 1), and FLSD-53 takes gamma 5 below p_t = 0.2, else 3`` () =
    let poly = Array.zeroCreate<float> logits64.Length
    SigmoidFocalLoss.Forward<float>(logits64, targets64, poly, FocalLossOptions(Gamma = 1.5, PolyEpsilon = 2.0))
    let expectedPoly =
        Array.map2 (fun x y -> Reference.loss 1.5 0.25 x y + 2.0 * Reference.oneMinusPt x y ** 2.5) logits64 targets64
    assertAllClose tol64 expectedPoly poly

    let flsd = Array.zeroCreate<float> logits64.Length
    SigmoidFocalLoss.Forward<float>(logits64, targets64, flsd, FocalLossOptions(SampleDependentGamma = true))
    let expectedFlsd =
        Array.map2 (fun x y -> Reference.loss (if Reference.oneMinusPt x y > 0.8 then 5.0 else 3.0) 0.25 x y) logits64 targets64
    assertAllClose tol64 expectedFlsd flsd
