/// An independent float64 reference of sigmoid focal loss, written from the textbook definition
/// FL = -α_t (1 - p_t)^γ log p_t (Lin et al. 2017) in torchvision's soft-label form, where -log p_t is the
/// binary cross-entropy -[y log p + (1 - y) log(1 - p)]. It shares no code with the library.
module FocalAot.FSharp.Tests.Reference

/// log(1 + u), accurate for tiny u as well (Goldberg's correction: the rounding of 1 + u cancels out).
let log1p (u: float) =
    let w = 1.0 + u
    if w = 1.0 then u else log w * u / (w - 1.0)

/// log(1 + exp x) without overflow and without cancellation: -log σ(-x).
let softplus (x: float) = max x 0.0 + log1p (exp -(abs x))

/// σ(x) = 1 / (1 + exp -x), evaluated on the side where exp cannot overflow.
let sigmoid (x: float) =
    if x >= 0.0 then
        1.0 / (1.0 + exp -x)
    else
        let e = exp x
        e / (1.0 + e)

/// α_t = α y + (1 - α)(1 - y); a negative α switches the weighting off.
let alphaT (alpha: float) (y: float) =
    if alpha < 0.0 then 1.0 else alpha * y + (1.0 - alpha) * (1.0 - y)

/// -log p_t in torchvision's form: y·softplus(-x) + (1 - y)·softplus(x) = -[y log σ(x) + (1 - y) log σ(-x)].
let crossEntropy (x: float) (y: float) = y * softplus -x + (1.0 - y) * softplus x

/// 1 - p_t = y (1 - σ(x)) + (1 - y) σ(x), with 1 - σ(x) taken as σ(-x) so that nothing cancels.
let oneMinusPt (x: float) (y: float) = y * sigmoid -x + (1.0 - y) * sigmoid x

/// The focal loss of one element.
let loss (gamma: float) (alpha: float) (x: float) (y: float) =
    let modulation = if gamma = 0.0 then 1.0 else oneMinusPt x y ** gamma
    alphaT alpha y * modulation * crossEntropy x y

/// d loss / dx by the product rule: α_t [ γ q^(γ-1) q' CE + q^γ CE' ] with q = 1 - p_t,
/// q' = (1 - 2y) σ(x) σ(-x) and CE' = σ(x) - y (= (1 - y) σ(x) - y σ(-x)).
let gradient (gamma: float) (alpha: float) (x: float) (y: float) =
    let s, sn = sigmoid x, sigmoid -x
    let q = oneMinusPt x y
    let dq = (1.0 - 2.0 * y) * s * sn
    let ce = crossEntropy x y
    let dce = (1.0 - y) * s - y * sn
    let m = if gamma = 0.0 then 1.0 else q ** gamma
    let dm = if gamma = 0.0 || dq = 0.0 then 0.0 else gamma * q ** (gamma - 1.0) * dq
    alphaT alpha y * (dm * ce + m * dce)

/// A central finite difference of the reference loss, used only to check the reference gradient itself.
let finiteDifference (gamma: float) (alpha: float) (x: float) (y: float) =
    let h = 1e-5 * max 1.0 (abs x)
    (loss gamma alpha (x + h) y - loss gamma alpha (x - h) y) / (2.0 * h)

/// The sum of the per-element losses, in index order.
let sum gamma alpha (logits: float[]) (targets: float[]) =
    Array.fold2 (fun acc x y -> acc + loss gamma alpha x y) 0.0 logits targets

/// The α of each of n elements of a row-major [N, C] layout with one α per class: element i belongs to class i mod C.
let perClassAlpha (classAlpha: float[]) n = Array.init n (fun i -> classAlpha[i % classAlpha.Length])

/// Per-element losses with one α and one weight per element: w_i · loss(x_i, y_i; α_i).
let weightedLosses gamma (alphas: float[]) (weights: float[]) (logits: float[]) (targets: float[]) =
    Array.init logits.Length (fun i -> weights[i] * loss gamma alphas[i] logits[i] targets[i])

/// Per-element gradients with one α and one weight per element: w_i · d loss(x_i, y_i; α_i) / dx_i.
let weightedGradients gamma (alphas: float[]) (weights: float[]) (logits: float[]) (targets: float[]) =
    Array.init logits.Length (fun i -> weights[i] * gradient gamma alphas[i] logits[i] targets[i])
