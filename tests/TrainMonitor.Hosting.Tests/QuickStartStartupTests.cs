using System.Diagnostics;

namespace TrainMonitor.Hosting.Tests;

/// <summary>
/// The built examples/QuickStart, run as a user runs it, with one bad setting or flag each: it must stop before
/// training with one line on stderr naming the key or flag and the value, no stack trace, and exit code 2.
/// </summary>
public sealed class QuickStartStartupTests : IDisposable
{
    // The working directory of the runs: QuickStart's default output directory is relative to it.
    private readonly string _directory = Directory.CreateTempSubdirectory("trainmonitor-quickstart-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("TrainMonitor__Prometheus__Host=not-a-host", "TrainMonitor:Prometheus:Host 'not-a-host' cannot be bound")]
    [InlineData("TrainMonitor__Prometheus__Host=0.0.0.0", "TrainMonitor:Prometheus:Host '0.0.0.0' cannot be bound")]
    [InlineData("TrainMonitor__Prometheus__Host=[::1]", "TrainMonitor:Prometheus:Host '[::1]' cannot be bound")]
    [InlineData("TrainMonitor__Prometheus__Host=::1", "TrainMonitor:Prometheus:Host '::1' cannot be bound")]
    [InlineData("TrainMonitor__OutputDirectory=/proc/forbidden", "TrainMonitor:OutputDirectory '/proc/forbidden' cannot be created")]
    [InlineData("TrainMonitor__Schedule__OverheadBudget=7", "TrainMonitor:Schedule:OverheadBudget = '7' is invalid")]
    [InlineData("TrainMonitor__Probe__LanczsoSteps=48", "TrainMonitor:Probe:LanczsoSteps = '48' is not a known setting")]
    [InlineData("TrainMonitor__Mode=Sideways", "'Sideways' at 'TrainMonitor:Mode'")]
    public async Task BadSettingStopsWithOneLineNamingIt(string setting, string expected)
    {
        var (key, value) = (setting[..setting.IndexOf('=', StringComparison.Ordinal)], setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..]);

        var run = await RunQuickStartAsync(["--steps", "1", "--port", "0"], new Dictionary<string, string> { [key] = value });

        AssertOneLineFailure(run, expected);
    }

    [Theory]
    [InlineData("--port", "abc")]
    [InlineData("--port", "70000")]
    [InlineData("--steps", "0")]
    [InlineData("--threads", "-1")]
    public async Task BadFlagStopsWithOneLineNamingIt(string flag, string value)
    {
        var run = await RunQuickStartAsync([flag, value], new Dictionary<string, string>());

        AssertOneLineFailure(run, $"{flag} '{value}' is invalid");
    }

    private static void AssertOneLineFailure((int ExitCode, string Stdout, string Stderr) run, string expected)
    {
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(run.ExitCode == 2, $"exit code {run.ExitCode}; stderr: {run.Stderr}; stdout: {run.Stdout}");
        var line = Assert.Single(lines);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Training ", run.Stdout, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunQuickStartAsync(string[] arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(QuickStartAssembly());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Only the setting under test: a TrainMonitor variable of the shell running the tests would change the case.
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("TrainMonitor", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("QuickStart did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>QuickStart as built next to this test (the project reference builds it in the same configuration).</summary>
    private static string QuickStartAssembly()
    {
        // bin/{Configuration}/{TargetFramework}/ of this test, and the same of examples/QuickStart in the repository.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (testOutput.Name, testOutput.Parent!.Name);
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "TrainMonitor.sln")))
        {
            root = root.Parent;
        }

        var assembly = Path.Combine(root?.FullName ?? throw new InvalidOperationException("TrainMonitor.sln not found above the test output."),
            "examples", "QuickStart", "bin", configuration, framework, "QuickStart.dll");
        return File.Exists(assembly) ? assembly : throw new FileNotFoundException("QuickStart is not built.", assembly);
    }
}
