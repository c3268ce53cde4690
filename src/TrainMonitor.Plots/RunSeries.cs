using ScottPlot;
using TrainMonitor.Outputs;

namespace TrainMonitor.Plots;

/// <summary>The probes of one run as one coloured series of a plot (a comparison draws two).</summary>
/// <param name="Label">The run's name in legends and row labels.</param>
/// <param name="Snapshots">Its probes, in step order.</param>
/// <param name="Color">Its colour where several runs share a plot (see <see cref="RunPalette"/>).</param>
internal sealed record RunSeries(string Label, IReadOnlyList<ProbeSnapshot> Snapshots, Color Color);
