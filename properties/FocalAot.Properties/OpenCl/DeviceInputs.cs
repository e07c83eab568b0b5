using FocalAot.Properties.Support;

namespace FocalAot.Properties.OpenCl;

/// <summary>
/// Seeded inputs of every kind for device-versus-CPU comparisons: logits from tiny to ±1e4, ±∞, NaN and ±0; hard and
/// soft targets; weights with exact zeros, ones and a log-uniform spread; upstream gradients of both signs.
/// </summary>
internal sealed record DeviceInputs(double[] Logits, double[] Targets, double[] Weights, double[] Upstream)
{
    public int Length => Logits.Length;

    /// <param name="seed">The seed.</param>
    /// <param name="length">The number of elements.</param>
    /// <param name="nonFinite">Whether logits include ±∞ and NaN (which make a sum infinite or NaN).</param>
    public static DeviceInputs Create(int seed, int length, bool nonFinite = true)
    {
        var random = new Random(seed);
        var logits = new double[length];
        var targets = new double[length];
        var weights = new double[length];
        var upstream = new double[length];
        for (var i = 0; i < length; i++)
        {
            logits[i] = random.Next(nonFinite ? 0 : 3, 16) switch
            {
                0 => double.PositiveInfinity,
                1 => double.NegativeInfinity,
                2 => double.NaN,
                3 => random.Next(2) == 0 ? 0.0 : -0.0,
                4 => (random.NextDouble() * 2e4) - 1e4,
                5 => (random.NextDouble() - 0.5) * 1e-6,
                6 or 7 => (random.NextDouble() * 40) - 20,
                _ => Normal(random) * 3,
            };
            targets[i] = random.Next(3) switch { 0 => 0.0, 1 => 1.0, _ => random.NextDouble() };
            weights[i] = random.Next(6) switch
            {
                0 => 0.0,
                1 => 1.0,
                2 => Math.Exp((random.NextDouble() * 13.8) - 6.9),
                _ => random.NextDouble() * 2,
            };
            upstream[i] = Normal(random);
        }

        return new DeviceInputs(logits, targets, weights, upstream);
    }

    public T[] LogitsAs<T>()
        where T : unmanaged => Stored.From<T>(Logits);

    public T[] TargetsAs<T>()
        where T : unmanaged => Stored.From<T>(Targets);

    public T[] WeightsAs<T>()
        where T : unmanaged => Stored.From<T>(Weights);

    public T[] UpstreamAs<T>()
        where T : unmanaged => Stored.From<T>(Upstream);

    private static double Normal(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
