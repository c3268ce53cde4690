using System.Diagnostics;
using System.Text;

namespace TrainMonitor.Packaging.Tests;

/// <summary>Runs the <c>dotnet</c> CLI the way a user in a fresh shell would, not as a child of this test host.</summary>
internal static class DotNetCli
{
    /// <summary>
    /// Options every build-like command gets: no build servers or reused nodes, so nothing outlives the test (the
    /// machine is shared), and the classic logger, whose output keeps the messages the tests look for.
    /// </summary>
    public static readonly string[] IsolatedBuildArguments = ["--disable-build-servers", "-nodeReuse:false", "-tl:off"];

    public static Task<CommandResult> RunAsync(string workingDirectory, IReadOnlyList<string> arguments, TimeSpan timeout,
        CancellationToken ct = default) =>
        RunProgramAsync("dotnet", workingDirectory, arguments, timeout, ct);

    /// <summary>
    /// Runs <paramref name="program"/> (dotnet, or an installed tool's command) with the same clean environment: what a
    /// user who just installed something would type next.
    /// </summary>
    public static async Task<CommandResult> RunProgramAsync(string program, string workingDirectory, IReadOnlyList<string> arguments, TimeSpan timeout,
        CancellationToken ct = default)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Environment variables are MSBuild properties, and the outer `dotnet test` sets MSBuild and test-platform
        // variables: drop them so the consumer builds only with what the test passes explicitly.
        var inherited = start.Environment.Keys
            .Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || k.StartsWith("TrainMonitor", StringComparison.OrdinalIgnoreCase) || k.Equals("TorchBackend", StringComparison.OrdinalIgnoreCase))
            .ToList();
        foreach (var key in inherited)
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "false";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var output = new StringBuilder();
        void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            Append($"[killed after {timeout.TotalSeconds:F0} s]");
        }

        // The parameterless wait also drains the asynchronous output readers.
        process.WaitForExit();
        lock (output)
        {
            return new CommandResult(program + " " + string.Join(' ', arguments), process.ExitCode, output.ToString(), stopwatch.Elapsed);
        }
    }
}
