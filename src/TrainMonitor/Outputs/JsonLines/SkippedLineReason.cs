namespace TrainMonitor.Outputs.JsonLines;

/// <summary>Why <see cref="JsonLinesReader"/> skipped a line instead of reading it (docs/snapshot-schema.md, "Reading rules").</summary>
public enum SkippedLineReason
{
    /// <summary>
    /// A line ending in a newline that is the beginning of a JSON object cut short: a write a crash interrupted, which a
    /// resumed sink then terminated before appending its own lines.
    /// </summary>
    UnfinishedObject,

    /// <summary>The last line of the file, without a newline, that does not parse: the write a crash (or a live writer) has not finished.</summary>
    UnterminatedLastLine,
}
