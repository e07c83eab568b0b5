namespace FocalAot.Demo;

/// <summary>Draws the demo needs beyond <see cref="Random"/>'s own.</summary>
internal static class RandomExtensions
{
    /// <summary>One N(0, 1) draw by the Box–Muller transform (1 − u keeps the logarithm's argument above 0).</summary>
    public static double NextStandardNormal(this Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
