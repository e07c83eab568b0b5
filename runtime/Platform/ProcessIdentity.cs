using System.Runtime.InteropServices;

namespace FocalAot.Platform;

/// <summary>The id of the running process, read from the OS on every call.</summary>
/// <remarks>
/// <see cref="Environment.ProcessId"/> is cached, so a child made by <c>fork()</c> still sees its parent's id;
/// <c>getpid()</c> is a cheap system call that does not. Windows has no fork: there the id never changes.
/// </remarks>
internal static partial class ProcessIdentity
{
    public static int CurrentId => OperatingSystem.IsWindows() ? 0 : GetProcessId();

    [LibraryImport("libc", EntryPoint = "getpid")]
    private static partial int GetProcessId();
}
