using Microsoft.Extensions.Options;

namespace TrainMonitor.Hosting;

/// <summary>Fails start-up when the output directory cannot be created or written, naming the setting and the path.</summary>
internal sealed class JsonLinesOptionsValidation : IValidateOptions<JsonLinesOptions>
{
    public ValidateOptionsResult Validate(string? name, JsonLinesOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.OutputDirectory))
        {
            return ValidateOptionsResult.Fail("TrainMonitor:OutputDirectory must name a directory.");
        }

        var directory = Path.GetFullPath(options.OutputDirectory);
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".trainmonitor-write-check-{Environment.ProcessId}-{Guid.NewGuid():N}");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
            return ValidateOptionsResult.Success;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return ValidateOptionsResult.Fail($"TrainMonitor:OutputDirectory '{directory}' is not writable: {ex.Message}");
        }
    }
}
