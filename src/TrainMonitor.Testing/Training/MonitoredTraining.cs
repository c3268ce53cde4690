using System.Runtime.CompilerServices;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.JsonLines;
using TrainMonitor.Probing;
using TrainMonitor.Scheduling;
using TrainMonitor.Session;
using static TorchSharp.torch;

namespace TrainMonitor.Testing;

/// <summary>
/// Runs a short training under an inline <see cref="TrainingMonitor"/> and returns a <see cref="MonitoredRun"/> to assert
/// on. Meant for test projects (xunit, NUnit, MSTest alike):
/// <code>
/// var run = await MonitoredTraining.RunAsync(model, training, probe, ErrorFunctions.SquaredError, steps: 2_000);
/// run.AssertNoProbeFailures().AssertNotLazyStagnant().AssertErrorEnergyExponentAtLeast(0.3, fromStep: 64);
/// </code>
/// </summary>
/// <remarks>
/// <para>
/// <b>Deterministic.</b> The monitor runs inline, on the training thread, with the overhead budget off, so it probes at
/// exactly the schedule's steps (default 1, 2, 4, 8, …) on every machine; probes never change the training (the
/// monitor's contract), so with seeded weights and data the run is the same on every run of the test. The global torch
/// random stream is not touched here: seeding is the test's business.
/// </para>
/// <para>
/// <b>Artifacts.</b> Unless turned off, every run leaves in its folder (see <see cref="MonitoredTrainingOptions.OutputDirectory"/>):
/// <c>{run}.jsonl</c> (one snapshot per probe), <c>summary.txt</c> (the shell-profile table), <c>profiles.png</c>,
/// <c>frontier.png</c> and <c>error-energy.png</c>. Files of an earlier run of the same name are replaced.
/// </para>
/// <para>
/// The training loop runs synchronously on the calling thread (TorchSharp's dispose scopes and grad mode are per thread);
/// the artifacts are written asynchronously afterwards.
/// </para>
/// </remarks>
public static class MonitoredTraining
{
    /// <summary>Runs <paramref name="steps"/> steps of the supervised loop <paramref name="training"/> under the monitor.</summary>
    /// <param name="model">The model being trained (probed in place between steps).</param>
    /// <param name="training">Optimiser, loss and training batches.</param>
    /// <param name="probe">The fixed held-out probe set.</param>
    /// <param name="error">The error function defining the error operator (e.g. <see cref="ErrorFunctions.SquaredError"/>).</param>
    /// <param name="steps">Training steps to run (≥ 1).</param>
    /// <param name="options">Run settings (defaults when null).</param>
    /// <param name="ct">Checked between steps; cancelling stops the run and throws <see cref="OperationCanceledException"/>.</param>
    /// <param name="callerFile">Filled in by the compiler: gives the default run name.</param>
    /// <param name="callerMember">Filled in by the compiler: gives the default run name.</param>
    public static Task<MonitoredRun> RunAsync(nn.Module<Tensor, Tensor> model, SupervisedTraining training, ProbeSet probe, ErrorFunction error,
        long steps, MonitoredTrainingOptions? options = null, CancellationToken ct = default,
        [CallerFilePath] string callerFile = "", [CallerMemberName] string callerMember = "")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(training.Optimizer, $"{nameof(training)}.{nameof(SupervisedTraining.Optimizer)}");
        ArgumentNullException.ThrowIfNull(training.Loss, $"{nameof(training)}.{nameof(SupervisedTraining.Loss)}");
        ArgumentNullException.ThrowIfNull(training.Batches, $"{nameof(training)}.{nameof(SupervisedTraining.Batches)}");
        if (training.Batches.Count == 0)
        {
            throw new ArgumentException("The training needs at least one batch.", nameof(training));
        }

