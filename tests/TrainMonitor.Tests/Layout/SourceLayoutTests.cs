using System.Text.RegularExpressions;
using Xunit;

namespace TrainMonitor.Tests.Layout;

/// <summary>
/// Keeps src/TrainMonitor laid out as its pipeline: namespaces equal folders, and a folder uses only folders of lower
/// layers (README "Layout", docs/engine.md "Source layout"). Reads the sources, so a new import that points upward
/// or sideways fails here with the file and the namespace it named.
/// </summary>
public sealed partial class SourceLayoutTests
{
    /// <summary>The core's folders, lowest layer first; folders on one line are siblings and may not use each other.</summary>
    private static readonly string[][] Layers =
    [
        ["Errors"],
        ["Torch"],
        ["Operators"],
        ["Spectral"],
        ["Shells"],
        ["Frontier", "Kernel", "Scheduling", "EnergyBudget"],
        ["Regimes"],
        ["Defaults"],
        ["Probing"],
        ["Outputs"],
        ["Session"],
        ["Checkpoints", "Telemetry"],
    ];

    private const int LineLimit = 350;

    private static string SourceRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "TrainMonitor.sln")))
                {
                    return Path.Combine(dir.FullName, "src");
                }
            }

            throw new InvalidOperationException("Repository root (TrainMonitor.sln) not found above " + AppContext.BaseDirectory);
        }
    }

    private static IEnumerable<string> SourceFiles(string under) =>
        Directory.EnumerateFiles(under, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Relative(under, f).Split('/').Any(part => part is "bin" or "obj" or "buildTransitive"));

    private static string Relative(string root, string file) => Path.GetRelativePath(root, file).Replace('\\', '/');

    private static string CoreRoot => Path.Combine(SourceRoot, "TrainMonitor");

    [Fact]
    public void Every_core_namespace_is_its_folder()
    {
        var wrong = new List<string>();
        foreach (var file in SourceFiles(CoreRoot))
        {
            var folder = Path.GetDirectoryName(Relative(CoreRoot, file))!.Replace('/', '.');
            var expected = folder.Length == 0 ? "TrainMonitor" : "TrainMonitor." + folder;
            var declared = NamespaceDeclaration().Match(File.ReadAllText(file));
            if (!declared.Success || declared.Groups[1].Value != expected)
            {
                wrong.Add($"{Relative(CoreRoot, file)}: namespace {(declared.Success ? declared.Groups[1].Value : "(none)")}, expected {expected}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Fact]
    public void Core_folders_use_only_lower_layers()
    {
        var level = Layers.SelectMany((folders, i) => folders.Select(f => (f, i))).ToDictionary(x => x.f, x => x.i);
        var violations = new List<string>();
        foreach (var file in SourceFiles(CoreRoot))
        {
            var relative = Relative(CoreRoot, file);
            var folder = relative.Split('/')[0];
            Assert.True(level.ContainsKey(folder), $"{relative}: folder {folder} has no layer in {nameof(SourceLayoutTests)}.{nameof(Layers)}");
            var text = File.ReadAllText(file);
            var used = CoreImport().Matches(text).Select(m => m.Groups[1].Value)
                .Concat(RelativeCref().Matches(text).Select(m => m.Groups[1].Value))
                .Where(level.ContainsKey)
                .Distinct();
            foreach (var target in used.Where(t => t != folder && level[t] >= level[folder]))
            {
                violations.Add($"{relative} ({folder}, layer {level[folder]}) uses {target} (layer {level[target]})");
            }
        }

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void No_source_file_grows_past_the_line_limit()
    {
        var over = new List<string>();
        foreach (var file in SourceFiles(SourceRoot))
        {
            var relative = Relative(SourceRoot, file);
            var lines = File.ReadLines(file).Count();
            if (lines > LineLimit)
            {
                over.Add($"{relative}: {lines} lines, limit {LineLimit}");
            }
        }

        Assert.True(over.Count == 0, string.Join(Environment.NewLine, over));
    }

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"\bTrainMonitor\.(\w+)\b")]
    private static partial Regex CoreImport();

    [GeneratedRegex(@"cref=""(\w+)\.")]
    private static partial Regex RelativeCref();
}
