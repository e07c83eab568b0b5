using System.Globalization;
using Silk.NET.OpenCL;

namespace FocalAot.OpenCl;

/// <summary>An OpenCL call failed: the call, its status code and name, and for a program build the build log.</summary>
public sealed class OpenClException : Exception
{
    /// <summary>Creates the error of a failed call.</summary>
    /// <param name="call">The OpenCL function, e.g. "clBuildProgram".</param>
    /// <param name="status">The status it returned.</param>
    /// <param name="detail">More context (for a build, the build log), or null.</param>
    public OpenClException(string call, int status, string? detail = null)
        : base(Describe(call, status, detail))
    {
        Call = call;
        Status = status;
    }

    /// <summary>The OpenCL function that failed.</summary>
    public string Call { get; }

    /// <summary>The status code it returned (negative, e.g. -11 for CL_BUILD_PROGRAM_FAILURE).</summary>
    public int Status { get; }

    private static string Describe(string call, int status, string? detail)
    {
        var name = Enum.IsDefined((ErrorCodes)status) ? ((ErrorCodes)status).ToString() : "unknown status";
        var message = string.Create(CultureInfo.InvariantCulture, $"{call} failed with OpenCL status {status} ({name}).");
        return string.IsNullOrEmpty(detail) ? message : message + Environment.NewLine + detail;
    }
}
