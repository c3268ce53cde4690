using System.Globalization;

namespace TrainMonitor.Defaults;

/// <summary>
/// Reads <see cref="MSBuildDefault"/> values from the runtime configuration. Values arrive as text (the host passes
/// every <c>runtimeconfig.json</c> property as a string), so they are parsed here, invariantly, and a value that does
/// not parse or is out of range throws naming the MSBuild property: a silently ignored typo in a build property would
/// be far harder to find than a failed start.
/// </summary>
internal sealed class MSBuildDefaultsReader(Func<string, object?> lookup)
{
    /// <summary>The process's runtime configuration (<see cref="AppContext.GetData"/>).</summary>
    public static MSBuildDefaultsReader FromAppContext { get; } = new(AppContext.GetData);

    /// <summary>The value, or null when the project did not set the property.</summary>
    public bool? ReadBoolean(MSBuildDefault setting)
    {
        var text = ReadText(setting);
        if (text is null)
        {
            return null;
        }

        return bool.TryParse(text, out var value) ? value : throw Invalid(setting, text, "true or false");
    }

    /// <summary>The value, or null when the project did not set the property.</summary>
    public int? ReadInt32(MSBuildDefault setting, int minimum, int maximum, string requirement)
    {
        var text = ReadText(setting);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum
            ? value
            : throw Invalid(setting, text, requirement);
    }

    /// <summary>The value, or null when the project did not set the property.</summary>
    public double? ReadDouble(MSBuildDefault setting, Func<double, bool> isValid, string requirement)
    {
        var text = ReadText(setting);
        if (text is null)
        {
            return null;
        }

        // NumberStyles.Float without AllowThousands: "1,5" is rejected rather than read as 15.
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && isValid(value)
            ? value
            : throw Invalid(setting, text, requirement);
    }

    /// <summary>The value, or null when the project did not set the property.</summary>
    public string? ReadString(MSBuildDefault setting, string requirement)
    {
        var text = ReadText(setting);
        if (text is null)
        {
            return null;
        }

        return string.IsNullOrWhiteSpace(text) ? throw Invalid(setting, text, requirement) : text;
    }

    private string? ReadText(MSBuildDefault setting) => lookup(setting.RuntimeName) switch
    {
        null => null,
        string text => text.Trim(),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    private static InvalidOperationException Invalid(MSBuildDefault setting, string text, string requirement) =>
        new($"The MSBuild property {setting.PropertyName} is '{text}' but must be {requirement}. It reaches the program as " +
            $"the runtimeconfig.json setting '{setting.RuntimeName}'; correct or remove the property and rebuild.");
}
