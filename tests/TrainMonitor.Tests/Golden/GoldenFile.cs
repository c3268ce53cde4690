using System.Runtime.CompilerServices;

namespace TrainMonitor.Tests.Golden;

/// <summary>
/// Compares an output with the golden copy kept beside the test (in its <c>Golden/</c> folder), byte for byte. The copies
/// were captured from the code before the sinks walked the metric table, so a refactoring that changes any name, help
/// text, tag, value or template fails here. A missing or differing copy writes <c>*.actual.txt</c> beside it to inspect.
/// </summary>
internal static class GoldenFile
{
    public static void AssertMatches(string name, string actual, [CallerFilePath] string callerFile = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "Golden");
        var path = Path.Combine(directory, name + ".txt");
        var expected = File.Exists(path) ? File.ReadAllText(path) : null;
        if (expected == actual)
        {
            return;
        }

        File.WriteAllText(Path.Combine(directory, name + ".actual.txt"), actual);
        Assert.Fail(expected is null
            ? $"No golden copy {path}; the output was written beside it as {name}.actual.txt."
            : $"The output differs from {path}; it was written beside it as {name}.actual.txt.");
    }
}
