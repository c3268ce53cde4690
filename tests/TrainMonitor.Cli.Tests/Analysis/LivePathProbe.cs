using CheckpointModels;
using TorchSharp;
using TorchSharp.PyBridge;
using TrainMonitor.Cli.Tests.Checkpoints;
using TrainMonitor.Errors;
using TrainMonitor.Outputs;
using TrainMonitor.Probing;
using TrainMonitor.Scheduling;
using TrainMonitor.Session;
using static TorchSharp.torch;

namespace TrainMonitor.Cli.Tests.Analysis;

/// <summary>
/// The live path the analyze command must agree with: a <see cref="TrainingMonitor"/> attached to the TorchSharp twin of a
/// fixture model, whose weights become each checkpoint's (loaded from its PyTorch state dict) before the step that
/// checkpoint was saved at, as a training loop's weights would be, probing exactly at those steps.
/// </summary>
internal static class LivePathProbe
{
    /// <summary>The snapshots the live monitor takes of <paramref name="model"/>'s checkpoints, one per step of <paramref name="steps"/>.</summary>
    public static async Task<IReadOnlyList<ProbeSnapshot>> RunAsync(string model, IReadOnlyList<int> steps, ProbeSet probe, ErrorFunction error,
        SpectralProbeOptions probeOptions)
    {
        using var live = CheckpointFixtures.CreateTwin(model);
        live.to(ScalarType.Float64);
        live.eval();
        await using var monitor = TrainingMonitor.Attach(live, probe, error, new MonitorOptions { RunName = "live", Probe = probeOptions },
            schedule: new AtSteps([.. steps.Select(s => (long)s)]));
        for (var step = 1; step <= steps[^1]; step++)
        {
            if (steps.Contains(step))
            {
                CopyCheckpoint(model, step, live);
            }

            monitor.OnStep(step);
        }

        await monitor.FlushAsync();
        return monitor.History;
    }

    /// <summary>
    /// The probe set analyze builds from <c>--tokens probe.bin --context T</c>: the first <paramref name="batches"/> ×
    /// <paramref name="batchSize"/> non-overlapping windows of T + 1 tokens, cut by the test itself.
    /// </summary>
    public static ProbeSet TokenWindows(int context, bool perToken, int batchSize, int batches)
    {
        using var scope = NewDisposeScope();
        var windows = CheckpointFixtures.ProbeWindows(context + 1).narrow(0, 0, batchSize * batches);
        var inputs = windows.narrow(1, 0, context);
        var targets = perToken ? windows.narrow(1, 1, context) : windows.select(1, context);
        return ProbeSet.FromTensors(inputs, targets, batchSize);
    }

    private static void CopyCheckpoint(string model, int step, nn.Module<Tensor, Tensor> into)
    {
        using var saved = CheckpointFixtures.CreateTwin(model);
        saved.load_py(CheckpointFixtures.StateDict(model, step), strict: true);
        var source = saved.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in into.named_parameters())
        {
            parameter.copy_(source[name]);
        }
    }

    private sealed class AtSteps(long[] steps) : IProbeSchedule
    {
        public bool IsDue(long step, ScheduleContext context) => steps.Contains(step);
    }
}
