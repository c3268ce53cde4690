using System.Globalization;
using TrainMonitor.Defaults;
using TrainMonitor.Probing;
using TrainMonitor.Session;

namespace TrainMonitor.Tests.Defaults;

/// <summary>
/// The reader behind the MSBuild-property defaults, fed from a dictionary instead of <see cref="AppContext"/> so the
/// process-wide runtime configuration (shared by every test) is never changed.
/// </summary>
public sealed class MSBuildDefaultsReaderTests
{
    private static MSBuildDefaultsReader Reader(params (MSBuildDefault Setting, object Value)[] values)
    {
        var map = values.ToDictionary(v => v.Setting.RuntimeName, v => v.Value);
        return new MSBuildDefaultsReader(name => map.GetValueOrDefault(name));
    }

    [Fact]
    public void UnsetPropertiesLeaveTheLibraryDefaults()
    {
        var reader = Reader();
        Assert.True(MonitorDefaults.Enabled(reader));
        Assert.Equal(64, MonitorDefaults.LanczosSteps(reader));
        Assert.Equal(2.0, MonitorDefaults.ShellRatio(reader));
        Assert.Null(MonitorDefaults.MetricsPort(reader));
        Assert.Null(MonitorDefaults.OutputDirectory(reader));
    }

    [Fact]
    public void ThisProcessHasNoneOfTheSettingsSoTheOptionsKeepTheirDocumentedDefaults()
    {
        // The repository's own test run must stay on the defaults: no project here sets the properties.
        Assert.All(MonitorDefaults.All, s => Assert.Null(AppContext.GetData(s.RuntimeName)));
        Assert.True(new TrainMonitor.Session.MonitorOptions().Enabled);
        Assert.Equal(64, new TrainMonitor.Probing.SpectralProbeOptions().LanczosSteps);
    }

    [Theory]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData(" true ", true)]
    public void EnabledParsesBooleanText(string text, bool expected) =>
        Assert.Equal(expected, MonitorDefaults.Enabled(Reader((MonitorDefaults.EnabledSetting, text))));

    [Fact]
    public void NumbersParseInvariantlyWhateverTheCurrentCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE"); // decimal comma
        try
        {
            var reader = Reader((MonitorDefaults.ShellRatioSetting, "1.5"), (MonitorDefaults.LanczosStepsSetting, "12"),
                (MonitorDefaults.MetricsPortSetting, "0"), (MonitorDefaults.OutputDirectorySetting, "artifacts/runs"));
            Assert.Equal(1.5, MonitorDefaults.ShellRatio(reader));
            Assert.Equal(12, MonitorDefaults.LanczosSteps(reader));
            Assert.Equal(0, MonitorDefaults.MetricsPort(reader));
            Assert.Equal("artifacts/runs", MonitorDefaults.OutputDirectory(reader));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void NonStringValuesSetInProcessAreAccepted()
    {
        // AppContext.SetData can store any object; the reader formats it invariantly before parsing.
        var reader = Reader((MonitorDefaults.LanczosStepsSetting, 16), (MonitorDefaults.ShellRatioSetting, 4.0), (MonitorDefaults.EnabledSetting, false));
        Assert.Equal(16, MonitorDefaults.LanczosSteps(reader));
        Assert.Equal(4.0, MonitorDefaults.ShellRatio(reader));
        Assert.False(MonitorDefaults.Enabled(reader));
    }

    public static TheoryData<string, string> InvalidValues => new()
    {
        { "TrainMonitor.Enabled", "yes" },
        { "TrainMonitor.LanczosSteps", "twelve" },
        { "TrainMonitor.LanczosSteps", "1" },
        { "TrainMonitor.LanczosSteps", "12.0" },
        { "TrainMonitor.ShellRatio", "1" },
        { "TrainMonitor.ShellRatio", "1,5" },
        { "TrainMonitor.ShellRatio", "NaN" },
        { "TrainMonitor.ShellRatio", "Infinity" },
        { "TrainMonitor.MetricsPort", "65536" },
        { "TrainMonitor.MetricsPort", "-1" },
        { "TrainMonitor.OutputDirectory", "  " },
    };

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public void InvalidValuesThrowNamingTheMSBuildPropertyAndTheValue(string runtimeName, string text)
    {
        var setting = MonitorDefaults.All.Single(s => s.RuntimeName == runtimeName);
        var reader = Reader((setting, text));
        var read = new Dictionary<string, Action>
        {
            ["TrainMonitor.Enabled"] = () => MonitorDefaults.Enabled(reader),
            ["TrainMonitor.LanczosSteps"] = () => MonitorDefaults.LanczosSteps(reader),
            ["TrainMonitor.ShellRatio"] = () => MonitorDefaults.ShellRatio(reader),
            ["TrainMonitor.MetricsPort"] = () => MonitorDefaults.MetricsPort(reader),
            ["TrainMonitor.OutputDirectory"] = () => MonitorDefaults.OutputDirectory(reader),
        };
        var ex = Assert.Throws<InvalidOperationException>(read[runtimeName]);
        Assert.Contains("MSBuild property " + setting.PropertyName, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{text.Trim()}'", ex.Message, StringComparison.Ordinal);
    }
}
