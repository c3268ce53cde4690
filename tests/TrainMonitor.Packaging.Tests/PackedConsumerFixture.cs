using System.Reflection;
using System.Runtime.InteropServices;

namespace TrainMonitor.Packaging.Tests;

/// <summary>
/// Packs TrainMonitor (the libraries and the light <c>trainmonitor</c> tool) with a unique prerelease version into a
/// folder feed, writes the consumer projects next to it in the system temp directory (outside the repository, so none
/// of its Directory.Build.* files apply) and builds the console consumer once with
/// <c>-p:TrainMonitorLanczosSteps=12 -p:TrainMonitorShellRatio=1.5</c>. Results are kept, not asserted, so each test
/// reports the output it needs. Shared by every test class of the packaging collection, so the pack runs once.
/// Everything, including the packages' folders in the NuGet cache, is deleted afterwards (kept when
/// TRAINMONITOR_KEEP_PACKAGING_WORK=1).
/// </summary>
public sealed class PackedConsumerFixture : IAsyncLifetime
{
    public const string LanczosStepsProperty = "-p:TrainMonitorLanczosSteps=12";
    public const string ShellRatioProperty = "-p:TrainMonitorShellRatio=1.5";

    /// <summary>Per command; a cold NuGet cache would need longer, a warm one needs seconds.</summary>
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The console consumer needs only the core; the test consumer also checks the hosting options and restores
    /// TrainMonitor.Testing, whose figures come from the TrainMonitor.Plots package; the light tool is installed from
    /// the feed and run.
    /// </summary>
    public static readonly string[] PackedProjects =
        ["TrainMonitor", "TrainMonitor.Hosting", "TrainMonitor.Prometheus", "TrainMonitor.Plots", "TrainMonitor.Testing", "TrainMonitor.Cli"];

    /// <summary>Copied with the packed projects but packed only by the test that needs it (a separate, slower pack).</summary>
    public const string AnalyzeProject = "TrainMonitor.Cli.Analyze";

    private readonly string _id = Guid.NewGuid().ToString("N")[..12];

    public PackedConsumerFixture()
    {
        WorkRoot = Path.Combine(Path.GetTempPath(), "trainmonitor-packaging-" + _id);
        Feed = Path.Combine(WorkRoot, "feed");
        Version = "0.1.0-packagingtest-" + _id;
        _analyzePack = new Lazy<Task<CommandResult>>(() => RunAsync(SourceRoot,
            ["pack", Path.Combine("src", AnalyzeProject, AnalyzeProject + ".csproj"), "-c", "Release", "-o", Feed, $"-p:Version={Version}",
             $"-p:TrainMonitorToolRuntimes={AnalyzeRuntime}"]));
    }

    public string WorkRoot { get; }

    public string Feed { get; }

    public string Version { get; }

    public string ConsumerDirectory => Path.Combine(WorkRoot, "Consumer");

    public string ConsumerTestsDirectory => Path.Combine(WorkRoot, "ConsumerTests");

    /// <summary>A console program with a ProjectReference to the copied source, importing the documented targets.</summary>
    public string ProjectReferenceConsumerDirectory => Path.Combine(WorkRoot, "ProjectReferenceConsumer");

    /// <summary>The copy of the repository's build files and sources that was packed (and that project references point to).</summary>
    public string SourceRoot => Path.Combine(WorkRoot, "source");

    public CommandResult Pack { get; private set; } = null!;

    public CommandResult ConsumerBuild { get; private set; } = null!;

    /// <summary>
    /// The runtime the analyze tool is packed for here: this machine's, when TorchSharp-cpu ships libtorch for it
    /// (linux-x64, win-x64, osx-arm64); null elsewhere.
    /// </summary>
    public static string? AnalyzeRuntime { get; } =
        RuntimeInformation.RuntimeIdentifier is "linux-x64" or "win-x64" or "osx-arm64" ? RuntimeInformation.RuntimeIdentifier : null;

    /// <summary>
    /// Packs the analyze tool into the feed for <see cref="AnalyzeRuntime"/> only (its pointer package and that runtime's
    /// package), once, on first use: the three runtimes together take about a minute, one about half of it.
    /// </summary>
    public Task<CommandResult> PackAnalyzeAsync() => _analyzePack.Value;

