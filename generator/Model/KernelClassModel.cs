using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace FocalAot.Generator.Model;

/// <summary>One declared (γ, precision) pair, read from a [FocalKernel] attribute.</summary>
internal readonly record struct KernelDeclaration(double Gamma, KernelPrecision Precision);

/// <summary>Everything the generator needs from one class with [FocalKernel] attributes: primitives only.</summary>
internal sealed record KernelClassModel(KernelClass Class, EquatableArray<KernelDeclaration> Kernels)
{
    /// <summary>One power operator per distinct γ.</summary>
    public ImmutableArray<PowerSpec> Powers()
        => Kernels.Select(kernel => kernel.Gamma).Distinct().Select(gamma => new PowerSpec(Class, gamma)).ToImmutableArray();

    /// <summary>One set of entry points per declared kernel.</summary>
    public ImmutableArray<KernelSpec> Specs()
        => Kernels.Select(kernel => new KernelSpec(new PowerSpec(Class, kernel.Gamma), kernel.Precision)).ToImmutableArray();

    public IEnumerable<KernelSpec> SpecsOf(KernelPrecision precision) => Specs().Where(spec => spec.Precision == precision);
}
