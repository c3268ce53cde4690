namespace TrainMonitor.Outputs.Metrics;

/// <summary>How a metric is written to TensorBoard: its tag (under the sink's prefix) and its place among a probe's records.</summary>
/// <param name="Tag">
/// The scalar's tag; an <see cref="MetricKind.Interval"/> also writes <c>{Tag}_lower</c> and <c>{Tag}_upper</c>, a per-shell
/// metric writes each shell's estimate as <c>{Tag}/alpha_{α}</c>.
/// </param>
/// <param name="Order">
/// Position among the records of one probe (lowest first). The sink wrote its records in this order before the metric
/// table existed, and event files keep it; a new metric that leaves it at the default comes after them, in table order.
/// </param>
public sealed record TensorBoardSeries(string Tag, int Order = int.MaxValue)
{
    /// <summary>
    /// When false for a probe, no record is written whatever number the value carries (a gap in the curve); null to write
    /// every finite value.
    /// </summary>
    public Func<ProbeSnapshot, bool>? WrittenWhen { get; init; }
}
