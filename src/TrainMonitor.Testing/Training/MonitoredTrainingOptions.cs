using Microsoft.Extensions.Logging;
using TrainMonitor.Session;

namespace TrainMonitor.Testing;

/// <summary>Settings of a <see cref="MonitoredTraining"/> run. Every setting has a default that suits a test.</summary>
public sealed class MonitoredTrainingOptions
{
    /// <summary>
    /// Environment variable naming the root folder of the artifacts (<c>TRAINMONITOR_TEST_OUTPUT</c>); each run writes
    /// into <c>{root}/{run name}/</c>.
    /// </summary>
    public const string OutputEnvironmentVariable = "TRAINMONITOR_TEST_OUTPUT";

    /// <summary>
    /// Name of the run: the <c>run</c> label of its snapshots and the name of its artifacts folder. Default: the test's
    /// source file name and method name, e.g. <c>MlpHealthTests.Learns_the_teacher</c> (taken from the caller, so it works
    /// under any test framework). Set it when one test method makes several runs, or for each case of a theory. A helper
    /// method that wraps <c>RunAsync</c> should take <c>[CallerFilePath]</c>/<c>[CallerMemberName]</c> parameters itself
    /// and pass them on, or every run gets the helper's name.
    /// </summary>
    public string? RunName { get; set; }

    /// <summary>
    /// Folder of the artifacts, used as is. Default (null): <c>{TRAINMONITOR_TEST_OUTPUT}/{run name}</c> when that
    /// environment variable is set, else <c>{AppContext.BaseDirectory}/TestResults/trainmonitor/{run name}</c>.
    /// </summary>
    public string? OutputDirectory { get; set; }

    /// <summary>Whether to write the JSON lines, the summary table and the plots (default true).</summary>
    public bool WriteArtifacts { get; set; } = true;

    /// <summary>
    /// Monitor settings: Lanczos steps, shells, sketch, regime thresholds, schedule. Two are overridden for a test run
    /// so that it probes at exactly the same steps on every machine: the mode is always
    /// <see cref="ExecutionMode.Inline"/>, and the overhead budget is off (a budget measured in wall time would postpone
    /// probes by how busy the CI machine is). The object is read, never modified, so one instance may be shared by tests
    /// running in parallel.
    /// </summary>
    public MonitorOptions Monitor { get; set; } = new();

    /// <summary>Logger for probe failures and regime changes (default: none).</summary>
    public ILogger<TrainingMonitor>? Logger { get; set; }
}
