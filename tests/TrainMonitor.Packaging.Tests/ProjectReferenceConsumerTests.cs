using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace TrainMonitor.Packaging.Tests;

/// <summary>
/// An application that references TrainMonitor's source with a ProjectReference instead of the package. NuGet imports
/// the native fix only for package references; without it such a program dies at its first torch call ("doesn't contain a
/// reference to libtorch-cpu-linux-x64") on hosts without GLIBCXX_3.4.32. With the one import docs/install.md gives, it
/// builds and runs a monitored step, and MSBuild-property defaults reach it as they reach a package consumer.
/// </summary>
[Collection(PackagingCollection.Name)]
[Trait("Category", "Packaging")]
public sealed class ProjectReferenceConsumerTests(PackedConsumerFixture fixture)
{
    [Fact]
    public async Task WithTheDocumentedImportAProjectReferenceConsumerBuildsAndRunsAMonitoredStep()
    {
        Assert.True(fixture.Pack.ExitCode == 0, fixture.Pack.ToString());
        var directory = fixture.ProjectReferenceConsumerDirectory;
        var build = await fixture.RunAsync(fixture.WorkRoot, ["build", directory, "-c", "Release", PackedConsumerFixture.LanczosStepsProperty]);
        Assert.True(build.ExitCode == 0, build.ToString());
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && HostLibStdCxx.Defines("GLIBCXX_3.4.32") == false)
        {
            Assert.Matches(new Regex(@"TrainMonitor: marked the GLIBCXX_3\.4\.32 requirement weak in " +
                Regex.Escape(directory) + @"/bin/Release/net10\.0/runtimes/linux-x64/native/libLibTorchSharp\.so"), build.Output);
        }

        // Same property as the build, so run finds the build up to date.
        var run = await fixture.RunAsync(fixture.WorkRoot, ["run", "--project", directory, "-c", "Release", PackedConsumerFixture.LanczosStepsProperty]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("probes=1", lines);
        Assert.Contains("snapshot.lanczos_steps=12", lines); // the property, through the imported targets and runtimeconfig.json
        var energy = lines.Single(l => l.StartsWith("snapshot.error_energy=", StringComparison.Ordinal));
        Assert.True(double.Parse(energy.Split('=')[1], System.Globalization.CultureInfo.InvariantCulture) > 0, run.ToString());
    }
}
