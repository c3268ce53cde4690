using TrainMonitor.Scheduling;

namespace Validation.Scenarios;

/// <summary>
/// A probe schedule every scenario is run under. Both have the overhead budget off: with the library's default budget
/// a due probe is postponed while probes exceed 5 % of training time, so the probed steps would depend on machine load
/// and the benchmark would not be reproducible.
/// </summary>
internal sealed record ScheduleVariant(string Name, string Description, Func<ScheduleOptions> Create)
{
    public static ScheduleVariant Fixed { get; } = new("fixed", "every 50 steps",
        () => new ScheduleOptions { Kind = ScheduleKind.EveryNSteps, ProbeInterval = 50, OverheadBudget = 0 });

    /// <summary>The library's default kind and spacing (first probe at step 1, factor 2), only the budget turned off.</summary>
    public static ScheduleVariant LogSpaced { get; } = new("logspaced", "library default log-spaced (1, 2, 4, …)",
        () => new ScheduleOptions { OverheadBudget = 0 });

    public static IReadOnlyList<ScheduleVariant> All { get; } = [Fixed, LogSpaced];
}
