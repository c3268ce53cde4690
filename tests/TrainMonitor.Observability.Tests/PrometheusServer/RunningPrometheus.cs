using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace TrainMonitor.Observability.Tests.PrometheusServer;

/// <summary>
/// A real Prometheus server started for a test: its configuration and rule files in a temporary directory, its
/// database in that directory too, listening on a free loopback port. Disposing it kills the process (and waits for
/// it) and deletes the directory, so nothing is left running.
/// </summary>
internal sealed class RunningPrometheus : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;
    private readonly ConcurrentQueue<string> _log = new();

    private RunningPrometheus(Process process, string directory, int port)
    {
        _process = process;
        Directory = directory;
        Port = port;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"), Timeout = TimeSpan.FromSeconds(10) };
        Api = new PrometheusHttpApi(_http);
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
    }

    public string Directory { get; }

    public int Port { get; }

    public PrometheusHttpApi Api { get; }

    /// <summary>The last lines Prometheus logged (for failure messages).</summary>
    public string RecentLog => string.Join(Environment.NewLine, _log);

    /// <param name="configuration">prometheus.yml contents.</param>
    /// <param name="files">Further files (rule files) by name, written next to the configuration.</param>
    public static async Task<RunningPrometheus> StartAsync(string configuration, IReadOnlyDictionary<string, string> files, CancellationToken ct)
    {
        var binary = PrometheusBinaries.Require("prometheus");
        var directory = Path.Combine(Path.GetTempPath(), "trainmonitor-prometheus-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var configPath = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(configPath, configuration, ct);
        foreach (var (name, text) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, name), text, ct);
        }

        var port = FreePort.Next();
        var start = new ProcessStartInfo(binary)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add($"--config.file={configPath}");
        start.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(directory, "data")}");
        start.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start.");
        var server = new RunningPrometheus(process, directory, port);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var deadline = Stopwatch.StartNew();
            while (!await server.Api.IsReadyAsync(ct))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"prometheus exited with code {process.ExitCode} at start:{Environment.NewLine}{server.RecentLog}");
                }

                if (deadline.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException($"prometheus was not ready on port {port} after 30 s:{Environment.NewLine}{server.RecentLog}");
                }

                await Task.Delay(100, ct);
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless; the process is what must not be.
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > 40 && _log.TryDequeue(out _))
        {
        }
    }
}
