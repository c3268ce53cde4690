using System.Text;

namespace TrainMonitor.Testing;

/// <summary>Chooses the folder a run's artifacts go to (see <see cref="MonitoredTrainingOptions.OutputDirectory"/>).</summary>
internal static class ArtifactDirectory
{
    /// <summary>The folder for <paramref name="runName"/>: the explicit one, else under the environment variable's root, else under the test binaries.</summary>
    public static string Resolve(string? explicitDirectory, string runName, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
        {
            return Path.GetFullPath(explicitDirectory);
        }

        var root = environment(MonitoredTrainingOptions.OutputEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(root))
        {
            root = Path.Combine(AppContext.BaseDirectory, "TestResults", "trainmonitor");
        }

        return Path.GetFullPath(Path.Combine(root, ToFileName(runName)));
    }

    /// <summary>
    /// The run name as a single, portable folder name: characters that are invalid in file names on any common system
    /// (and path separators) become '_', so a theory's display name or a name with slashes cannot escape the root.
    /// </summary>
    public static string ToFileName(string runName)
    {
        var text = new StringBuilder(runName.Length);
        foreach (var c in runName.Trim())
        {
            text.Append(char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        var name = text.ToString().Trim('.');
        return name.Length == 0 ? "run" : name;
    }

    /// <summary>The default run name of a call from <paramref name="callerFile"/>'s <paramref name="callerMember"/>: <c>FileStem.Member</c>.</summary>
    public static string DefaultRunName(string callerFile, string callerMember)
    {
        // The caller's path is the build machine's; split on both separators so a Windows-built path works here too.
        var file = callerFile.Split('/', '\\')[^1];
        var stem = file.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) ? file[..^3] : file;
        return (stem, callerMember) switch
        {
            ("", "") => "run",
            ("", _) => callerMember,
            (_, "") => stem,
            _ => $"{stem}.{callerMember}",
        };
    }
}
