namespace TrainMonitor.Testing;

/// <summary>
/// Thrown by the assertions of <see cref="MonitoredRun"/> when a run's dynamics are not what the test required. It
/// depends on no test framework: xunit, NUnit and MSTest all report an exception thrown from a test as its failure. The
/// message holds the reason, the run's shell-profile table and the path of its artifacts.
/// </summary>
public sealed class TrainingDynamicsAssertionException : Exception
{
    /// <summary>Creates an exception with only a message.</summary>
    public TrainingDynamicsAssertionException()
        : this("A training-dynamics assertion failed.")
    {
    }

    /// <summary>Creates an exception with only a message.</summary>
    public TrainingDynamicsAssertionException(string message)
        : base(message)
    {
        Reason = message;
        Table = string.Empty;
    }

    /// <summary>Creates an exception with only a message and the exception that caused it.</summary>
    public TrainingDynamicsAssertionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
        Table = string.Empty;
    }

    /// <summary>Creates the exception an assertion throws: the message is built from the parts, which stay readable on their own.</summary>
    /// <param name="runName">The run that failed the assertion.</param>
    /// <param name="reason">What was required and what the run did, in one or a few sentences.</param>
    /// <param name="table">The run's shell-profile table (see <see cref="Outputs.Reporting.ShellProfileTable"/>).</param>
    /// <param name="artifactsDirectory">Where the run's JSON lines and plots are, or null when none were written.</param>
    public TrainingDynamicsAssertionException(string runName, string reason, string table, string? artifactsDirectory)
        : base(Compose(runName, reason, table, artifactsDirectory))
    {
        RunName = runName;
        Reason = reason;
        Table = table;
        ArtifactsDirectory = artifactsDirectory;
    }

    /// <summary>The run that failed, when known.</summary>
    public string? RunName { get; }

    /// <summary>What was required and what the run did.</summary>
    public string Reason { get; }

    /// <summary>The run's shell-profile table (empty when not known).</summary>
    public string Table { get; }

    /// <summary>Where the run's artifacts are, or null when none were written.</summary>
    public string? ArtifactsDirectory { get; }

    private static string Compose(string runName, string reason, string table, string? artifactsDirectory) =>
        $"Training dynamics of run '{runName}': {reason}\n\n{table}\nartifacts: {artifactsDirectory ?? "(none written)"}";
}
