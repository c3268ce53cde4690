namespace TrainMonitor.Observability.Tests.PrometheusServer;

/// <summary>
/// Finds the <c>prometheus</c> and <c>promtool</c> binaries (Debian's <c>prometheus</c> package) on PATH. A test that
/// needs them fails with an explanation when they are missing, unless <see cref="OptOutVariable"/> is set to 1: then it
/// is reported as skipped. Missing tools must not pass silently, since CI installs them.
/// </summary>
internal static class PrometheusBinaries
{
    /// <summary>Environment variable that turns "binary missing" from a failure into a skip.</summary>
    public const string OptOutVariable = "TRAINMONITOR_SKIP_PROMETHEUS";

    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The full path of <paramref name="name"/>; skips (opt-out set) or throws with the fix when it is missing.</summary>
    public static string Require(string name)
    {
        var found = Find(name);
        if (found is not null)
        {
            return found;
        }

        var message = $"'{name}' was not found on PATH. These tests run the real Prometheus tools: install them with "
            + $"'apt-get install -y prometheus' (Debian/Ubuntu; .ci/run does this), or set {OptOutVariable}=1 to skip them.";
        Skip.If(Environment.GetEnvironmentVariable(OptOutVariable) == "1", message);
        throw new InvalidOperationException(message);
    }
}
