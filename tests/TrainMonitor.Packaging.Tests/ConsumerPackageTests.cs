using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace TrainMonitor.Packaging.Tests;

/// <summary>
/// The packed TrainMonitor as a NuGet user gets it: dependency versions in the nuspec, the buildTransitive native fix,
/// MSBuild-property defaults reaching the program and the test host, and a monitored training step in a project that
/// shares nothing with this repository. About a minute with a warm NuGet cache; skip with
/// <c>--filter Category!=Packaging</c> when iterating on something else.
/// </summary>
[Trait("Category", "Packaging")]
[Collection(PackagingCollection.Name)]
public sealed class ConsumerPackageTests(PackedConsumerFixture fixture)
{
    [Theory]
    [InlineData("TrainMonitor", new[] { "TorchSharp", "Microsoft.Extensions.Logging.Abstractions" })]
    [InlineData("TrainMonitor.Hosting", new[] { "TrainMonitor", "Microsoft.Extensions.Hosting.Abstractions", "Microsoft.Extensions.Options.ConfigurationExtensions", "Microsoft.Extensions.Configuration.Binder" })]
    [InlineData("TrainMonitor.Prometheus", new[] { "TrainMonitor", "TrainMonitor.Hosting", "prometheus-net", "Microsoft.Extensions.Http", "Microsoft.Extensions.ObjectPool" })]
    [InlineData("TrainMonitor.Plots", new[] { "TrainMonitor", "ScottPlot" })]
    [InlineData("TrainMonitor.Testing", new[] { "TrainMonitor", "TrainMonitor.Plots" })]
    public void EachPackageDependsOnTheCentrallyPinnedVersions(string packageId, string[] expectedDependencies)
    {
        Assert.True(fixture.Pack.ExitCode == 0, fixture.Pack.ToString());
        using var package = ZipFile.OpenRead(Path.Combine(fixture.Feed, $"{packageId}.{fixture.Version}.nupkg"));
        using var nuspecStream = package.GetEntry(packageId + ".nuspec")!.Open();
        var dependencies = XDocument.Load(nuspecStream).Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => (string)e.Attribute("id")!, e => (string?)e.Attribute("version"));
        // With central package management the csproj files carry no versions; the nuspec must still get them.
        Assert.Equal(expectedDependencies.Order(), dependencies.Keys.Order());
        foreach (var (id, version) in dependencies)
        {
            var expected = id.StartsWith("TrainMonitor", StringComparison.Ordinal) ? fixture.Version : Repository.CentralVersion(id);
            Assert.True(expected == version, $"{packageId} depends on {id} {version ?? "(no version)"}, expected {expected}");
        }

