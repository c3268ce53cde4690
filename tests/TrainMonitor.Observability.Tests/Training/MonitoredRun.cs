using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using TrainMonitor.Prometheus;
using TrainMonitor.Regimes;
using TrainMonitor.Scheduling;
using TrainMonitor.Session;
using static TorchSharp.torch;

namespace TrainMonitor.Observability.Tests.Training;

/// <summary>
/// One real monitored training run that the tests advance step by step: a <see cref="ScaledTwoLayerNet"/> trained by
/// full-batch gradient descent on <see cref="TeacherTask"/>, a real <see cref="TrainingMonitor"/> probing it on a fixed
/// held-out set and exporting through a shared <see cref="PrometheusSink"/> (its status tracked, as the hosting
/// package does).
/// </summary>
internal sealed class MonitoredRun : IAsyncDisposable
{
    private readonly ScaledTwoLayerNet _model;
    private readonly optim.Optimizer _optimizer;
    private readonly Tensor _trainInputs;
    private readonly Tensor _trainTargets;
    private readonly ProbeSet _probe;
    private readonly IDisposable _tracking;
    private readonly double _learningRate;
    private readonly long _freezeAfterStep;

    private MonitoredRun(string name, RunRecipe recipe, PrometheusSink sink, RegimeThresholds thresholds)
    {
        Name = name;
        TotalSteps = recipe.Steps;
        _learningRate = recipe.LearningRate;
        _freezeAfterStep = recipe.FreezeAfterStep ?? long.MaxValue;
        torch.manual_seed((long)recipe.Seed);
        _model = new ScaledTwoLayerNet(TeacherTask.Inputs, recipe.Width, recipe.OutputScale, recipe.FreezeHidden);
        // Plain gradient descent without momentum: with the learning rate at 0 the weights stay exactly as they are.
        _optimizer = optim.SGD(_model.parameters().Where(p => p.requires_grad), recipe.LearningRate);
        var (trainInputs, trainTargets) = TeacherTask.Sample(256, recipe.Seed + 1);
        _trainInputs = trainInputs;
        _trainTargets = trainTargets;
        var (probeInputs, probeTargets) = TeacherTask.Sample(128, recipe.Seed + 2);
        using (probeInputs)
        using (probeTargets)
        {
            _probe = ProbeSet.FromTensors(probeInputs, probeTargets, batchSize: 128);
        }

        var options = new MonitorOptions
        {
            RunName = name,
            Schedule = new ScheduleOptions { Kind = ScheduleKind.LogSpaced, FirstProbeStep = 4, LogSpacingFactor = recipe.ProbeSpacing, OverheadBudget = 0 },
            Probe = new SpectralProbeOptions { LanczosSteps = 32, SketchVectors = 4 },
        };
        options.Regime = thresholds;

        Monitor = TrainingMonitor.Attach(_model, _probe, ErrorFunctions.SquaredError, options, [sink]);
        _tracking = sink.Track(() => Monitor.Status);
    }

    /// <summary>The <c>run</c> label.</summary>
    public string Name { get; }

    /// <summary>The run's monitor (its <see cref="TrainingMonitor.History"/> says what the tracker reported).</summary>
    public TrainingMonitor Monitor { get; }

    /// <summary>Last step trained.</summary>
    public long Step { get; private set; }

    /// <summary>Steps the recipe asks for.</summary>
    public long TotalSteps { get; }

    /// <summary>
    /// Random features: a two-layer network whose hidden layer is frozen (only the readout trains), so the kernel
    /// M = Φ Φᵀ / n is exactly constant — the lazy limit — and the kernel distance is exactly 0. Gradient descent
    /// (η = 0.5, η·λ_max ≈ 0.6) resolves the error for 100 steps (lazy_progressing); then the learning rate is 0 while
    /// the loop goes on calling the monitor, so error energy and frontier stop moving: the tracker's lazy stall.
    /// 1000 steps, 25 probes (log-spaced by 1.25 from step 4), 10 of them after the learning rate went to 0.
    /// </summary>
    public static MonitoredRun LazyStalled(string name, PrometheusSink sink, RegimeThresholds thresholds) =>
        new(name, new RunRecipe(Seed: 5, Width: 64, OutputScale: 1.0, LearningRate: 0.5, Steps: 1000, FreezeAfterStep: 100, ProbeSpacing: 1.25, FreezeHidden: true), sink, thresholds);

    /// <summary>
    /// A small-output-scale network (α = 0.005, learning rate 0.002/α² = 80): the readout alone cannot fit, so the
    /// hidden features move and the kernel decorrelates by a few percent per probe (kernel velocity 0.55–3.6 rad per e-fold
    /// of held-out loss after the first probe, against the pinned 0.02 threshold), while η·λ_max stays below about 1.1 over
    /// its 50 steps.
    /// </summary>
    public static MonitoredRun FeatureLearning(string name, PrometheusSink sink, RegimeThresholds thresholds) =>
        new(name, new RunRecipe(Seed: 9, Width: 32, OutputScale: 0.005, LearningRate: 0.002 / (0.005 * 0.005), Steps: 50, FreezeAfterStep: null, ProbeSpacing: 1.5), sink, thresholds);

    /// <summary>Trains up to <paramref name="step"/> (at most <see cref="TotalSteps"/>), calling the monitor after every step.</summary>
    public void TrainTo(long step)
    {
        step = Math.Min(step, TotalSteps);
        while (Step < step)
        {
            Step++;
            var learningRate = Step > _freezeAfterStep ? 0.0 : _learningRate;
            foreach (var group in _optimizer.ParamGroups)
            {
                group.LearningRate = learningRate;
            }

            float loss;
            using (NewDisposeScope())
            {
                _optimizer.zero_grad();
                var error = _model.call(_trainInputs) - _trainTargets;
                var objective = 0.5 * error.square().mean();
                objective.backward();
                _optimizer.step();
                loss = objective.item<float>();
            }

            Monitor.OnStep(Step, learningRate, loss);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Monitor.DisposeAsync();
        _tracking.Dispose();
        _optimizer.Dispose();
        _model.Dispose();
        _probe.Dispose();
        _trainInputs.Dispose();
        _trainTargets.Dispose();
    }

}

/// <summary>How a <see cref="MonitoredRun"/> trains: seed, width, output scale α, learning rate, length, and the step after which the learning rate is 0.</summary>
internal readonly record struct RunRecipe(ulong Seed, int Width, double OutputScale, double LearningRate, long Steps, long? FreezeAfterStep, double ProbeSpacing, bool FreezeHidden = false);
