namespace TrainMonitor.Outputs.Metrics;

/// <summary>The shape of a <see cref="MetricDefinition"/>: which selectors it has, and so how a sink exports it.</summary>
public enum MetricKind
{
    /// <summary>One number per probe of a run (<see cref="MetricDefinition.Value"/>), e.g. the error energy.</summary>
    Scalar,

    /// <summary>
    /// An estimate with certified lower and upper ends (<see cref="MetricDefinition.Value"/>,
    /// <see cref="MetricDefinition.Lower"/>, <see cref="MetricDefinition.Upper"/>), e.g. the quantile frontier.
    /// </summary>
    Interval,

    /// <summary>One number per shell of a probe (<see cref="MetricDefinition.ShellValue"/>; null where unknown), e.g. the occupancy.</summary>
    PerShell,

    /// <summary>
    /// An estimate with certified bounds per shell (<see cref="MetricDefinition.ShellValue"/>,
    /// <see cref="MetricDefinition.ShellLower"/>, <see cref="MetricDefinition.ShellUpper"/>), e.g. the shell energy.
    /// </summary>
    PerShellInterval,

    /// <summary>The regime as a state set: one series per regime, 1 for the current one; <see cref="MetricDefinition.Value"/> is its enum code.</summary>
    RegimeStateSet,

    /// <summary>
    /// A running total of the run, read from the monitor's live status rather than from one probe; when a probe carries its
    /// own contribution, <see cref="MetricDefinition.Value"/> selects it.
    /// </summary>
    Counter,

    /// <summary>A distribution of one number per probe (<see cref="MetricDefinition.Value"/>), e.g. the probe's wall time.</summary>
    Histogram,
}
