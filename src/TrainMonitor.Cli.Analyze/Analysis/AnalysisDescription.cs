using TrainMonitor.Probing;

namespace TrainMonitor.Cli.Analysis;

/// <summary>What an analysis ran on, for the report's facts and analysis.json.</summary>
/// <param name="RunName">The analysis' name.</param>
/// <param name="ModelSource">What the checkpoints are ("TorchScript modules", "state dicts of My.Model").</param>
/// <param name="Data">Where the probe set came from, in words.</param>
/// <param name="Error">The <c>--error</c> value.</param>
/// <param name="Batches">Probe batches.</param>
/// <param name="BatchSize">Examples (windows) per batch.</param>
/// <param name="Method">The probe method asked for.</param>
internal sealed record AnalysisDescription(string RunName, string ModelSource, string Data, string Error, int Batches, int BatchSize, ProbeMethod Method);
