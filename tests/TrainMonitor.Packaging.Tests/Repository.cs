using System.Xml.Linq;

namespace TrainMonitor.Packaging.Tests;

/// <summary>The repository these tests run from: where the sources are and which package versions it pins centrally.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The version <c>Directory.Packages.props</c> pins for <paramref name="packageId"/>.</summary>
    public static string CentralVersion(string packageId)
    {
        var props = XDocument.Load(Path.Combine(Root, "Directory.Packages.props"));
        return props.Descendants("PackageVersion")
                   .Where(e => string.Equals((string?)e.Attribute("Include"), packageId, StringComparison.OrdinalIgnoreCase))
                   .Select(e => (string?)e.Attribute("Version"))
                   .SingleOrDefault()
               ?? throw new InvalidOperationException($"Directory.Packages.props pins no version of {packageId}.");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TrainMonitor.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root (TrainMonitor.sln) not found above " + AppContext.BaseDirectory);
    }
}
