using ScottPlot;
using TrainMonitor.Cli.Runs;

namespace TrainMonitor.Cli.Plots;

/// <summary>A run as one coloured series of a plot (compare draws two).</summary>
internal sealed record RunSeries(string Label, RunHistory Run, Color Color);
