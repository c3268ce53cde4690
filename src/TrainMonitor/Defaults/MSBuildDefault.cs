namespace TrainMonitor.Defaults;

/// <summary>
/// One default a consuming project sets with an MSBuild property. The package's buildTransitive targets turn the
/// property into a <c>RuntimeHostConfigurationOption</c>, which the SDK writes into <c>runtimeconfig.json</c> under
/// <paramref name="RuntimeName"/>; errors name <paramref name="PropertyName"/> because that is what the user typed.
/// </summary>
internal sealed record MSBuildDefault(string RuntimeName, string PropertyName);
