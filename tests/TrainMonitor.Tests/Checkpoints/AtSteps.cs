using TrainMonitor.Scheduling;

namespace TrainMonitor.Tests.Checkpoints;

/// <summary>Probes exactly at the given steps: the live monitor probing where a series has its checkpoints.</summary>
internal sealed class AtSteps(IEnumerable<long> steps) : IProbeSchedule
{
    private readonly HashSet<long> _steps = [.. steps];

    public bool IsDue(long step, ScheduleContext context) => _steps.Contains(step);
}