        if (packageId == "TrainMonitor")
        {
            var entries = package.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("lib/net10.0/TrainMonitor.dll", entries);
            Assert.Contains("buildTransitive/TrainMonitor.props", entries);
            Assert.Contains("buildTransitive/TrainMonitor.targets", entries);
            Assert.Contains("buildTransitive/TrainMonitorWeakenElfVersionRequirement.cs", entries);
        }
    }

    [Fact]
    public async Task TheConsumerBuildAppliesTheNativeFixAndItsPropertiesReachTheMonitoredTrainingStep()
    {
        Assert.True(fixture.Pack.ExitCode == 0, fixture.Pack.ToString());
        var build = fixture.ConsumerBuild;
        Assert.True(build.ExitCode == 0, build.ToString());
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && HostLibStdCxx.Defines("GLIBCXX_3.4.32") == false)
        {
            Assert.Matches(new Regex(@"TrainMonitor: marked the GLIBCXX_3\.4\.32 requirement weak in " +
                Regex.Escape(fixture.ConsumerDirectory) + @"/bin/Release/net10\.0/runtimes/linux-x64/native/libLibTorchSharp\.so"), build.Output);
        }

        // Only the properties that were set are written; TrainMonitorEnabled was not.
        var runtimeConfig = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture.ConsumerDirectory, "bin", "Release", "net10.0", "Consumer.runtimeconfig.json")));
        var configProperties = runtimeConfig.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        var trainMonitorKeys = configProperties.EnumerateObject().Where(p => p.Name.StartsWith("TrainMonitor.", StringComparison.Ordinal)).Select(p => p.Name);
        Assert.Equal(["TrainMonitor.LanczosSteps", "TrainMonitor.ShellRatio"], trainMonitorKeys.Order());

        var run = await fixture.RunAsync(fixture.WorkRoot,
            ["run", "--project", fixture.ConsumerDirectory, "-c", "Release", PackedConsumerFixture.LanczosStepsProperty, PackedConsumerFixture.ShellRatioProperty]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var printed = Printed(run);
        Assert.Equal("True", printed["defaults.enabled"]);
        Assert.Equal("12", printed["defaults.lanczos_steps"]);
        Assert.Equal("1", printed["probes"]);
        Assert.Equal("12", printed["snapshot.lanczos_steps"]);
        Assert.Equal("1.5", printed["snapshot.shell_ratio"]);
        var errorEnergy = double.Parse(printed["snapshot.error_energy"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(errorEnergy > 0 && double.IsFinite(errorEnergy), run.ToString());
    }

    [Fact]
    public async Task TrainMonitorEnabledFalseOnTheCommandLineTurnsProbingOff()
    {
        Assert.True(fixture.Pack.ExitCode == 0, fixture.Pack.ToString());
        var run = await fixture.RunAsync(fixture.WorkRoot, ["run", "--project", fixture.ConsumerDirectory, "-c", "Release", "-p:TrainMonitorEnabled=false"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var printed = Printed(run);
        Assert.Equal("False", printed["defaults.enabled"]);
        Assert.Equal("0", printed["probes"]);
        // Properties of an earlier build do not stick: unset again, the library default is back.
        Assert.Equal("64", printed["defaults.lanczos_steps"]);
    }

    [Fact]
    public async Task AProbeSetOfTheWrongShapeFailsAtAttachNamingBothShapes()
    {
        Assert.True(fixture.Pack.ExitCode == 0, fixture.Pack.ToString());
        var run = await fixture.RunAsync(fixture.WorkRoot, ["run", "--project", fixture.ConsumerDirectory, "-c", "Release", "--", "wrong-shape"]);
        Assert.True(run.ExitCode == 3, run.ToString());
        var message = Printed(run)["attach_error"];
        // The batch's inputs [32, 4] and what the model's first layer takes (3 features).
        Assert.Contains("input shape [32, 4], expected [N, …, 3]", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInvalidPropertyValueStopsTheProgramNamingTheProperty()
    {
        Assert.True(fixture.Pack.ExitCode == 0, fixture.Pack.ToString());
        var run = await fixture.RunAsync(fixture.WorkRoot, ["run", "--project", fixture.ConsumerDirectory, "-c", "Release", "-p:TrainMonitorLanczosSteps=twelve"]);
        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("The MSBuild property TrainMonitorLanczosSteps is 'twelve' but must be an integer of at least 2.", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("probes=", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommandLinePropertiesReachTheTestHostOfAConsumingTestProjectBelowConfigurationAndCode()
    {
        Assert.True(fixture.Pack.ExitCode == 0, fixture.Pack.ToString());
        // The consumer's tests expect exactly these values (library defaults differ), so they pass only if the
        // properties got into the test host, and they check configuration and code still override them.
        var test = await fixture.RunAsync(fixture.WorkRoot, ["test", fixture.ConsumerTestsDirectory, "-c", "Release",
            "-p:TrainMonitorEnabled=false", "-p:TrainMonitorLanczosSteps=12", "-p:TrainMonitorMetricsPort=0", "-p:TrainMonitorOutputDirectory=monitor-runs"]);
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Matches(new Regex(@"Failed:\s+0, Passed:\s+2, Skipped:\s+0"), test.Output);
    }

    private static Dictionary<string, string> Printed(CommandResult run) =>
        run.Output.Split('\n', StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2 && Regex.IsMatch(parts[0], @"^[a-z_.]+$"))
            .GroupBy(parts => parts[0])
            .ToDictionary(g => g.Key, g => g.Last()[1]);
}
