namespace TrainMonitor.Outputs.JsonLines;

/// <summary>Everything <see cref="JsonLinesReader.ReadFileAsync"/> found in a file: the snapshots, and the torn lines it skipped.</summary>
/// <param name="Snapshots">The snapshots in file order.</param>
/// <param name="SkippedLines">The lines tolerated and skipped (torn writes), in file order; empty for a clean file.</param>
public sealed record JsonLinesReadResult(IReadOnlyList<ProbeSnapshot> Snapshots, IReadOnlyList<SkippedLine> SkippedLines);
