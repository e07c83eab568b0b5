using FocalAot.Peers;

// The .NET harness of the peer benchmark (bench/peers/README.md, "The harness protocol"): FocalAot's public API,
// TorchSharp's sigmoid_focal_loss and a TensorPrimitives composite. Rows go to stdout, progress to stderr.
HarnessArguments arguments;
try
{
    arguments = HarnessArguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"FocalAot.Peers: {e.Message}");
    Console.Error.WriteLine(HarnessArguments.Usage);
    return 2;
}

IPeer[] peers = [new FocalAotPeer(), new TorchSharpPeer(), new TensorPrimitivesPeer()];
Console.Error.WriteLine($"peers: malloc counter {(AllocationMeter.CountsNativeMemory ? "present" : "absent")}");
Console.Out.WriteLine(HarnessInfo.ToJson());

new PeerRunner(peers, arguments).Run();

if (arguments.AccuracyDirectory is { } directory)
{
    var inputs = PeerInputs.Read(arguments.DataDirectory, arguments.AccuracyCount);
    foreach (var peer in peers)
    {
        Console.Error.WriteLine($"peers: accuracy of {peer.Id}, n = {inputs.Count}");
        AccuracyDump.Write(peer, inputs, directory);
    }
}

return 0;
