namespace TrainMonitor.Hosting;

/// <summary>
/// Records that options of <paramref name="OptionsType"/> are bound from <paramref name="Key"/> of the monitor's
/// configuration section (empty: the section itself). The unknown-key check accepts exactly the keys these bind.
/// </summary>
internal sealed record MonitorConfigurationBinding(string Key, Type OptionsType);
