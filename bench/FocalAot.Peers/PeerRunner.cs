using System.Globalization;

namespace FocalAot.Peers;

/// <summary>
/// Times every (operation, n, threads) combination: one warm-up call of each peer, then the peers interleaved in rounds,
/// the fastest round kept, then the allocation of one call of each; then one JSON row per peer on stdout.
/// </summary>
internal sealed class PeerRunner(IReadOnlyList<IPeer> peers, HarnessArguments arguments)
{
    private static readonly string[] Operations = ["forward", "fused"];

    public void Run()
    {
        foreach (var op in Operations)
        {
            foreach (var n in arguments.Sizes)
            {
                var inputs = PeerInputs.Read(arguments.DataDirectory, n);
                var bound = peers.Select(peer => peer.Bind(inputs)).ToArray();
                try
                {
                    foreach (var threads in arguments.Threads)
                        TimeCombination(op, n, threads, bound);
                }
                finally
                {
                    foreach (var peer in bound)
                        peer.Dispose();
                }
            }
        }
    }

    private void TimeCombination(string op, int n, int threads, IBoundPeer[] bound)
    {
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"peers: {op}, n = {n}, {threads} thread(s), {arguments.Rounds} round(s)"));
        var calls = bound.Select(peer => op == "forward" ? (Func<float>)peer.Forward : peer.Fused).ToArray();
        foreach (var peer in peers)
            peer.SetThreads(threads);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        foreach (var call in calls)
            call();

        var best = Enumerable.Repeat(double.PositiveInfinity, peers.Count).ToArray();
        var results = new float[peers.Count];
        for (var round = 0; round < arguments.Rounds; round++)
        {
            for (var i = 0; i < peers.Count; i++)
            {
                var (secondsPerCall, result) = RoundTimer.TimeRound(calls[i]);
                best[i] = Math.Min(best[i], secondsPerCall);
                results[i] = result;
            }
        }

        // The allocation of one call of each, counted after the rounds: in the steady state a training loop sees, when the
        // JIT's background compilations (whose mallocs the malloc counter would see too) are over.
        var allocations = peers.Select((peer, i) => AllocationMeter.Measure(calls[i], peer.AllocatesNatively)).ToArray();
        for (var i = 0; i < peers.Count; i++)
        {
            var row = new ResultRow(peers[i].Id, peers[i].Label, op, n, threads, best[i] * 1e9 / n, allocations[i], results[i]);
            Console.Out.WriteLine(row.ToJson());
        }

        Console.Out.Flush();
    }
}