    private readonly Lazy<Task<CommandResult>> _analyzePack;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkRoot);
        var leaking = LeakingBuildFiles(WorkRoot);
        if (leaking.Count > 0)
        {
            throw new InvalidOperationException("The consumer would not be isolated; build files above it: " + string.Join(", ", leaking));
        }

        Pack = await PackAsync().ConfigureAwait(false);
        WriteConsumer();
        if (Pack.ExitCode == 0)
        {
            ConsumerBuild = await RunAsync(WorkRoot, ["build", ConsumerDirectory, "-c", "Release", LanczosStepsProperty, ShellRatioProperty]).ConfigureAwait(false);
        }
    }

    public Task<CommandResult> RunAsync(string workingDirectory, IReadOnlyList<string> arguments) =>
        DotNetCli.RunAsync(workingDirectory, [.. arguments, .. DotNetCli.IsolatedBuildArguments], CommandTimeout);

    /// <summary>A dotnet command that is not a build (tool install): no build-only options.</summary>
    public Task<CommandResult> RunDotNetAsync(string workingDirectory, IReadOnlyList<string> arguments) =>
        DotNetCli.RunAsync(workingDirectory, arguments, CommandTimeout);

    /// <summary>An installed tool's command, e.g. <c>{tool path}/trainmonitor</c>.</summary>
    public Task<CommandResult> RunProgramAsync(string program, string workingDirectory, IReadOnlyList<string> arguments) =>
        DotNetCli.RunProgramAsync(program, workingDirectory, arguments, CommandTimeout);

    public Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("TRAINMONITOR_KEEP_PACKAGING_WORK") == "1")
        {
            return Task.CompletedTask; // left for inspection: the feed, the consumer projects and their outputs
        }

        TryDelete(WorkRoot);
        // A unique version per run would otherwise pile up in the NuGet cache.
        var packageRoot = typeof(PackedConsumerFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "NuGetPackageRoot")?.Value;
        if (!string.IsNullOrEmpty(packageRoot))
        {
            // The analyze tool's pointer package and the runtime package its test packs and installs.
            string[] analyzePackages = [AnalyzeProject, .. new[] { "linux-x64", "win-x64", "osx-arm64" }.Select(rid => $"{AnalyzeProject}.{rid}")];
            foreach (var project in PackedProjects.Concat(analyzePackages))
            {
                var versions = Path.Combine(packageRoot, project.ToLowerInvariant());
                TryDelete(Path.Combine(versions, Version.ToLowerInvariant()));
                if (Directory.Exists(versions) && !Directory.EnumerateFileSystemEntries(versions).Any())
                {
                    TryDelete(versions);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Packs a copy of the libraries' sources (with the repository's Directory.* files) so that the pack, with its
    /// own version, never rewrites the obj/bin folders the rest of the test run builds into.
    /// </summary>
    private async Task<CommandResult> PackAsync()
    {
        var source = SourceRoot;
        Directory.CreateDirectory(source);
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.Copy(Path.Combine(Repository.Root, file), Path.Combine(source, file));
        }

        foreach (var project in PackedProjects.Append(AnalyzeProject))
        {
            CopySources(Path.Combine(Repository.Root, "src", project), Path.Combine(source, "src", project));
        }

        // The package READMEs (Directory.Build.targets packs docs/packages/<project>.md).
        CopySources(Path.Combine(Repository.Root, "docs", "packages"), Path.Combine(source, "docs", "packages"));

        // One pack command for the libraries: a solution listing only them.
        var solution = Path.Combine(source, "Packages.slnx");
        File.WriteAllText(solution, "<Solution>\n" +
            string.Concat(PackedProjects.Select(p => $"  <Project Path=\"src/{p}/{p}.csproj\" />\n")) + "</Solution>\n");
        return await RunAsync(source, ["pack", solution, "-c", "Release", "-o", Feed, $"-p:Version={Version}"]).ConfigureAwait(false);
    }

    private void WriteConsumer()
    {
        var replacements = new Dictionary<string, string>
        {
            ["@TrainMonitorVersion@"] = Version,
            ["@TrainMonitorSource@"] = Path.Combine(SourceRoot, "src", "TrainMonitor"),
            ["@TorchSharpCpuVersion@"] = Repository.CentralVersion("TorchSharp-cpu"),
            ["@MicrosoftExtensionsHostingVersion@"] = Repository.CentralVersion("Microsoft.Extensions.Hosting"),
            ["@MicrosoftNETTestSdkVersion@"] = Repository.CentralVersion("Microsoft.NET.Test.Sdk"),
            ["@xunitVersion@"] = Repository.CentralVersion("xunit"),
            ["@xunitrunnervisualstudioVersion@"] = Repository.CentralVersion("xunit.runner.visualstudio"),
        };
        var template = Path.Combine(AppContext.BaseDirectory, "ConsumerTemplate");
        foreach (var file in Directory.EnumerateFiles(template, "*", SearchOption.AllDirectories))
        {
            var text = replacements.Aggregate(File.ReadAllText(file), (t, r) => t.Replace(r.Key, r.Value, StringComparison.Ordinal));
            var target = Path.Combine(WorkRoot, Path.GetRelativePath(template, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, text);
        }

        // The local feed first; nuget.org as the ordinary source for everything else (restored from the cache when present).
        File.WriteAllText(Path.Combine(WorkRoot, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="trainmonitor-local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>
            """);
    }

    private static void CopySources(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.EnumerateDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
        {
            CopySources(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }

    private static List<string> LeakingBuildFiles(string directory)
    {
        var names = new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" };
        var found = new List<string>();
        for (var dir = new DirectoryInfo(directory).Parent; dir is not null; dir = dir.Parent)
        {
            found.AddRange(names.Select(n => Path.Combine(dir.FullName, n)).Where(File.Exists));
        }

        return found;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail the run.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
