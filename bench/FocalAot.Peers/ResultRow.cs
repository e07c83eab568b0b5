using System.Text.Json;
using System.Text.Json.Serialization;

namespace FocalAot.Peers;

/// <summary>One row of the harness protocol: one peer, operation, size and thread count.</summary>
internal sealed record ResultRow(
    [property: JsonPropertyName("peer")] string Peer,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("op")] string Op,
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("ns_per_element")] double NsPerElement,
    [property: JsonPropertyName("alloc_bytes_per_call")] long? AllocBytesPerCall,
    [property: JsonPropertyName("mean_loss")] double MeanLoss)
{
    /// <summary>The row as one line of JSON (System.Text.Json writes numbers culture-invariantly).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ResultRowJson.Default.ResultRow);
}

/// <summary>The serializer of <see cref="ResultRow"/>, generated at compile time.</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ResultRow))]
internal sealed partial class ResultRowJson : JsonSerializerContext;
