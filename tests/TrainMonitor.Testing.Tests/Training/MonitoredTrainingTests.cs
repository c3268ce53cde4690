using System.Runtime.CompilerServices;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Outputs.JsonLines;
using TrainMonitor.Outputs.Reporting;
using TrainMonitor.Session;
using static TorchSharp.torch;

namespace TrainMonitor.Testing.Tests.Training;

/// <summary>
/// The end-to-end path on small real runs (a second or two each). These check what the runner guarantees (steps,
/// artifacts, determinism, failures, cancellation), not where the frontier fit or the regime thresholds land, which are
/// tuned elsewhere.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class MonitoredTrainingTests : IDisposable
{
    private static readonly long[] DoublingTo256 = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    private readonly SmallRegressionTask _task = new();
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "trainmonitor-testing-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        _task.Dispose();
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    private static MonitoredTrainingOptions SmallProbes(string? directory = null, string? runName = null) => new()
    {
        RunName = runName,
        OutputDirectory = directory,
        Monitor = new MonitorOptions { Probe = { LanczosSteps = 16, SketchVectors = 4 } },
    };

    /// <summary>A helper around RunAsync forwards its own caller, so the default run name stays the test's.</summary>
    private Task<MonitoredRun> RunSupervised(nn.Module<Tensor, Tensor> model, long steps, MonitoredTrainingOptions options,
        CancellationToken ct = default, [CallerFilePath] string callerFile = "", [CallerMemberName] string callerMember = "")
    {
        var optimizer = optim.SGD(model.parameters(), 0.05, momentum: 0.9);
        var training = new SupervisedTraining
        {
            Optimizer = optimizer,
            Loss = (p, y) => nn.functional.mse_loss(p, y),
            Batches = _task.Batches,
        };
        return MonitoredTraining.RunAsync(model, training, _task.Probe, ErrorFunctions.SquaredError, steps, options, ct, callerFile, callerMember);
    }

    [Fact]
    public async Task Supervised_run_probes_at_the_schedule_steps_and_leaves_its_artifacts()
    {
        using var model = SmallRegressionTask.CreateModel();

        var run = await RunSupervised(model, 256, SmallProbes());

        // Default name and folder: the test file and method, under the test binaries (no TRAINMONITOR_TEST_OUTPUT in CI).
        Assert.Equal($"{nameof(MonitoredTrainingTests)}.{nameof(Supervised_run_probes_at_the_schedule_steps_and_leaves_its_artifacts)}", run.RunName);
        Assert.Equal(ArtifactDirectory.Resolve(null, run.RunName, Environment.GetEnvironmentVariable), run.Artifacts!.Directory);
        Assert.Equal(DoublingTo256, run.Snapshots.Select(s => s.Step));
        Assert.Equal(256, run.TrainingSteps);
        Assert.All(run.Snapshots, s => Assert.Equal(0.05, s.LearningRate));
        Assert.All(run.Snapshots, s => Assert.True(s.TrainingLoss > 0));
        run.AssertNoProbeFailures();

        // JSON lines: the same snapshots, read back with the library's reader.
        var read = await JsonLinesReader.ReadAllAsync(run.Artifacts.JsonLines);
        Assert.Equal(run.Snapshots.Select(s => (s.Step, s.ErrorEnergy)), read.Select(s => (s.Step, s.ErrorEnergy)));
        var loaded = await MonitoredRun.LoadAsync(run.Artifacts.JsonLines);
        Assert.Equal(run.Describe(), loaded.Describe());

        Assert.Contains(ShellProfileTable.Render(run.Snapshots), await File.ReadAllTextAsync(run.Artifacts.Summary!));
        foreach (var plot in new[] { run.Artifacts.ProfilesPlot, run.Artifacts.FrontierPlot, run.Artifacts.ErrorEnergyPlot })
        {
            AssertPng(plot!, 900, 600);
        }
    }

    [Fact]
    public async Task A_rerun_replaces_the_artifacts_of_the_same_name()
    {
        using var first = SmallRegressionTask.CreateModel();
        await RunSupervised(first, 16, SmallProbes(_scratch, "same"));
        using var second = SmallRegressionTask.CreateModel();

        var run = await RunSupervised(second, 8, SmallProbes(_scratch, "same"));

        Assert.Equal(_scratch, run.Artifacts!.Directory);
        Assert.Equal(Path.Combine(_scratch, "same.jsonl"), run.Artifacts.JsonLines);
        Assert.Equal([1L, 2, 4, 8], (await JsonLinesReader.ReadAllAsync(run.Artifacts.JsonLines)).Select(s => s.Step));
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_run_whatever_the_callers_monitor_options_say()
    {
        // Background mode and an overhead budget would make the probe steps depend on the machine: a test run overrides both.
        var shared = new MonitorOptions
        {
            Mode = ExecutionMode.Background,
            Schedule = { OverheadBudget = 0.01 },
            Probe = { LanczosSteps = 16, SketchVectors = 4 },
        };

        async Task<MonitoredRun> Once(string name)
        {
            using var model = SmallRegressionTask.CreateModel(seed: 3);
            using var optimizer = optim.Adam(model.parameters(), 0.01);
            var batches = _task.Batches;
            return await MonitoredTraining.RunAsync(model, _task.Probe, ErrorFunctions.SquaredError, 128, step =>
                {
                    using var scope = NewDisposeScope();
                    var (x, y) = batches[(int)(step % batches.Count)];
                    optimizer.zero_grad();
                    var loss = nn.functional.mse_loss(model.call(x), y);
                    loss.backward();
                    optimizer.step();
                    return new StepReport(loss.ToDouble(), 0.01);
                },
                new MonitoredTrainingOptions { RunName = name, OutputDirectory = Path.Combine(_scratch, name), Monitor = shared });
        }

        var a = await Once("a");
        var b = await Once("b");

        Assert.Equal([1L, 2, 4, 8, 16, 32, 64, 128], a.Snapshots.Select(s => s.Step));
        Assert.Equal(a.Snapshots.Select(s => s.ErrorEnergy), b.Snapshots.Select(s => s.ErrorEnergy));
        Assert.Equal(a.Snapshots.Select(s => s.LambdaMax), b.Snapshots.Select(s => s.LambdaMax));
        Assert.Equal("b", b.Snapshots[0].Run);
        // The caller's options are read, not changed.
        Assert.Equal(ExecutionMode.Background, shared.Mode);
        Assert.Equal(0.01, shared.Schedule.OverheadBudget);
        Assert.Equal("run", shared.RunName);
    }

    [Fact]
    public async Task A_failed_assertion_on_a_real_run_prints_every_probe_and_the_artifacts_path()
    {
        using var model = SmallRegressionTask.CreateModel();
        var run = await RunSupervised(model, 64, SmallProbes(_scratch, "real"));

        // A factor of 1e12 in 64 steps is out of reach for any run of this size.
        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertErrorEnergyDecreased(1e12));

        Assert.StartsWith("Training dynamics of run 'real': the error energy must fall by a factor of at least 1000000000000", ex.Message);
        Assert.Contains("probe     step  error energy", ex.Message);
        Assert.Contains("shell energy, % of the probe's error energy", ex.Message);
        Assert.Equal(7, ex.Table.Split('\n').Count(l => l.EndsWith("warming_up") || l.EndsWith("unstable") || l.EndsWith("feature_learning")
                                                      || l.EndsWith("lazy_progressing") || l.EndsWith("lazy_stagnant")));
        Assert.EndsWith($"artifacts: {_scratch}", ex.Message);
    }

    [Fact]
    public async Task Probe_failures_are_recorded_and_fail_the_assertion()
    {
        using var model = SmallRegressionTask.CreateModel();
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        // Fails at every probe, but not at attach, which runs the function once to check it: it breaks with the first step.
        var trained = false;
        var failing = ErrorFunctions.Custom("fails_once_training", (output, target) =>
            trained ? throw new InvalidOperationException("no error vector today") : (output - target).reshape(-1));

        var run = await MonitoredTraining.RunAsync(model, new SupervisedTraining
            {
                Optimizer = optimizer,
                Loss = (p, y) =>
                {
                    trained = true;
                    return nn.functional.mse_loss(p, y);
                },
                Batches = _task.Batches,
            },
            _task.Probe, failing, 8, SmallProbes(_scratch, "failing"));

        Assert.Empty(run.Snapshots);
        Assert.Equal([1L, 2, 4, 8], run.ProbeFailures.Select(f => f.Step));
        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertNoProbeFailures());
        Assert.Contains("no probe may fail, but 4 did (steps 1, 2, 4, 8)", ex.Message);
        Assert.Contains("no error vector today", ex.Message);
        Assert.Contains("no error vector today", await File.ReadAllTextAsync(run.Artifacts!.Summary!));
    }

    [Fact]
    public async Task A_throwing_step_propagates_after_the_probes_so_far_are_written()
    {
        using var model = SmallRegressionTask.CreateModel();
        var options = SmallProbes(_scratch, "throws");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => MonitoredTraining.RunAsync(model, _task.Probe,
            ErrorFunctions.SquaredError, 100, step => step < 10 ? 1.0 : throw new InvalidOperationException("diverged"), options));

        Assert.Equal("diverged", ex.Message);
        // The schedule's probes, and the final probe at the last step completed before the throw.
        Assert.Equal([1L, 2, 4, 8, 9], (await JsonLinesReader.ReadAllAsync(Path.Combine(_scratch, "throws.jsonl"))).Select(s => s.Step));
    }

    [Fact]
    public async Task Cancellation_stops_between_steps_after_the_probes_so_far_are_written()
    {
        using var model = SmallRegressionTask.CreateModel();
        using var cts = new CancellationTokenSource();
        var options = SmallProbes(_scratch, "cancelled");
        var lastStep = 0L;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => MonitoredTraining.RunAsync(model, _task.Probe,
            ErrorFunctions.SquaredError, 100, step =>
            {
                lastStep = step;
                if (step == 5)
                {
                    cts.Cancel();
                }

                return 1.0;
            }, options, cts.Token));

        Assert.Equal(5, lastStep);
        // The schedule's probes, and the final probe at step 5, the last step that completed before the cancellation.
        Assert.Equal([1L, 2, 4, 5], (await JsonLinesReader.ReadAllAsync(Path.Combine(_scratch, "cancelled.jsonl"))).Select(s => s.Step));
    }

    [Fact]
    public async Task Without_artifacts_nothing_is_written()
    {
        using var model = SmallRegressionTask.CreateModel();
        var options = SmallProbes(_scratch, "quiet");
        options.WriteArtifacts = false;

        var run = await RunSupervised(model, 4, options);

        Assert.Null(run.Artifacts);
        Assert.Equal(3, run.Snapshots.Count);
        Assert.False(Directory.Exists(_scratch));
        Assert.EndsWith("artifacts: (none written)", Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertErrorEnergyDecreased(1e12)).Message);
    }

    [Fact]
    public async Task Arguments_are_checked_before_training()
    {
        using var model = SmallRegressionTask.CreateModel();
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        var noBatches = new SupervisedTraining { Optimizer = optimizer, Loss = (p, y) => p, Batches = [] };

        await Assert.ThrowsAsync<ArgumentException>(() => MonitoredTraining.RunAsync(model, noBatches, _task.Probe, ErrorFunctions.SquaredError, 10));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            MonitoredTraining.RunAsync(model, _task.Probe, ErrorFunctions.SquaredError, 0, _ => 1.0));
        var invalid = new MonitoredTrainingOptions { Monitor = new MonitorOptions { Probe = { LanczosSteps = 1 } } };
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            MonitoredTraining.RunAsync(model, _task.Probe, ErrorFunctions.SquaredError, 10, _ => 1.0, invalid));
        Assert.Equal("LanczosSteps", ex.ParamName);
    }

    [Fact]
    public async Task The_callers_monitor_options_are_validated_as_given_and_none_is_dropped()
    {
        using var model = SmallRegressionTask.CreateModel();
        // Overridden for a test run, but still a mistake to report: not silently replaced.
        var budget = new MonitoredTrainingOptions { WriteArtifacts = false, Monitor = new MonitorOptions { Schedule = { OverheadBudget = 7 } } };
        Assert.Equal("Schedule.OverheadBudget", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            MonitoredTraining.RunAsync(model, _task.Probe, ErrorFunctions.SquaredError, 10, _ => 1.0, budget))).ParamName);
        var history = new MonitoredTrainingOptions { WriteArtifacts = false, Monitor = new MonitorOptions { HistoryLimit = 0 } };
        Assert.Equal("HistoryLimit", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            MonitoredTraining.RunAsync(model, _task.Probe, ErrorFunctions.SquaredError, 10, _ => 1.0, history))).ParamName);

        // HistoryLimit reaches the monitor (it was dropped from the test run's copy).
        var options = SmallProbes(_scratch, "limited");
        options.WriteArtifacts = false;
        options.Monitor.HistoryLimit = 2;
        var run = await RunSupervised(model, 8, options);
        Assert.Equal([4L, 8], run.Snapshots.Select(s => s.Step));
    }

    /// <summary>A PNG file: the 8-byte signature, then the IHDR chunk with the image size (big-endian).</summary>
    private static void AssertPng(string path, int width, int height)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal("IHDR"u8.ToArray(), bytes[12..16]);
        Assert.Equal(width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(height, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }
}
