using FocalAot.OpenCl;
using Xunit;

namespace FocalAot.Properties.OpenCl;

/// <summary>One context on the first OpenCL device (PoCL's CPU device in CI), shared by the OpenCL tests.</summary>
public sealed class OpenClContextFixture : IDisposable
{
    private readonly OpenClContext? context;

    public OpenClContextFixture()
    {
        if (OpenClDevices.All.Count > 0)
            context = OpenClContext.Create(OpenClDevices.All[0]);
    }

    /// <summary>The context; skips the calling test when the machine has no OpenCL device (CI installs PoCL, so it has one).</summary>
    public OpenClContext Context
    {
        get
        {
            if (context is null)
                Assert.Skip($"The OpenCL tests need an OpenCL device: {OpenClDevices.UnavailableReason}.");
            return context;
        }
    }

    public void Dispose() => context?.Dispose();
}

[CollectionDefinition(Name)]
public sealed class OpenClGroup : ICollectionFixture<OpenClContextFixture>
{
    public const string Name = "OpenCL device";
}
