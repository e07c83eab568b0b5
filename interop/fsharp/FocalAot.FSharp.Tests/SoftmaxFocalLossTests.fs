/// SoftmaxFocalLoss called the way F# code calls it (both type arguments named, arrays as spans), checked against
/// cross-entropy and the focal formula written here in float64 from log-softmax.
module FocalAot.FSharp.Tests.SoftmaxFocalLossTests

open System
open Xunit
open FocalAot

let private classes = 7

/// 5 rows of 7 logits (a tail at every vector width), one confident row and one tie at the maximum.
let private logits =
    Array.init (5 * classes) (fun i -> 3.0 * sin (float i * 1.7) + (if i = 15 then 12.0 else 0.0))
    |> Array.mapi (fun i x -> if i = 30 || i = 31 then 4.5 else x)

let private labels = [| 2; 0; 1; 6; 3 |]

/// log(1 + u) to a few ulp (Goldberg's correction of the rounded 1 + u).
let private log1p (u: float) =
    let w = 1.0 + u
    if w = 1.0 then u else log w * u / (w - 1.0)

/// -log p_j of one row, from a max-shifted log-sum-exp in float64: log Z = log1p(the mass besides the top class).
let private minusLogSoftmax (row: float[]) =
    let m = Array.max row
    let top = Array.IndexOf(row, m)
    let others = row |> Array.mapi (fun j x -> if j = top then 0.0 else exp (x - m)) |> Array.sum
    let logZ = log1p others
    row |> Array.map (fun x -> (m - x) + logZ)

let private row i = logits[i * classes .. (i + 1) * classes - 1]

/// The focal loss of one row with a class index, α and γ, label smoothing ε.
let private focal (i: int) (gamma: float) (alpha: float) (epsilon: float) =
    let nlp = minusLogSoftmax (row i)
    nlp
    |> Array.mapi (fun j l ->
        let y = (if j = labels[i] then 1.0 - epsilon else 0.0) + epsilon / float classes
        let q = 1.0 - exp (-l)
        alpha * y * (q ** gamma) * l)
    |> Array.sum

[<Fact>]
let ``Gamma 0 without alpha is cross-entropy, per row, in double`` () =
    let losses = Array.zeroCreate<float> 5
    SoftmaxFocalLoss.Forward<float, int>(logits, labels, classes, losses, FocalLossOptions(Gamma = 0.0, Alpha = -1.0))
    for i in 0..4 do
        let expected = (minusLogSoftmax (row i))[labels[i]]
        Assert.True(abs (losses[i] - expected) <= 1e-13 * expected, $"row {i}: {losses[i]} vs {expected}")

[<Fact>]
let ``Focal loss with label smoothing, mean in float, and the fused gradient equals backward`` () =
    let x32 = Array.map float32 logits
    let gradient = Array.zeroCreate<float32> x32.Length
    let mean =
        SoftmaxFocalLoss.ForwardBackward<float32, int>(
            x32, labels, classes, gradient, FocalLossOptions(Gamma = 2.0, Alpha = 0.25, LabelSmoothing = 0.1, Reduction = FocalReduction.Mean))
    let expected = (Array.init 5 (fun i -> focal i 2.0 0.25 0.1) |> Array.sum) / 5.0
    Assert.True(abs (float mean - expected) <= 4e-6 * expected, $"{mean} vs {expected}")
    let backward = Array.zeroCreate<float32> x32.Length
    SoftmaxFocalLoss.Backward<float32, int>(
        x32, labels, classes, 1.0f, backward, FocalLossOptions(Gamma = 2.0, Alpha = 0.25, LabelSmoothing = 0.1, Reduction = FocalReduction.Mean))
    Assert.Equal<float32[]>(gradient, backward)

[<Fact>]
let ``An out-of-range class index is an argument error that names the row`` () =
    let bad = [| 2; 0; 9; 6; 3 |]
    let losses = Array.zeroCreate<float> 5
    let error =
        Assert.Throws<ArgumentOutOfRangeException>(fun () ->
            SoftmaxFocalLoss.Forward<float, int>(logits, bad, classes, losses, FocalLossOptions()))
    Assert.Equal("targets", error.ParamName)
    Assert.Contains("targets[2] = 9", error.Message)
