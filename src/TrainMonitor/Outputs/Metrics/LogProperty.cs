namespace TrainMonitor.Outputs.Metrics;

/// <summary>One named property of the structured log event of a completed probe that carries a metric.</summary>
/// <param name="Name">The property's name, as it appears in the message template.</param>
/// <param name="Value">The value logged, typed as the template formats it (a double, a count, a wire name).</param>
public sealed record LogProperty(string Name, Func<ProbeSnapshot, object?> Value);
