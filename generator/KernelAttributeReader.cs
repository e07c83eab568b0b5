using System;
using Microsoft.CodeAnalysis;
using FocalAot.Generator.Model;
using FocalAot.Numerics;

namespace FocalAot.Generator;

/// <summary>Reads and checks the arguments of one [FocalKernel(gamma, precision)] attribute (shared by the generator and the analyzer).</summary>
internal static class KernelAttributeReader
{
    public const string AttributeName = "FocalAot.FocalKernelAttribute";

    /// <summary>What is wrong with an attribute's arguments, if anything.</summary>
    public enum Problem
    {
        None,
        Unreadable,
        InvalidGamma,
        UnsupportedPrecision,
    }

    public static Problem Read(AttributeData attribute, out KernelDeclaration declaration)
    {
        declaration = default;
        var arguments = attribute.ConstructorArguments;
        if (arguments.Length == 0 || arguments[0].Value is not double gamma)
            return Problem.Unreadable;
        if (!GammaRange.Contains(gamma))
            return Problem.InvalidGamma;

        var precision = arguments.Length > 1 && arguments[1].Value is int value ? value : (int)KernelPrecision.Single;
        if (!Enum.IsDefined(typeof(KernelPrecision), precision))
            return Problem.UnsupportedPrecision;

        // -0 and +0 are one kernel.
        declaration = new KernelDeclaration(gamma == 0 ? 0 : gamma, (KernelPrecision)precision);
        return Problem.None;
    }
}
