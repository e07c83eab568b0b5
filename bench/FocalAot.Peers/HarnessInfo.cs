using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;

namespace FocalAot.Peers;

/// <summary>The protocol's info object: what this harness ran on, for the report's machine line.</summary>
internal sealed record HarnessInfo(
    [property: JsonPropertyName("dotnet")] string Runtime,
    [property: JsonPropertyName("focalaot_dotnet_path")] string SimdPath,
    [property: JsonPropertyName("torchsharp")] string TorchSharp)
{
    /// <summary>The info line: <c>{"info": {...}}</c>.</summary>
    public static string ToJson()
    {
        var info = new HarnessInfo(
            RuntimeInformation.FrameworkDescription,
            FocalRuntime.ActivePath.ToString(),
            typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "unknown");
        return JsonSerializer.Serialize(new InfoLine(info), HarnessInfoJson.Default.InfoLine);
    }
}

/// <summary>The envelope of <see cref="HarnessInfo"/>.</summary>
internal sealed record InfoLine([property: JsonPropertyName("info")] HarnessInfo Info);

/// <summary>The serializer of <see cref="InfoLine"/>, generated at compile time.</summary>
[JsonSerializable(typeof(InfoLine))]
internal sealed partial class HarnessInfoJson : JsonSerializerContext;
