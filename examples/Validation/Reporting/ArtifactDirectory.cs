namespace Validation.Reporting;

/// <summary>Where the plots go: <c>artifacts/validation/</c> under the repository root (found by walking up to TrainMonitor.sln).</summary>
internal static class ArtifactDirectory
{
    public static string Resolve()
    {
        var directory = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TrainMonitor.sln")))
        {
            directory = directory.Parent;
        }

        var root = directory?.FullName ?? Directory.GetCurrentDirectory();
        var path = Path.Combine(root, "artifacts", "validation");
        Directory.CreateDirectory(path);
        return path;
    }
}
