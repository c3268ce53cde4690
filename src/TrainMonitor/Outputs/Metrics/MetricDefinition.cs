namespace TrainMonitor.Outputs.Metrics;

/// <summary>
/// One metric of the monitor, named once (<see cref="MetricTable"/>): its base name, help text, unit and shape, the
/// selectors that read it from a probe, and how each sink exports it. Prometheus and TensorBoard walk the table, so a new
/// quantity is a new row plus its snapshot field.
/// </summary>
/// <remarks>
/// Selectors that do not fit the <see cref="Kind"/> are null. Identity is by reference: every metric is one instance in
/// <see cref="MetricTable"/>.
/// </remarks>
public sealed class MetricDefinition
{
    /// <summary>The base name in snake_case, e.g. <c>error_energy</c> (Prometheus adds its <c>trainmonitor_</c> prefix).</summary>
    public required string Name { get; init; }

    /// <summary>What the metric means, with its unit and when it is NaN: the Prometheus HELP text.</summary>
    public required string Help { get; init; }

    /// <summary>The unit of its values, e.g. <c>squared error per entry</c>, <c>eigenvalue</c>, <c>dimensionless</c>, <c>count</c>.</summary>
    public required string Unit { get; init; }

    /// <summary>Its shape, which says which selectors are set and how a sink exports it.</summary>
    public required MetricKind Kind { get; init; }

    /// <summary>The value of one probe (the estimate of an interval, the regime's enum code, a counter's per-probe contribution).</summary>
    public Func<ProbeSnapshot, double>? Value { get; init; }

    /// <summary>Certified lower end of an <see cref="MetricKind.Interval"/>.</summary>
    public Func<ProbeSnapshot, double>? Lower { get; init; }

    /// <summary>Certified upper end of an <see cref="MetricKind.Interval"/>.</summary>
    public Func<ProbeSnapshot, double>? Upper { get; init; }

    /// <summary>
    /// The shells a per-shell metric has at one probe: by default the profile's (<see cref="ProbeSnapshot.Shells"/>); the
    /// energy budget's rows select their own shells (empty when the probe has no budget), as shell records whose estimate
    /// and bounds are the metric's.
    /// </summary>
    public Func<ProbeSnapshot, IReadOnlyList<ShellSnapshot>> ShellsOf { get; init; } = static s => s.Shells;

    /// <summary>The value (the estimate, for <see cref="MetricKind.PerShellInterval"/>) of one shell; null when not known.</summary>
    public Func<ShellSnapshot, double?>? ShellValue { get; init; }

    /// <summary>Certified lower bound of one shell's value (<see cref="MetricKind.PerShellInterval"/>).</summary>
    public Func<ShellSnapshot, double>? ShellLower { get; init; }

    /// <summary>Certified upper bound of one shell's value (<see cref="MetricKind.PerShellInterval"/>).</summary>
    public Func<ShellSnapshot, double>? ShellUpper { get; init; }

    /// <summary>True when the Prometheus sink exports it (as <c>trainmonitor_{Name}</c>).</summary>
    public bool InPrometheus { get; init; } = true;

    /// <summary>How the TensorBoard sink writes it; null when it does not.</summary>
    public TensorBoardSeries? TensorBoard { get; init; }

    /// <summary>
    /// The properties of the completed-probe log event that carry it; empty when it is not logged. The event's message is
    /// prose written around them (<c>LoggingSink</c>'s template), so a new logged metric also needs a template edit; a test
    /// checks that every property named here is in the event with this value.
    /// </summary>
    public IReadOnlyList<LogProperty> LogProperties { get; init; } = [];

    /// <summary>
    /// Where its values are in a JSON line (docs/snapshot-schema.md), as dotted key paths, <c>shells[].</c> for a per-shell
    /// key; the estimate's path first. Empty for a counter the snapshot does not carry.
    /// </summary>
    public IReadOnlyList<string> JsonPaths { get; init; } = [];

    /// <inheritdoc />
    public override string ToString() => Name;
}
