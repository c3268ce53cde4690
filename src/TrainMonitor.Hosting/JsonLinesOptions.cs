using TrainMonitor.Defaults;

namespace TrainMonitor.Hosting;

/// <summary>Where the JSON-lines sink writes: one file <c>{OutputDirectory}/{RunName}.jsonl</c> per run.</summary>
public sealed class JsonLinesOptions
{
    /// <summary>
    /// Directory of the JSON-lines files (created if missing; must be writable; relative to the working directory).
    /// Configuration key <c>OutputDirectory</c>; default <c>runs</c>, or the project's MSBuild property <c>TrainMonitorOutputDirectory</c>.
    /// </summary>
    public string OutputDirectory { get; set; } = MonitorDefaults.OutputDirectory(MSBuildDefaultsReader.FromAppContext) ?? "runs";

    /// <summary>The file of a run; run names are sanitised to safe file names.</summary>
    public string PathFor(string runName)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var safe = new string(runName.Select(c => invalid.Contains(c) || char.IsWhiteSpace(c) ? '_' : c).ToArray());
        return Path.Combine(OutputDirectory, safe + ".jsonl");
    }
}
