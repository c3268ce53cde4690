namespace TrainMonitor.Cli.Commands;

/// <summary>Process exit codes of the tool.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>The command line did not parse (System.CommandLine's own code for parse errors).</summary>
    public const int Usage = 1;

    /// <summary>An input file is missing, unreadable, not a TrainMonitor run, or the two runs cannot be compared.</summary>
    public const int BadInput = 2;

    /// <summary>An output file could not be written.</summary>
    public const int OutputFailed = 3;

    /// <summary>analyze finished, but the probe of at least one checkpoint failed (the tables and the log say which and why).</summary>
    public const int ProbesFailed = 4;
}
