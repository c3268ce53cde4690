namespace TrainMonitor.Testing;

/// <summary>Where a monitored run left its files. Paths are absolute; a plot is null when it was not written.</summary>
/// <param name="Directory">The run's artifacts folder.</param>
/// <param name="JsonLines">One snapshot per probe (schema: docs/snapshot-schema.md), readable with <c>JsonLinesReader</c> or <see cref="MonitoredRun.LoadAsync"/>.</param>
/// <param name="Summary">The shell-profile table of the run as text (the one failure messages print).</param>
/// <param name="ProfilesPlot">Shell energy against eigenvalue with its certified bounds, at up to six probes spread over the run, log–log (the trainmonitor report's figure).</param>
/// <param name="FrontierPlot">Resolution frontier λ_f in the band of its certified interval, the fit's λ, λ_max and the spectral position α₁ against step, log–log.</param>
/// <param name="ErrorEnergyPlot">Error energy, null energy, training loss and held-out (probe) loss against step, log–log.</param>
public sealed record RunArtifacts(string Directory, string JsonLines, string? Summary, string? ProfilesPlot, string? FrontierPlot, string? ErrorEnergyPlot);
