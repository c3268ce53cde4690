namespace TrainMonitor.Testing;

/// <summary>Where a monitored run left its files. Paths are absolute; a plot is null when it was not written.</summary>
/// <param name="Directory">The run's artifacts folder.</param>
/// <param name="JsonLines">One snapshot per probe (schema: docs/snapshot-schema.md), readable with <c>JsonLinesReader</c> or <see cref="MonitoredRun.LoadAsync"/>.</param>
/// <param name="Summary">The shell-profile table of the run as text (the one failure messages print).</param>
/// <param name="ProfilesPlot">Shell energy against eigenvalue, one curve per probe, log–log.</param>
/// <param name="FrontierPlot">Resolution frontier λ_f in the band of its certified interval, the fit's λ and λ_max against step, log–log.</param>
/// <param name="ErrorEnergyPlot">Error energy (and null energy) against step, log–log.</param>
public sealed record RunArtifacts(string Directory, string JsonLines, string? Summary, string? ProfilesPlot, string? FrontierPlot, string? ErrorEnergyPlot);
