using System.Diagnostics;
using TorchSharp;
using TrainMonitor.Regimes;
using TrainMonitor.Session;
using static TorchSharp.torch;

namespace Validation.Scenarios;

/// <summary>
/// Trains one scenario with the real monitor attached inline: <c>OnStep(step, rate, minibatch loss)</c> after every
/// optimizer step. The harness evaluates the held-out and training losses itself at every multiple of 50, every power of
/// two, the last step and any step the monitor probed, so the baselines see exactly the monitor's probe steps.
/// </summary>
internal static class ScenarioRunner
{
    public static ScenarioRun Run(ScenarioDefinition definition, ScheduleVariant schedule)
    {
        var watch = Stopwatch.StartNew();
        // Data split, minibatch sampler and initial weights all follow the scenario's seed; the two schedules of one
        // scenario therefore train the identical trajectory and differ only in where the monitor looks.
        manual_seed(definition.Seed);
        using var task = ScenarioModels.CreateTask(definition);
        using var model = ScenarioModels.CreateModel(definition);
        using var monitor = TrainingMonitor.Attach(model, task.Probe, task.Error, new MonitorOptions
        {
            RunName = $"{definition.Name}-{schedule.Name}",
            MaxProbeExamples = 0, // the scenario's probe set as designed, not the first-run cap
            Schedule = schedule.Create(),
        });
        using var optimizer = definition.Optimizer.Create(model.parameters());
        using var initial = new ParameterSnapshot(model);
        var random = new Random(definition.Seed);
        var curve = new List<LossPoint>();
        var rateInForce = double.NaN;
        for (var step = 1L; step <= definition.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var rate = definition.RateAt(step);
            if (rate != rateInForce)
            {
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = rate;
                }

                rateInForce = rate;
            }

            optimizer.zero_grad();
            var loss = task.MinibatchLoss(model, random);
            if (definition.StepsAt(step))
            {
                loss.backward();
                optimizer.step();
            }

            var probesBefore = monitor.History.Count;
            monitor.OnStep(step, rate, loss.item<float>());
            if (monitor.History.Count != probesBefore || step % 50 == 0 || (step & (step - 1)) == 0 || step == definition.Steps)
            {
                curve.Add(new LossPoint(step, task.HeldOutLoss(model), task.TrainingLoss(model)));
            }
        }

        monitor.FlushAsync().GetAwaiter().GetResult();
        var losses = curve.ToDictionary(p => p.Step);
        var probes = monitor.History.Select((h, i) =>
        {
            var point = losses.TryGetValue(h.Step, out var p) ? p : new LossPoint(h.Step, double.NaN, double.NaN);
            return new ProbeRecord(i + 1, h.Step, point.HeldOut, point.Training, h.ErrorEnergy, h.Assessment.KernelVelocity,
                h.Assessment.OutputChange, h.Assessment.Regime.ToWireName(), h.Assessment.Reason);
        }).ToArray();
        return new ScenarioRun(definition, schedule, probes, curve, initial.RelativeDistance(model), monitor.Status.ProbeFailuresTotal, watch.Elapsed.TotalSeconds);
    }
}
