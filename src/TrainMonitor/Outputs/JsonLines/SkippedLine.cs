namespace TrainMonitor.Outputs.JsonLines;

/// <summary>
/// A line of a JSON-lines file that <see cref="JsonLinesReader"/> tolerated and skipped: a torn write. Blank lines are not
/// reported; they hold nothing.
/// </summary>
/// <param name="LineNumber">1-based line number in the file.</param>
/// <param name="Reason">Why the line was skipped.</param>
public sealed record SkippedLine(long LineNumber, SkippedLineReason Reason)
{
    /// <summary>What the line was, in words, e.g. <c>torn write (unfinished JSON object)</c>.</summary>
    public string Description => Reason switch
    {
        SkippedLineReason.UnfinishedObject => "torn write (unfinished JSON object)",
        SkippedLineReason.UnterminatedLastLine => "torn write (unfinished last line, no newline)",
        _ => Reason.ToString(),
    };

    /// <summary><c>line 57: torn write (unfinished JSON object), skipped</c>.</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"line {LineNumber}: {Description}, skipped");
}
