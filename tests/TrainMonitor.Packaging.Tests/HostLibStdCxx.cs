using System.Text;

namespace TrainMonitor.Packaging.Tests;

/// <summary>Whether this host's libstdc++ defines a symbol version, i.e. whether the native fix has anything to do here.</summary>
internal static class HostLibStdCxx
{
    private static readonly string[] Directories =
        ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib"];

    /// <summary>Null when no libstdc++.so.6 is found in the usual directories.</summary>
    public static bool? Defines(string versionName)
    {
        var library = Directories.Select(d => Path.Combine(d, "libstdc++.so.6")).FirstOrDefault(File.Exists);
        if (library is null)
        {
            return null;
        }

        // Version names live NUL-terminated in .dynstr; a bytewise search with the terminator cannot match a longer name.
        var needle = Encoding.ASCII.GetBytes(versionName + "\0");
        return File.ReadAllBytes(library).AsSpan().IndexOf(needle) >= 0;
    }
}
