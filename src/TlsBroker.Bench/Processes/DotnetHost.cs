using System.Runtime.InteropServices;

namespace TlsBroker.Bench.Processes;

/// <summary>The <c>dotnet</c> host that runs this process, to start sibling .NET programs (<c>dotnet X.dll</c>) with the same runtime.</summary>
internal static class DotnetHost
{
    public static string Path()
    {
        // The shared runtime lives in DOTNET_ROOT/shared/Microsoft.NETCore.App/VERSION/; the host is DOTNET_ROOT/dotnet.
        var root = System.IO.Path.GetFullPath(System.IO.Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var host = System.IO.Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(host) ? host : "dotnet";
    }

    /// <summary>A program built next to tlsbroker.dll (this folder holds TlsBroker.Server.dll and tlsbroker.dll itself).</summary>
    public static string Sibling(string fileName) => System.IO.Path.Combine(AppContext.BaseDirectory, fileName);
}
