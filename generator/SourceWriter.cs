using System;
using System.Text;

namespace FocalAot.Generator;

/// <summary>Builds indented source text; lines end in \n whatever the platform, so output is identical everywhere.</summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder builder = new();
    private int depth;

    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            for (var i = 0; i < depth; i++)
                builder.Append(IndentUnit);
            builder.Append(text);
        }

        builder.Append('\n');
        return this;
    }

    /// <summary>Writes <paramref name="header"/> (if any) and "{", indents until the returned scope is disposed, then writes "}".</summary>
    public IDisposable Block(string? header = null)
    {
        if (header is not null)
            Line(header);
        Line("{");
        depth++;
        return new Scope(this);
    }

    public override string ToString() => builder.ToString();

    private sealed class Scope(SourceWriter writer) : IDisposable
    {
        public void Dispose()
        {
            writer.depth--;
            writer.Line("}");
        }
    }
}
