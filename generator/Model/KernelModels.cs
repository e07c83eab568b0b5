using System;
using System.Globalization;

namespace FocalAot.Generator.Model;

/// <summary>Values of FocalAot.Precision, as the generator sees them (numbers, not the runtime's enum).</summary>
internal enum KernelPrecision
{
    Single = 0,
    Double = 1,
}

/// <summary>How q^γ is evaluated for one γ.</summary>
internal enum PowerForm
{
    /// <summary>γ = 0: no factor at all.</summary>
    Identity,

    /// <summary>Integer γ: multiplications (exponentiation by squaring).</summary>
    Chain,

    /// <summary>γ = k + 1/2: one square root and multiplications.</summary>
    HalfChain,

    /// <summary>Any other γ: exp(γ log q) with γ a constant.</summary>
    Transcendental,
}

/// <summary>The class that declares kernels: where generated members go.</summary>
/// <param name="Namespace">The namespace, or empty for the global namespace.</param>
/// <param name="Name">The class name with its type parameters, as declared ("Kernels" or "Kernels&lt;T&gt;").</param>
/// <param name="ContainingTypes">Declarations of the enclosing types, outermost first ("partial class Outer&lt;T&gt;").</param>
/// <param name="FileStem">A name unique in the compilation, for hint names ("My.Outer_1.Kernels").</param>
internal sealed record KernelClass(string Namespace, string Name, EquatableArray<string> ContainingTypes, string FileStem);

/// <summary>One γ of a class (the power operator shared by both precisions).</summary>
internal sealed record PowerSpec(KernelClass Class, double Gamma)
{
    /// <summary>Largest exponent written as a multiplication chain; beyond it exp·log is as fast and as exact.</summary>
    public const int MaxChainExponent = 64;

    public PowerForm Form
    {
        get
        {
            if (Gamma == 0)
                return PowerForm.Identity;
            if (Gamma <= MaxChainExponent && Math.Floor(Gamma) == Gamma)
                return PowerForm.Chain;
            var twice = Gamma * 2;
            return Gamma <= MaxChainExponent && Math.Floor(twice) == twice ? PowerForm.HalfChain : PowerForm.Transcendental;
        }
    }

    /// <summary>γ as a round-trip C# double literal.</summary>
    public string Literal => Gamma.ToString("R", CultureInfo.InvariantCulture) + "D";

    /// <summary>The nested class name for this γ: Gamma2, Gamma2_5, Gamma0_7, Gamma1E_05.</summary>
    public string TypeName
        => "Gamma" + Gamma.ToString("R", CultureInfo.InvariantCulture).Replace('.', '_').Replace("-", "_").Replace("+", string.Empty);
}

/// <summary>One declared kernel: a γ in one precision.</summary>
internal sealed record KernelSpec(PowerSpec Power, KernelPrecision Precision)
{
    public string ElementType => Precision == KernelPrecision.Single ? "float" : "double";
}