        return RunAsync(model, probe, error, steps, step => SupervisedStep(model, training, step), options, ct, callerFile, callerMember);
    }

    /// <summary>Runs <paramref name="steps"/> calls of <paramref name="trainStep"/> (steps 1, 2, …) under the monitor.</summary>
    /// <param name="model">The model being trained (probed in place between steps).</param>
    /// <param name="probe">The fixed held-out probe set.</param>
    /// <param name="error">The error function defining the error operator (e.g. <see cref="ErrorFunctions.SquaredError"/>).</param>
    /// <param name="steps">Training steps to run (≥ 1).</param>
    /// <param name="trainStep">
    /// Performs optimiser step k (forward, backward, optimizer.step()) and returns its loss, or a <see cref="StepReport"/>
    /// with the learning rate too. An exception from it ends the run (the monitor is closed and its JSON lines flushed)
    /// and propagates.
    /// </param>
    /// <param name="options">Run settings (defaults when null).</param>
    /// <param name="ct">Checked between steps; cancelling stops the run and throws <see cref="OperationCanceledException"/>.</param>
    /// <param name="callerFile">Filled in by the compiler: gives the default run name.</param>
    /// <param name="callerMember">Filled in by the compiler: gives the default run name.</param>
    public static async Task<MonitoredRun> RunAsync(nn.Module<Tensor, Tensor> model, ProbeSet probe, ErrorFunction error, long steps,
        Func<long, StepReport> trainStep, MonitoredTrainingOptions? options = null, CancellationToken ct = default,
        [CallerFilePath] string callerFile = "", [CallerMemberName] string callerMember = "")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(trainStep);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        options ??= new MonitoredTrainingOptions();
        ArgumentNullException.ThrowIfNull(options.Monitor, $"{nameof(options)}.{nameof(MonitoredTrainingOptions.Monitor)}");
        var runName = string.IsNullOrWhiteSpace(options.RunName) ? ArtifactDirectory.DefaultRunName(callerFile, callerMember) : options.RunName;
        var monitorOptions = ForTest(options.Monitor, runName);
        monitorOptions.Validate();

        string? directory = null;
        string? jsonPath = null;
        JsonLinesSink? jsonSink = null;
        if (options.WriteArtifacts)
        {
            directory = ArtifactDirectory.Resolve(options.OutputDirectory, runName, Environment.GetEnvironmentVariable);
            Directory.CreateDirectory(directory);
            jsonPath = Path.Combine(directory, ArtifactDirectory.ToFileName(runName) + ".jsonl");
            // The sink appends (resumable runs); a test run starts afresh.
            File.Delete(jsonPath);
            jsonSink = new JsonLinesSink(jsonPath);
        }

        var recorder = new FailureRecorder();
        IMonitorSink[] sinks = jsonSink is null ? [recorder] : [recorder, jsonSink];
        IReadOnlyList<ProbeSnapshot> snapshots;
        var completed = 0L;
        try
        {
            var monitor = TrainingMonitor.Attach(model, probe, error, monitorOptions, sinks, logger: options.Logger);
            try
            {
                for (var step = 1L; step <= steps; step++)
                {
                    ct.ThrowIfCancellationRequested();
                    var report = trainStep(step);
                    completed = step;
                    monitor.OnStep(step, report.LearningRate, report.Loss);
                }
            }
            finally
            {
                // Drains the events: the JSON lines are complete even when the step function threw.
                await monitor.DisposeAsync().ConfigureAwait(false);
            }

            snapshots = monitor.History;
        }
        finally
        {
            if (jsonSink is not null)
            {
                await jsonSink.DisposeAsync().ConfigureAwait(false);
            }
        }

        RunArtifacts? artifacts = null;
        var failures = recorder.Failures;
        if (directory is not null && jsonPath is not null)
        {
            artifacts = await WriteArtifactsAsync(directory, jsonPath, runName, snapshots, failures, completed, ct).ConfigureAwait(false);
        }

        return MonitoredRun.FromSnapshots(snapshots, failures, artifacts, runName, completed);
    }

    private static StepReport SupervisedStep(nn.Module<Tensor, Tensor> model, SupervisedTraining training, long step)
    {
        using var scope = NewDisposeScope();
        var (input, target) = training.Batches[(int)((step - 1) % training.Batches.Count)];
        training.Optimizer.zero_grad();
        using var loss = training.Loss(model.call(input), target);
        loss.backward();
        training.Optimizer.step();
        return new StepReport(loss.ToDouble(), LearningRate(training.Optimizer));
    }

    /// <summary>The largest learning rate over the optimiser's parameter groups (it bounds stability), or null when it has none.</summary>
    private static double? LearningRate(optim.Optimizer optimizer)
    {
        double? largest = null;
        foreach (var group in optimizer.ParamGroups)
        {
            largest = largest is { } l ? Math.Max(l, group.LearningRate) : group.LearningRate;
        }

        return largest;
    }

    /// <summary>
    /// A copy of the caller's options with the two settings a test run fixes (inline mode, no overhead budget) and the run
    /// name; the caller's objects are left alone, so tests running in parallel may share them.
    /// </summary>
    private static MonitorOptions ForTest(MonitorOptions source, string runName)
    {
        ArgumentNullException.ThrowIfNull(source.Schedule, "Monitor.Schedule");
        // The caller's settings are checked as given: a bad one fails here, naming it, even where the run overrides it.
        source.Validate();
        return new MonitorOptions
        {
            RunName = runName,
            Enabled = source.Enabled,
            Mode = ExecutionMode.Inline,
            HistoryLimit = source.HistoryLimit,
            MaxProbeExamples = source.MaxProbeExamples,
            Schedule = new ScheduleOptions
            {
                Kind = source.Schedule.Kind,
                ProbeInterval = source.Schedule.ProbeInterval,
                FirstProbeStep = source.Schedule.FirstProbeStep,
                LogSpacingFactor = source.Schedule.LogSpacingFactor,
                OverheadBudget = 0,
            },
            Probe = source.Probe,
            Regime = source.Regime,
        };
    }

    private static async Task<RunArtifacts> WriteArtifactsAsync(string directory, string jsonPath, string runName,
        IReadOnlyList<ProbeSnapshot> snapshots, IReadOnlyList<ProbeFailed> failures, long steps, CancellationToken ct)
    {
        var summaryPath = Path.Combine(directory, "summary.txt");
        var summary = MonitoredRun.FromSnapshots(snapshots, failures, runName: runName, trainingSteps: steps).Describe();
        await File.WriteAllTextAsync(summaryPath, $"run {runName}, {steps} training steps\n\n{summary}", ct).ConfigureAwait(false);

        var plots = new (string File, Func<IReadOnlyList<ProbeSnapshot>, string, byte[]> Draw)[]
        {
            ("profiles.png", RunPlots.Profiles),
            ("frontier.png", RunPlots.Frontier),
            ("error-energy.png", RunPlots.ErrorEnergy),
        };
        var paths = new string[plots.Length];
        for (var i = 0; i < plots.Length; i++)
        {
            paths[i] = Path.Combine(directory, plots[i].File);
            byte[] png;
            try
            {
                png = plots[i].Draw(snapshots, runName);
            }
            catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or BadImageFormatException)
            {
                throw new InvalidOperationException(
                    $"Could not draw {plots[i].File} for run '{runName}': the plotting library's native part (SkiaSharp) did not load ({ex.Message}). " +
                    $"Set {nameof(MonitoredTrainingOptions)}.{nameof(MonitoredTrainingOptions.WriteArtifacts)} = false to run without artifacts.", ex);
            }

            await File.WriteAllBytesAsync(paths[i], png, ct).ConfigureAwait(false);
        }

        return new RunArtifacts(directory, jsonPath, summaryPath, paths[0], paths[1], paths[2]);
    }
}
