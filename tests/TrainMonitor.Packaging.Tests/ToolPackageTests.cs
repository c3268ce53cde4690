using System.IO.Compression;
using Xunit.Abstractions;

namespace TrainMonitor.Packaging.Tests;

/// <summary>
/// The two tools as a user installs them from a feed: the light <c>trainmonitor</c> (report, summary, compare; no libtorch)
/// and <c>trainmonitor-analyze</c> (one package per runtime, each with its libtorch), both within nuget.org's package size
/// limit. The light tool comes from the fixture's pack; analyze is packed here for this machine's runtime only.
/// </summary>
[Collection(PackagingCollection.Name)]
[Trait("Category", "Packaging")]
public sealed class ToolPackageTests(PackedConsumerFixture fixture, ITestOutputHelper output)
{
    /// <summary>nuget.org refuses larger packages (its limit is 250 MB; taken in decimal megabytes, the stricter reading).</summary>
    private const long NuGetOrgLimitBytes = 250L * 1000 * 1000;

    private string LightPackage => Path.Combine(fixture.Feed, $"TrainMonitor.Cli.{fixture.Version}.nupkg");

    [Fact]
    public async Task TheLightToolInstallsFromTheFeedWithoutLibTorchAndSummarizesARun()
    {
        Assert.True(fixture.Pack.ExitCode == 0, fixture.Pack.ToString());
        var tools = Path.Combine(fixture.WorkRoot, "tools-light");
        var install = await fixture.RunDotNetAsync(fixture.WorkRoot,
            ["tool", "install", "--tool-path", tools, "--add-source", fixture.Feed, "TrainMonitor.Cli", "--version", fixture.Version]);
        Assert.True(install.ExitCode == 0, install.ToString());

        // Nothing native of torch: neither libtorch nor TorchSharp's own LibTorchSharp (the managed TorchSharp.dll stays, unloaded).
        var torchNatives = Directory.EnumerateFiles(tools, "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName).Where(n => n!.Contains("libtorch", StringComparison.OrdinalIgnoreCase)
                || n.Contains("torch_cpu", StringComparison.OrdinalIgnoreCase) || n.Contains("LibTorchSharp", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(torchNatives);

        var run = Path.Combine(AppContext.BaseDirectory, "Fixtures", "mnist-mlp.jsonl");
        var summary = await fixture.RunProgramAsync(Path.Combine(tools, "trainmonitor"), fixture.WorkRoot, ["summary", run]);
        Assert.True(summary.ExitCode == 0, summary.ToString());
        Assert.Contains("mnist-mlp  2 probes, steps 1,200–1,600", summary.Output, StringComparison.Ordinal);
        Assert.Contains("feature_learning", summary.Output, StringComparison.Ordinal);
        Assert.Contains("Final regime: lazy_stagnant", summary.Output, StringComparison.Ordinal);
        Assert.Contains("Batch spectra by method: lanczos 4 (Lanczos: 64 steps)", summary.Output, StringComparison.Ordinal);

        var analyze = await fixture.RunProgramAsync(Path.Combine(tools, "trainmonitor"), fixture.WorkRoot, ["analyze", "ckpt/"]);
        Assert.NotEqual(0, analyze.ExitCode);
        Assert.Contains("dotnet tool install -g TrainMonitor.Cli.Analyze, then trainmonitor-analyze ckpt/", analyze.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BothToolsFitNuGetOrgsPackageSizeLimit()
    {
        Assert.True(fixture.Pack.ExitCode == 0, fixture.Pack.ToString());
        var light = new FileInfo(LightPackage).Length;
        output.WriteLine($"TrainMonitor.Cli (light, trainmonitor): {Megabytes(light)}");
        var analyzeSizes = "analyze not packed: no libtorch for " + System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        if (PackedConsumerFixture.AnalyzeRuntime is { } rid)
        {
            var pack = await fixture.PackAnalyzeAsync();
            Assert.True(pack.ExitCode == 0, pack.ToString());
            var pointer = new FileInfo(Path.Combine(fixture.Feed, $"TrainMonitor.Cli.Analyze.{fixture.Version}.nupkg")).Length;
            var runtime = new FileInfo(Path.Combine(fixture.Feed, $"TrainMonitor.Cli.Analyze.{rid}.{fixture.Version}.nupkg")).Length;
            analyzeSizes = $"TrainMonitor.Cli.Analyze (pointer): {Megabytes(pointer)}; TrainMonitor.Cli.Analyze.{rid}: {Megabytes(runtime)}";
            output.WriteLine(analyzeSizes);
            Assert.True(runtime <= NuGetOrgLimitBytes, $"{analyzeSizes}: above nuget.org's 250 MB");
        }

        Assert.True(light <= NuGetOrgLimitBytes, $"TrainMonitor.Cli is {Megabytes(light)}, above nuget.org's 250 MB ({analyzeSizes})");
    }

    [Fact]
    public async Task TheAnalyzeToolInstallsForThisRuntimeAndProbesSavedCheckpoints()
    {
        if (PackedConsumerFixture.AnalyzeRuntime is not { } rid)
        {
            output.WriteLine("TorchSharp-cpu ships no libtorch for " + System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier);
            return;
        }

        Assert.True(fixture.Pack.ExitCode == 0, fixture.Pack.ToString());
        var pack = await fixture.PackAnalyzeAsync();
        Assert.True(pack.ExitCode == 0, pack.ToString());
        if (rid == "linux-x64")
        {
            // Patched whatever this host's libstdc++: the package will meet hosts without GLIBCXX_3.4.32.
            Assert.Matches(@"TrainMonitor: marked the GLIBCXX_3\.4\.32 requirement weak in \S+/publish/libLibTorchSharp\.so \(output for other hosts\)", pack.Output);
        }

        PackageMetadataTests.AssertMetadata(Path.Combine(fixture.Feed, $"TrainMonitor.Cli.Analyze.{fixture.Version}.nupkg"),
            "TrainMonitor.Cli.Analyze", readmeFrom: "TrainMonitor.Cli.Analyze");
        PackageMetadataTests.AssertMetadata(Path.Combine(fixture.Feed, $"TrainMonitor.Cli.Analyze.{rid}.{fixture.Version}.nupkg"),
            $"TrainMonitor.Cli.Analyze.{rid}", readmeFrom: "TrainMonitor.Cli.Analyze");

        // dotnet tool install resolves the pointer package to this runtime's package.
        var tools = Path.Combine(fixture.WorkRoot, "tools-analyze");
        var install = await fixture.RunDotNetAsync(fixture.WorkRoot,
            ["tool", "install", "--tool-path", tools, "--add-source", fixture.Feed, "TrainMonitor.Cli.Analyze", "--version", fixture.Version]);
        Assert.True(install.ExitCode == 0, install.ToString());

        // The committed MLP series, probed as small as the protocol allows: this loads libtorch from the installed tool
        // (on hosts without GLIBCXX_3.4.32 only because the packed LibTorchSharp has that requirement weak).
        var checkpoints = Path.Combine(Repository.Root, "examples", "checkpoints");
        var analyze = await fixture.RunProgramAsync(Path.Combine(tools, "trainmonitor-analyze"), fixture.WorkRoot,
        [
            Path.Combine(checkpoints, "mlp", "torchscript"), "--tokens", Path.Combine(checkpoints, "tokens", "probe.bin"), "--context", "8",
            "--error", "surprisal", "--batch-size", "32", "--batches", "2", "--lanczos-steps", "16", "--sketch-vectors", "0",
            "--output", Path.Combine(fixture.WorkRoot, "analysis"),
        ]);
        Assert.True(analyze.ExitCode == 0, analyze.ToString());
        Assert.Contains("RESULT analyze checkpoints=5 lanczos_steps=16 probes=5 failed=0", analyze.Output, StringComparison.Ordinal);
    }

    private static string Megabytes(long bytes) => $"{bytes / 1e6:F1} MB ({bytes:N0} bytes)";
}
