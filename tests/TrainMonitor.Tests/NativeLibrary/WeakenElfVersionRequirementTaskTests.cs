using System.Reflection;
using System.Text;
using Microsoft.Build.Utilities;

namespace TrainMonitor.Tests.NativeLibrary;

/// <summary>
/// The build task that lets libLibTorchSharp.so load on hosts without GLIBCXX_3.4.32, run on copies of the
/// library exactly as NuGet delivers it.
/// </summary>
public sealed class WeakenElfVersionRequirementTaskTests : IDisposable
{
    private const string Version = "GLIBCXX_3.4.32";
    private readonly string _directory = Directory.CreateTempSubdirectory("trainmonitor-elf-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void PatchesOnlyTheVersionFlagAndIsIdempotent()
    {
        var original = File.ReadAllBytes(OriginalLibrary());
        var copy = Path.Combine(_directory, "libLibTorchSharp.so");
        File.WriteAllBytes(copy, original);
        var hostWithout = FakeLibStdCxx(includeVersion: false);

        var first = RunTask(copy, hostWithout, out var firstEngine);
        Assert.Empty(firstEngine.Errors);
        Assert.Single(first.Patched);
        Assert.Contains(firstEngine.Messages, m => m.Contains("marked the GLIBCXX_3.4.32 requirement weak", StringComparison.Ordinal));

        var patched = File.ReadAllBytes(copy);
        Assert.Equal(original.Length, patched.Length);
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        // vna_flags is a 16-bit little-endian field and VER_FLG_WEAK (0x2) lives in its low byte.
        var offset = Assert.Single(changed);
        Assert.Equal(original[offset] | 0x2, patched[offset]);

        var second = RunTask(copy, hostWithout, out var secondEngine);
        Assert.Empty(second.Patched);
        Assert.Contains(secondEngine.Messages, m => m.Contains("already weak", StringComparison.Ordinal));
        Assert.Equal(patched, File.ReadAllBytes(copy));
    }

    [Fact]
    public void LeavesTheLibraryAloneWhenTheHostProvidesTheVersion()
    {
        var original = File.ReadAllBytes(OriginalLibrary());
        var copy = Path.Combine(_directory, "libLibTorchSharp.so");
        File.WriteAllBytes(copy, original);

        var task = RunTask(copy, FakeLibStdCxx(includeVersion: true), out var engine);

        Assert.Empty(engine.Errors);
        Assert.Empty(task.Patched);
        Assert.Equal(original, File.ReadAllBytes(copy));
    }

    [Fact]
    public void RegardlessOfHostPatchesEvenWhenTheHostProvidesTheVersion()
    {
        // A tool package is built on one host and installed on others: the build host's libstdc++ decides nothing.
        var original = File.ReadAllBytes(OriginalLibrary());
        var copy = Path.Combine(_directory, "libLibTorchSharp.so");
        File.WriteAllBytes(copy, original);

        var task = RunTask(copy, FakeLibStdCxx(includeVersion: true), out var engine, regardlessOfHost: true);

        Assert.Empty(engine.Errors);
        Assert.Single(task.Patched);
        Assert.Contains(engine.Messages, m => m.Contains("marked the GLIBCXX_3.4.32 requirement weak", StringComparison.Ordinal)
            && m.Contains("output for other hosts", StringComparison.Ordinal));
        var patched = File.ReadAllBytes(copy);
        var offset = Assert.Single(Enumerable.Range(0, original.Length), i => original[i] != patched[i]);
        Assert.Equal(original[offset] | 0x2, patched[offset]);
    }

    [Fact]
    public void DoesNotWriteThroughAHardLinkIntoTheSource()
    {
        var source = Path.Combine(_directory, "cache.so");
        File.WriteAllBytes(source, File.ReadAllBytes(OriginalLibrary()));
        var link = Path.Combine(_directory, "libLibTorchSharp.so");
        if (!TryHardLink(source, link))
        {
            return; // The file system refuses hard links: nothing to guard against there.
        }

        RunTask(link, FakeLibStdCxx(includeVersion: false), out var engine);

        Assert.Empty(engine.Errors);
        Assert.Equal(File.ReadAllBytes(OriginalLibrary()), File.ReadAllBytes(source));
        Assert.NotEqual(File.ReadAllBytes(source), File.ReadAllBytes(link));
    }

    [Fact]
    public void NonElfFilesAreReportedAndLeftUnchanged()
    {
        var path = Path.Combine(_directory, "libLibTorchSharp.so");
        File.WriteAllText(path, "not an ELF file at all, but long enough to have a header of sixty-four bytes...");
        var before = File.ReadAllBytes(path);

        var task = RunTask(path, FakeLibStdCxx(includeVersion: false), out var engine);

        Assert.Empty(engine.Errors);
        Assert.Empty(task.Patched);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void TestHostOutputCopyIsWeakExactlyWhenTheHostLacksTheVersion()
    {
        var output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        Assert.True(File.Exists(output), $"expected the native library at {output}");
        var hostHasVersion = HostLibStdCxxHasVersion();
        var task = RunTask(output, libStdCxx: string.Empty, out var engine, dryRunCopy: true);
        Assert.Empty(engine.Errors);
        // The build already ran the task on this copy: a second run must find nothing to do either way.
        Assert.Empty(task.Patched);
        if (!hostHasVersion)
        {
            Assert.Contains(engine.Messages, m => m.Contains("already weak", StringComparison.Ordinal));
        }
    }

    private TrainMonitorWeakenElfVersionRequirement RunTask(string file, string libStdCxx, out RecordingBuildEngine engine, bool dryRunCopy = false,
        bool regardlessOfHost = false)
    {
        var target = file;
        if (dryRunCopy)
        {
            target = Path.Combine(_directory, "output-copy.so");
            File.Copy(file, target, overwrite: true);
        }

        engine = new RecordingBuildEngine();
        var task = new TrainMonitorWeakenElfVersionRequirement
        {
            BuildEngine = engine,
            Files = new[] { new TaskItem(target) },
            VersionName = Version,
            LibStdCxxPath = libStdCxx,
            RegardlessOfHost = regardlessOfHost,
        };
        Assert.True(task.Execute() || engine.Errors.Count > 0);
        return task;
    }

    private string FakeLibStdCxx(bool includeVersion)
    {
        var path = Path.Combine(_directory, includeVersion ? "libstdc++-new.so.6" : "libstdc++-old.so.6");
        var text = "\0GLIBCXX_3.4.29\0GLIBCXX_3.4.30\0" + (includeVersion ? "GLIBCXX_3.4.31\0GLIBCXX_3.4.32\0" : string.Empty);
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes(text));
        return path;
    }

    private static bool HostLibStdCxxHasVersion()
    {
        foreach (var directory in new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib" })
        {
            var candidate = Path.Combine(directory, "libstdc++.so.6");
            if (File.Exists(candidate))
            {
                var bytes = File.ReadAllBytes(candidate);
                var needle = Encoding.ASCII.GetBytes(Version + "\0");
                return bytes.AsSpan().IndexOf(needle) >= 0;
            }
        }

        return false;
    }

    private static string OriginalLibrary()
    {
        var root = typeof(WeakenElfVersionRequirementTaskTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "NuGetPackageRoot").Value!;
        var path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"the NuGet copy of libLibTorchSharp.so is expected at {path}");
        return path;
    }

    private static bool TryHardLink(string source, string link)
    {
        try
        {
            using var process = System.Diagnostics.Process.Start("ln", new[] { source, link });
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
