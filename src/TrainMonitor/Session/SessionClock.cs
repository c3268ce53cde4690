using System.Diagnostics;
using TrainMonitor.Scheduling;

namespace TrainMonitor.Session;

/// <summary>
/// The time accounting of a session: training time (the wall time since attach not spent inside
/// <see cref="TrainingMonitor.OnStep"/>, handed in by it), probe time (the wall time of the probes) and their ratio, the
/// overhead an overhead budget holds a schedule to.
/// </summary>
/// <remarks>Not thread-safe on its own: it lives inside <see cref="RunLedger"/>, whose lock guards it.</remarks>
internal sealed class SessionClock
{
    private long _trainingTicks;
    private long _probeTicks;
    private long _lastProbeTicks = -1;
    private long _firstStep = -1;
    private long _steps;
    private long _probes;

    /// <summary>Probe time over training time; NaN before any training time.</summary>
    public double OverheadRatio => _trainingTicks > 0 ? (double)_probeTicks / _trainingTicks : double.NaN;

    /// <summary>Training time up to the report of <paramref name="step"/>; steps are counted from the first step reported.</summary>
    public void AddTrainingTime(long ticks, long step)
    {
        _trainingTicks += ticks;
        if (_firstStep < 0)
        {
            _firstStep = step;
        }

        // Step numbers, not reports: a loop that reports every tenth step has trained ten steps per report.
        _steps = Math.Max(_steps, step - _firstStep + 1);
    }

    public void AddProbeTime(long ticks)
    {
        _probeTicks += ticks;
        _lastProbeTicks = ticks;
        _probes++;
    }

    /// <summary>
    /// Time spent after a probe's measurement on its report (regime, energy budget, snapshot): probe time, and part of the
    /// last probe's cost (what the budget expects the next to cost), but not a probe of its own.
    /// </summary>
    public void AddReportingTime(long ticks)
    {
        _probeTicks += ticks;
        if (_lastProbeTicks >= 0)
        {
            _lastProbeTicks += ticks;
        }
    }

    /// <summary>What a schedule is told of the run so far (<paramref name="lastProbeStep"/> is -1 before the first probe).</summary>
    public ScheduleContext ContextAfter(long lastProbeStep) => new(
        lastProbeStep < 0 ? null : lastProbeStep,
        Seconds(_trainingTicks),
        Seconds(_probeTicks),
        _lastProbeTicks < 0 ? null : Seconds(_lastProbeTicks))
    {
        TrainingSteps = _steps,
        ProbesTimed = _probes,
    };

    public static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;
}
