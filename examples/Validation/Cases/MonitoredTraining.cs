using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Outputs;
using TrainMonitor.Probing;
using TrainMonitor.Session;
using static TorchSharp.torch;

namespace Validation.Cases;

/// <summary>
/// Trains a model with a caller-supplied step and the real monitor attached inline, probing at doubling steps
/// (1, 2, 4, …), and returns the monitor's history: what a user of the library would see.
/// </summary>
internal static class MonitoredTraining
{
    /// <param name="trainStep">Performs optimiser step <c>t</c> and returns (loss, learning rate).</param>
    /// <param name="onProbeStep">Called after the monitor at each power-of-two step (e.g. to keep a checkpoint).</param>
    public static IReadOnlyList<ProbeSnapshot> Run(string name, nn.Module<Tensor, Tensor> model, ProbeSet probe, ErrorFunction error, int steps,
        Func<int, (double Loss, double LearningRate)> trainStep, SpectralProbeOptions? probeOptions = null, Action<int>? onProbeStep = null)
    {
        using var monitor = TrainingMonitor.Attach(model, probe, error, new MonitorOptions
        {
            RunName = name,
            MaxProbeExamples = 0,
            Schedule = { FirstProbeStep = 1, LogSpacingFactor = 2, OverheadBudget = 0 },
            Probe = probeOptions ?? new SpectralProbeOptions(),
        });
        for (var step = 1; step <= steps; step++)
        {
            using var scope = NewDisposeScope();
            var (loss, rate) = trainStep(step);
            monitor.OnStep(step, double.IsFinite(rate) ? rate : null, loss);
            if ((step & (step - 1)) == 0)
            {
                onProbeStep?.Invoke(step);
            }
        }

        monitor.FlushAsync().GetAwaiter().GetResult();
        return monitor.History;
    }
}
