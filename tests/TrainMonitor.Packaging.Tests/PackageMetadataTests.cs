using System.IO.Compression;
using System.Xml.Linq;

namespace TrainMonitor.Packaging.Tests;

/// <summary>
/// What a package page shows: every packed package carries its README (docs/packages/&lt;project&gt;.md), the MIT licence
/// expression, a description and tags. No project or repository URL: there is no public address yet (docs/install.md).
/// </summary>
[Collection(PackagingCollection.Name)]
[Trait("Category", "Packaging")]
public sealed class PackageMetadataTests(PackedConsumerFixture fixture)
{
    public static TheoryData<string> Packages => [.. PackedConsumerFixture.PackedProjects];

    [Theory]
    [MemberData(nameof(Packages))]
    public void EveryPackageCarriesItsReadmeLicenceDescriptionAndTags(string packageId)
    {
        Assert.True(fixture.Pack.ExitCode == 0, fixture.Pack.ToString());
        AssertMetadata(Path.Combine(fixture.Feed, $"{packageId}.{fixture.Version}.nupkg"), packageId, readmeFrom: packageId);
    }

    /// <summary>Checks one .nupkg; <paramref name="readmeFrom"/> names the docs/packages file its README must equal.</summary>
    internal static void AssertMetadata(string nupkg, string packageId, string readmeFrom)
    {
        using var package = ZipFile.OpenRead(nupkg);
        using var nuspecStream = package.GetEntry(packageId + ".nuspec")!.Open();
        var metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

        Assert.Equal("README.md", Value("readme"));
        var readme = package.GetEntry("README.md");
        Assert.True(readme is not null, $"{packageId}: README.md is not in the package");
        using (var reader = new StreamReader(readme.Open()))
        {
            var expected = File.ReadAllText(Path.Combine(Repository.Root, "docs", "packages", readmeFrom + ".md"));
            Assert.Equal(expected, reader.ReadToEnd());
        }

        var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
        Assert.False(string.IsNullOrWhiteSpace(Value("description")), $"{packageId}: no description");
        Assert.False(string.IsNullOrWhiteSpace(Value("authors")), $"{packageId}: no authors");
        var tags = (Value("tags") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("torchsharp", tags);
        Assert.Null(Value("projectUrl"));
        Assert.Null(metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "repository")?.Attribute("url"));
    }
}
