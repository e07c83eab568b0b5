// The F# program of the package consumer test (build.ps1 test -Suite packages): a fresh F# console app that references
// the FocalAot package and calls SigmoidFocalLoss with Gamma = 2.5 on the C# consumer's inputs (F# has no source
// generators: the runtime API only), and the OpenCL path where the machine has a device. It prints the same digest as
// the C# consumer, and exits 1 when the device's results differ from the CPU's.
open System
open System.Globalization
open FocalAot
open FocalAot.OpenCl

let count = 300_007
let logits = Array.init count (fun i -> float32 ((i * 7919 % 2001) - 1000) / 64.0f)
let targets = Array.init count (fun i -> float32 (i * 31 % 11) / 10.0f)

let losses = Array.zeroCreate<float32> count
let gradient = Array.zeroCreate<float32> count
let meanGradient = Array.zeroCreate<float32> count
SigmoidFocalLoss.ForwardBackward<float32>(logits, targets, losses, gradient, FocalLossOptions(Gamma = 2.5))
let mean = SigmoidFocalLoss.ForwardBackward<float32>(logits, targets, meanGradient, FocalLossOptions(Gamma = 2.5, Reduction = FocalReduction.Mean))
let sum = SigmoidFocalLoss.Forward<float32>(logits, targets, FocalLossOptions(Gamma = 2.5, Reduction = FocalReduction.Sum))

/// FNV-1a (64-bit) over the bits of the results, in order, as the C# consumer computes it.
let digest (arrays: float32[] list) =
    let mutable hash = 14695981039346656037UL
    for array in arrays do
        for value in array do
            let bits = uint32 (BitConverter.SingleToInt32Bits value)
            for shift in 0..8..24 do
                hash <- (hash ^^^ uint64 ((bits >>> shift) &&& 0xFFu)) * 1099511628211UL
    hash

/// The OpenCL path where there is a device (discovery never throws): per-element results with the CPU's bits.
let sameBits (expected: float32[]) (actual: float32[]) =
    Array.forall2 (fun (e: float32) (a: float32) -> BitConverter.SingleToInt32Bits e = BitConverter.SingleToInt32Bits a) expected actual

let device, deviceMatches =
    if OpenClDevices.All.Count = 0 then
        "no OpenCL device: " + OpenClDevices.UnavailableReason, true
    else
        use context = OpenClContext.Create(OpenClDevices.All[0])
        let deviceLosses = Array.zeroCreate<float32> count
        let deviceGradient = Array.zeroCreate<float32> count
        // The device API takes its options by reference (`in`): a local, passed with &.
        let options = FocalLossOptions<float32>(Gamma = 2.5)
        context.SigmoidFocalLoss.ForwardBackward<float32>(logits, targets, deviceLosses, deviceGradient, &options)
        let matches = sameBits losses deviceLosses && sameBits gradient deviceGradient
        (if matches then "the same bits" else "MISMATCH") + " on " + OpenClDevices.All[0].Name, matches

Console.WriteLine("path: " + FocalRuntime.ActivePath.ToString())
Console.WriteLine("multiply-add: " + (if FocalRuntime.FusedMultiplyAdd then "fused" else "separate"))
Console.WriteLine("mean: " + mean.ToString("R", CultureInfo.InvariantCulture) + ", sum: " + sum.ToString("R", CultureInfo.InvariantCulture))
Console.WriteLine("digest: " + (digest [ losses; gradient; meanGradient; [| mean; sum |] ]).ToString("x16"))
Console.WriteLine("OpenCL: " + device)
exit (if deviceMatches then 0 else 1)
