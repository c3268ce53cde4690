using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Hosting;
using TrainMonitor.Operators;
using TrainMonitor.Outputs.JsonLines;
using TrainMonitor.Outputs.Logging;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Scheduling;
using TrainMonitor.Session;
using static TorchSharp.torch;
using LoggingSinkEvent = TrainMonitor.Outputs.Logging.LoggingSink;

namespace TrainMonitor.Hosting.Tests;

/// <summary>TrainMonitor inside a real generic host: configuration, validation at start, DI attach, drain on shutdown.</summary>
public sealed class HostedMonitorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("trainmonitor-hosting-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("TrainMonitor:Schedule:ProbeInterval", "-5", "TrainMonitor:Schedule:ProbeInterval")]
    [InlineData("TrainMonitor:Probe:ShellRatio", "1", "TrainMonitor:Probe:ShellRatio")]
    [InlineData("TrainMonitor:Probe:LanczosSteps", "1", "TrainMonitor:Probe:LanczosSteps")]
    [InlineData("TrainMonitor:Probe:NullFloorAbsolute", "0", "TrainMonitor:Probe:NullFloorAbsolute")]
    [InlineData("TrainMonitor:Probe:NullFloorFraction", "1", "TrainMonitor:Probe:NullFloorFraction")]
    [InlineData("TrainMonitor:Probe:FrontierEnergyFraction", "1", "TrainMonitor:Probe:FrontierEnergyFraction")]
    [InlineData("TrainMonitor:Probe:Frontier:MinimumOccupancy", "-1", "TrainMonitor:Probe:Frontier:MinimumOccupancy")]
    [InlineData("TrainMonitor:HistoryLimit", "0", "TrainMonitor:HistoryLimit")]
    [InlineData("TrainMonitor:Regime:Window", "0", "TrainMonitor:Regime:Window")]
    [InlineData("TrainMonitor:RunName", " ", "TrainMonitor:RunName")]
    [InlineData("TrainMonitor:Prometheus:Port", "70000", "TrainMonitor:Prometheus:Port")]
    public async Task InvalidConfigurationFailsAtStartNamingTheSetting(string key, string value, string named)
    {
        using var host = BuildHost(new Dictionary<string, string?> { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The start-up cases of issue 11: each fails at start with one line naming the key and the bad value. 0.0.0.0 is
    /// invalid on every box: the HttpListener behind the endpoint refuses the wildcard address ("+" means every
    /// interface); the IPv6 literals are refused because the managed HttpListener cannot parse them in its prefix.
    /// </summary>
    [Theory]
    [InlineData("TrainMonitor:Prometheus:Host", "not-a-host", "TrainMonitor:Prometheus:Host 'not-a-host' cannot be bound")]
    [InlineData("TrainMonitor:Prometheus:Host", "0.0.0.0", "TrainMonitor:Prometheus:Host '0.0.0.0' cannot be bound")]
    [InlineData("TrainMonitor:Prometheus:Host", "[::1]", "TrainMonitor:Prometheus:Host '[::1]' cannot be bound")]
    [InlineData("TrainMonitor:Prometheus:Host", "::1", "TrainMonitor:Prometheus:Host '::1' cannot be bound")]
    [InlineData("TrainMonitor:Prometheus:Port", "abc", "'abc' at 'TrainMonitor:Prometheus:Port'")]
    [InlineData("TrainMonitor:OutputDirectory", "/proc/forbidden", "TrainMonitor:OutputDirectory '/proc/forbidden' is not writable")]
    [InlineData("TrainMonitor:Schedule:OverheadBudget", "7", "TrainMonitor:Schedule:OverheadBudget = '7' is invalid")]
    [InlineData("TrainMonitor:Schedule:OverheadBudget", "1", "TrainMonitor:Schedule:OverheadBudget = '1' is invalid")]
    [InlineData("TrainMonitor:Schedule:OverheadBudget", "-0.1", "TrainMonitor:Schedule:OverheadBudget = '-0.1' is invalid")]
    [InlineData("TrainMonitor:Probe:LanczsoSteps", "48", "TrainMonitor:Probe:LanczsoSteps = '48' is not a known setting; did you mean TrainMonitor:Probe:LanczosSteps?")]
    [InlineData("TrainMonitor:Probes:LanczosSteps", "48", "TrainMonitor:Probes is not a known setting")]
    [InlineData("TrainMonitor:Prometheus:Hots", "127.0.0.1", "TrainMonitor:Prometheus:Hots = '127.0.0.1' is not a known setting")]
    [InlineData("TrainMonitor:RunName", " ", "TrainMonitor:RunName = ' ' is invalid")]
    public async Task StartupFailureIsOneLineNamingTheKeyAndTheValue(string key, string value, string expected)
    {
        using var host = BuildHost(new Dictionary<string, string?> { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task EveryBoundSubSectionIsAKnownSetting()
    {
        // One key in each section an options class binds: none may be reported as unknown.
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["TrainMonitor:RunName"] = "known",
            ["TrainMonitor:Enabled"] = "true",
            ["TrainMonitor:Mode"] = "Inline",
            ["TrainMonitor:HistoryLimit"] = "100",
            ["TrainMonitor:Schedule:OverheadBudget"] = "0",
            ["TrainMonitor:Probe:LanczosSteps"] = "8",
            ["TrainMonitor:Probe:Frontier:MinimumShells"] = "4",
            ["TrainMonitor:Regime:Window"] = "4",
            ["TrainMonitor:Prometheus:Host"] = "localhost",
        });

        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public async Task ConfigurationRootIsNotCheckedForUnknownKeys()
    {
        // Bound from the root, the monitor shares it with every environment variable and other library.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning", ["RunName"] = "root" });
        builder.Services.AddTrainMonitor(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public async Task PortInUseFailsAtStartNamingThePort()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        using var host = BuildHost(new Dictionary<string, string?> { ["TrainMonitor:Prometheus:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"TrainMonitor:Prometheus:Port {port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnwritableOutputDirectoryFailsAtStartNamingTheSetting()
    {
        var file = Path.Combine(_directory, "a-file");
        await File.WriteAllTextAsync(file, "not a directory");
        using var host = BuildHost(new Dictionary<string, string?> { ["TrainMonitor:OutputDirectory"] = Path.Combine(file, "runs") });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("TrainMonitor:OutputDirectory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackgroundMonitorResolvedFromDiIsDrainedOnShutdownAndExported()
    {
        var registry = Metrics.NewCustomRegistry();
        var settings = ProbingEvery("hosted-run", interval: 10);
        settings["TrainMonitor:Mode"] = "Background";
        using var host = BuildHost(settings, registry);
        await host.StartAsync();

        var factory = host.Services.GetRequiredService<ITrainingMonitorFactory>();
        var model = Model(seed: 1);
        var generator = new Generator(2);
        var probe = ProbeSet.FromTensors(randn(new long[] { 32, 6 }, generator: generator), randint(0, 3, new long[] { 32 }, generator: generator), batchSize: 16);
        var monitor = factory.Attach(model, probe, ErrorFunctions.CrossEntropy, () => Model(seed: 99));
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        var x = randn(new long[] { 64, 6 }, generator: generator);
        var y = randint(0, 3, new long[] { 64 }, generator: generator);
        for (var step = 1; step <= 100; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(x), y);
            loss.backward();
            optimizer.step();
            monitor.OnStep(step, 0.05, loss.item<float>());
            if (step % 10 == 0)
            {
                Thread.Sleep(30); // let a background probe finish now and then, so some are taken and some may be skipped
            }
        }

        await host.StopAsync();

        var status = monitor.Status;
        Assert.True(status.ProbesTotal >= 1, $"no probe completed ({status})");
        Assert.Equal(0, status.ProbeFailuresTotal);
        Assert.Equal(10, status.ProbesTotal + status.ProbesSkippedTotal);
        var snapshots = await JsonLinesReader.ReadAllAsync(Path.Combine(_directory, "hosted-run.jsonl"));
        Assert.Equal(status.ProbesTotal, snapshots.Count);
        Assert.All(snapshots, s => Assert.Equal("hosted-run", s.Run));
        Assert.Equal(snapshots.Select(s => s.Step).Order(), snapshots.Select(s => s.Step));

        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        // The JSON lines and the metrics name the same session.
        Assert.Contains($"trainmonitor_error_energy{{run=\"hosted-run\",run_id=\"{snapshots[0].RunId}\"}}", text, StringComparison.Ordinal);
        Assert.Equal(snapshots[0].RunId, status.RunId);
    }

    [Fact]
    public async Task ShutdownPastTheHostsTokenCancelsARunningProbeInsteadOfWaitingForIt()
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["TrainMonitor:RunName"] = "slow-run",
            ["TrainMonitor:Mode"] = "Background",
            ["TrainMonitor:Schedule:Kind"] = "EveryNSteps",
            ["TrainMonitor:Schedule:ProbeInterval"] = "1",
            ["TrainMonitor:Schedule:OverheadBudget"] = "0",
            ["TrainMonitor:Probe:Method"] = "Lanczos",
            ["TrainMonitor:Probe:JvpMethod"] = "FiniteDifference",
            ["TrainMonitor:Probe:LanczosSteps"] = "32",
        });
        await host.StartAsync();
        var generator = new Generator(3);
        var probe = ProbeSet.FromTensors(randn(new long[] { 32, 6 }, generator: generator), randint(0, 3, new long[] { 32 }, generator: generator), batchSize: 16);
        // Every forward sleeps 50 ms and each finite-difference product runs two: the probe would take > 6 s.
        var slow = ErrorFunctions.Custom("slow", (output, target) =>
        {
            Thread.Sleep(50);
            return ErrorFunctions.CrossEntropy.Compute(output, target);
        });
        var monitor = host.Services.GetRequiredService<ITrainingMonitorFactory>().Attach(Model(seed: 4), probe, slow, () => Model(seed: 5));
        monitor.OnStep(1);
        Thread.Sleep(200);

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        using var shutdown = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await host.StopAsync(shutdown.Token);
        stopping.Stop();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(2), $"host shutdown took {stopping.Elapsed}");
        Assert.Equal((0L, 0L), (monitor.Status.ProbesTotal, monitor.Status.ProbeFailuresTotal));
    }

    [Fact]
    public async Task CodeOverridesConfiguration()
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["TrainMonitor:RunName"] = "from-configuration",
            ["TrainMonitor:Probe:LanczosSteps"] = "12",
            ["TrainMonitor:Schedule:Kind"] = "EveryNSteps",
            ["TrainMonitor:Schedule:ProbeInterval"] = "1",
        });
        await host.StartAsync();
        var factory = host.Services.GetRequiredService<ITrainingMonitorFactory>();
        var model = Model(seed: 3);
        var generator = new Generator(4);
        var probe = ProbeSet.FromTensors(randn(new long[] { 16, 6 }, generator: generator), randint(0, 3, new long[] { 16 }, generator: generator), batchSize: 16);

        var monitor = factory.Attach(model, probe, ErrorFunctions.CrossEntropy, configure: o => o.RunName = "from-code");
        monitor.OnStep(1);
        await monitor.FlushAsync();
        await host.StopAsync();

        var snapshot = Assert.Single(monitor.History);
        Assert.Equal("from-code", snapshot.Run);
        Assert.Equal(12, snapshot.LanczosSteps);
    }

    [Fact]
    public async Task AFailedProbeAndEveryRegimeChangeAreLoggedOnceUnderHosting()
    {
        var logs = new CapturingLoggerProvider();
        var settings = ProbingEvery("logged-once", interval: 1);
        settings["TrainMonitor:Regime:MinimumProbes"] = "2"; // leave warming_up within the few probes of the test
        using var host = BuildHost(settings, logs: logs);
        await host.StartAsync();
        var failing = false;
        var error = ErrorFunctions.Custom("breakable", (output, target) =>
            failing ? throw new InvalidOperationException("probe broken on purpose") : ErrorFunctions.SquaredError.Compute(output, target));
        var generator = new Generator(5);
        var model = Model(seed: 6);
        var x = randn(new long[] { 32, 6 }, generator: generator);
        var y = randn(new long[] { 32, 3 }, generator: generator);
        var monitor = host.Services.GetRequiredService<ITrainingMonitorFactory>().Attach(model, ProbeSet.FromTensors(x, y, batchSize: 16), error);
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        for (var step = 1; step <= 8; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.mse_loss(model.call(x), y).backward();
            optimizer.step();
            failing = step == 3; // inline mode: the probe of this step runs inside OnStep
            monitor.OnStep(step, 0.05);
            failing = false;
        }

        await monitor.FlushAsync();
        await host.StopAsync();

        var regimes = monitor.History.Select(s => s.Assessment.Regime).Prepend(Regimes.TrainingRegime.WarmingUp).ToArray();
        var regimeChanges = regimes.Zip(regimes.Skip(1)).Count(p => p.First != p.Second);
        Assert.Equal(1, monitor.Status.ProbeFailuresTotal);
        Assert.True(regimeChanges >= 1, $"the run never left warming_up ({string.Join(", ", regimes)}): the test would prove nothing");
        var events = logs.Events.ToArray();
        var failures = events.Where(e => IsEither(e, 2, LoggingSinkEvent.ProbeFailedEventId)).ToArray();
        Assert.True(failures.Length == 1, "a failed probe logged as: " + string.Join(" | ", failures.Select(e => $"{e.Category}[{e.EventId}] {e.Message}")));
        Assert.Equal(regimeChanges, events.Count(e => IsEither(e, 4, LoggingSinkEvent.RegimeChangedEventId)));
        Assert.Equal(monitor.Status.ProbesTotal, events.Count(e => IsEither(e, 1, LoggingSinkEvent.ProbeCompletedEventId)));
        Assert.Contains(failures, e => e.Level == LogLevel.Warning && e.Message.Contains("probe broken on purpose", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("width", "Float32 [16, 4] on cpu", "expects 6 input features")]
    [InlineData("dtype", "input is Float64 [16, 6] on cpu", "parameters are Float32 on cpu")]
    public async Task AProbeSetTheModelCannotTakeFailsAtAttachNamingItAndOpensNoRunFile(string mismatch, string batch, string model)
    {
        using var host = BuildHost(ProbingEvery("mismatched", interval: 1));
        await host.StartAsync();
        var factory = host.Services.GetRequiredService<ITrainingMonitorFactory>();
        var generator = new Generator(8);
        var x = mismatch == "width" ? randn(new long[] { 32, 4 }, generator: generator) : randn(new long[] { 32, 6 }, ScalarType.Float64, generator: generator);
        var y = randn(new long[] { 32, 3 }, generator: generator);

        var ex = Assert.Throws<ArgumentException>(() => factory.Attach(Model(seed: 9), ProbeSet.FromTensors(x, y, batchSize: 16), ErrorFunctions.SquaredError));

        Assert.Equal("probe", ex.ParamName);
        Assert.Contains(batch, ex.Message, StringComparison.Ordinal);
        Assert.Contains(model, ex.Message, StringComparison.Ordinal);
        // Checked before the run's sinks exist: no empty JSON-lines file named after a run that never started.
        Assert.False(File.Exists(Path.Combine(_directory, "mismatched.jsonl")));

        // The failed attach left nothing behind: the right probe set attaches.
        var monitor = factory.Attach(Model(seed: 9), ProbeSet.FromTensors(randn(new long[] { 32, 6 }, generator: generator), y, batchSize: 16),
            ErrorFunctions.SquaredError);
        monitor.OnStep(1);
        await monitor.FlushAsync();
        await host.StopAsync();
        Assert.Equal(1, monitor.Status.ProbesTotal);
    }

    [Fact]
    public async Task AnUnnamedHostedRunIsNamedAfterTheEntryAssembly()
    {
        // No RunName configured: the options' default, the entry assembly's name lower-cased (under the test platform its
        // host, which names the runner, so the fallback "run"), names the run, its JSON-lines file and the attach log line.
        var logs = new CapturingLoggerProvider();
        var settings = ProbingEvery("unused", interval: 1);
        settings.Remove("TrainMonitor:RunName");
        using var host = BuildHost(settings, logs: logs);
        await host.StartAsync();
        var generator = new Generator(12);
        var probe = ProbeSet.FromTensors(randn(new long[] { 16, 6 }, generator: generator), randn(new long[] { 16, 3 }, generator: generator), batchSize: 16);
        var monitor = host.Services.GetRequiredService<ITrainingMonitorFactory>().Attach(Model(seed: 13), probe, ErrorFunctions.SquaredError);
        monitor.OnStep(1);
        await monitor.FlushAsync();
        await host.StopAsync();

        var expected = new MonitorOptions().RunName;
        Assert.Equal("run", expected); // the test host's fallback; the mapping itself is OptionsAndAttachTests'
        Assert.Equal(expected, monitor.Status.Run);
        Assert.Equal(expected, Assert.Single(await JsonLinesReader.ReadAllAsync(Path.Combine(_directory, expected + ".jsonl"))).Run);
        Assert.Contains(logs.Events, e => e.Message.StartsWith($"TrainMonitor attached to run {expected} (", StringComparison.Ordinal));
    }

    /// <summary>The monitor's own event <paramref name="monitorId"/> or the <see cref="LoggingSinkEvent"/> that logs the same thing.</summary>
    private static bool IsEither(CapturedEvent e, int monitorId, int sinkId) =>
        (e.Category == typeof(TrainingMonitor).FullName && e.EventId == monitorId) || (e.Category == typeof(LoggingSinkEvent).FullName && e.EventId == sinkId);

    /// <summary>Settings of a run probed every <paramref name="interval"/> steps with short probes and no overhead budget.</summary>
    private static Dictionary<string, string?> ProbingEvery(string run, int interval) => new()
    {
        ["TrainMonitor:RunName"] = run,
        ["TrainMonitor:Schedule:Kind"] = "EveryNSteps",
        ["TrainMonitor:Schedule:ProbeInterval"] = interval.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["TrainMonitor:Schedule:OverheadBudget"] = "0",
        ["TrainMonitor:Probe:LanczosSteps"] = "8",
    };

    private IHost BuildHost(Dictionary<string, string?> settings, CollectorRegistry? registry = null, CapturingLoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        settings.TryAdd("TrainMonitor:OutputDirectory", _directory);
        settings.TryAdd("TrainMonitor:Prometheus:Port", "0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging(logging =>
        {
            if (logs is not null)
            {
                logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
            }
        });
        builder.Services.AddTrainMonitor(builder.Configuration.GetSection("TrainMonitor"))
            .AddJsonLines()
            .AddPrometheusExporter(registry: registry ?? Metrics.NewCustomRegistry());
        return builder.Build();
    }

    private static nn.Module<Tensor, Tensor> Model(long seed)
    {
        // Weights from a local generator: a test must not move the global RNG other tests rely on.
        var model = nn.Sequential(("fc1", nn.Linear(6, 16)), ("act", nn.Tanh()), ("fc2", nn.Linear(16, 3)));
        var generator = new Generator((ulong)seed);
        using (no_grad())
        {
            foreach (var p in model.parameters())
            {
                p.copy_(randn(p.shape, generator: generator) * 0.3f);
            }
        }

        return model;
    }
}
