using System;
using System.Collections.Generic;
using FocalAot.Generator.Model;

namespace FocalAot.Generator;

/// <summary>
/// The operations of q^γ for a chain or half-chain γ, independent of the language they are written in:
/// exponentiation by squaring (q2 = q·q, q4 = q2·q2, …), an optional √q, and the product of the factors
/// taken in a fixed order. The generator writes it as C# over ISimdMath; the runtime renders OpenCL from that C#.
/// </summary>
internal sealed class PowerPlan
{
    private PowerPlan(List<string> squares, List<string> factors, bool usesRoot)
    {
        Squares = squares;
        Factors = factors;
        UsesRoot = usesRoot;
    }

    /// <summary>Names q2, q4, …: each the square of the previous (q first).</summary>
    public IReadOnlyList<string> Squares { get; }

    /// <summary>What to multiply, last first: root (if any) and the squares whose bit is set.</summary>
    public IReadOnlyList<string> Factors { get; }

    /// <summary>Whether a variable "root" = √q is needed.</summary>
    public bool UsesRoot { get; }

    public static PowerPlan For(PowerSpec power)
    {
        if (power.Form is not (PowerForm.Chain or PowerForm.HalfChain))
            throw new ArgumentException("Only chain forms have a multiplication plan.", nameof(power));

        var exponent = (int)Math.Floor(power.Gamma);
        var squares = new List<string>();
        var factors = new List<string>();
        var usesRoot = power.Form == PowerForm.HalfChain;
        if (usesRoot)
            factors.Add("root");

        var square = "q";
        for (var bit = 1; bit <= exponent; bit <<= 1)
        {
            if (bit > 1)
            {
                square = $"q{bit}";
                squares.Add(square);
            }

            if ((exponent & bit) != 0)
                factors.Add(square);
        }

        return new PowerPlan(squares, factors, usesRoot);
    }

    /// <summary>Renders the plan as statements ending in "return product;".</summary>
    public IEnumerable<string> Render(Func<string, string> sqrt, Func<string, string, string> multiply, string declare)
    {
        if (UsesRoot)
            yield return $"{declare} root = {sqrt("q")};";
        var previous = "q";
        foreach (var square in Squares)
        {
            yield return $"{declare} {square} = {multiply(previous, previous)};";
            previous = square;
        }

        var product = Factors[Factors.Count - 1];
        for (var i = Factors.Count - 2; i >= 0; i--)
            product = multiply(product, Factors[i]);
        yield return $"return {product};";
    }
}
