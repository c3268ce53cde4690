namespace TrainMonitor.Outputs.Metrics;

/// <summary>
/// The energy budget's per-shell quantities as shell records (index, edges, estimate, bounds), so that the sinks export
/// them the way they export shell energies.
/// </summary>
internal static class EnergyBudgetShells
{
    /// <summary>The dissipation D_α of each shell; none when the probe's learning rate is unknown.</summary>
    public static IReadOnlyList<ShellSnapshot> Dissipation(ProbeSnapshot s) =>
        s.Dissipation is { } d ? [.. d.Shells.Select(x => new ShellSnapshot(x.Index, x.LambdaLower, x.LambdaUpper, x.Estimate, x.Lower, x.Upper, null))] : [];

    /// <summary>The flux across each shell's lower edge; none when the probe has no transport budget.</summary>
    public static IReadOnlyList<ShellSnapshot> Flux(ProbeSnapshot s) =>
        s.Transport is { } t ? [.. t.Shells.Select(x => new ShellSnapshot(x.Index, x.LambdaLower, x.LambdaUpper, x.Flux, x.FluxLower, x.FluxUpper, null))] : [];
}
