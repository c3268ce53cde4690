using System.Diagnostics;

namespace TrainMonitor.Observability.Tests.PrometheusServer;

/// <summary>Runs <c>promtool</c> with arguments in a directory and returns its exit code and output.</summary>
internal static class PromtoolRun
{
    public static Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, params string[] arguments) =>
        RunWithInputAsync(workingDirectory, standardInput: null, arguments);

    /// <summary>As <see cref="RunAsync"/>, writing <paramref name="standardInput"/> to promtool's stdin (<c>check metrics</c> reads only stdin).</summary>
    public static async Task<(int ExitCode, string Output)> RunWithInputAsync(string workingDirectory, string? standardInput, params string[] arguments)
    {
        var promtool = PrometheusBinaries.Require("promtool");
        var start = new ProcessStartInfo(promtool)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = standardInput is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
