using System.Xml.Linq;
using TrainMonitor.Defaults;

namespace TrainMonitor.Tests.Defaults;

/// <summary>
/// Keeps the package's buildTransitive targets and the runtime reader in step: each property becomes exactly the
/// runtime setting the reader looks up, and only when the project sets it (otherwise the library default holds).
/// </summary>
public sealed class BuildTransitiveTargetsTests
{
    private static string TargetsPath
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "TrainMonitor.sln")))
                {
                    return Path.Combine(dir.FullName, "src", "TrainMonitor", "buildTransitive", "TrainMonitor.targets");
                }
            }

            throw new InvalidOperationException("Repository root (TrainMonitor.sln) not found above " + AppContext.BaseDirectory);
        }
    }

    [Fact]
    public void EverySettingIsEmittedOnlyWhenItsPropertyIsSet()
    {
        var options = XDocument.Load(TargetsPath).Descendants("RuntimeHostConfigurationOption").ToList();
        Assert.Equal(MonitorDefaults.All.Count, options.Count);
        foreach (var setting in MonitorDefaults.All)
        {
            var item = Assert.Single(options, o => (string?)o.Attribute("Include") == setting.RuntimeName);
            Assert.Equal($"$({setting.PropertyName})", (string?)item.Attribute("Value"));
            Assert.Equal($"'$({setting.PropertyName})' != ''", (string?)item.Attribute("Condition"));
        }
    }
}
