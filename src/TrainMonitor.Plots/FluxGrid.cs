using TrainMonitor.Outputs;

namespace TrainMonitor.Plots;

/// <summary>
/// The cells of the flux heatmap: one column per probe interval (the interval that ends at a probe: every probe but the
/// first, and the first too when it carries a budget), one row per shell index over every budget of the run, and the
/// net flux J across each shell's lower edge; NaN where the interval has no budget or the budget no such shell.
/// </summary>
/// <param name="Steps">The later probe's step of each column, in order.</param>
/// <param name="LowestShell">Shell index α of row 0 (the bottom row).</param>
/// <param name="Flux">J per [row, column]: row r is shell <paramref name="LowestShell"/> + r.</param>
/// <param name="Limit">The symmetric colour limit: the largest |J| (1 when every J is 0 or none is known).</param>
/// <param name="Budgets">How many columns have a budget.</param>
internal sealed record FluxGrid(IReadOnlyList<long> Steps, int LowestShell, double[,] Flux, double Limit, int Budgets)
{
    /// <summary>Rows (shells); 0 when no budget has a shell.</summary>
    public int Rows => Flux.GetLength(0);

    /// <summary>The grid of <paramref name="snapshots"/> (in step order).</summary>
    public static FluxGrid Of(IReadOnlyList<ProbeSnapshot> snapshots)
    {
        var columns = snapshots.Where((s, i) => i > 0 || s.Transport is not null).ToArray();
        var shells = columns.Where(s => s.Transport is not null).SelectMany(s => s.Transport!.Shells).ToArray();
        if (shells.Length == 0)
        {
            return new FluxGrid(columns.Select(s => s.Step).ToArray(), 0, new double[0, columns.Length], 1, columns.Count(s => s.Transport is not null));
        }

        var lowest = shells.Min(s => s.Index);
        var flux = new double[shells.Max(s => s.Index) - lowest + 1, columns.Length];
        for (var c = 0; c < columns.Length; c++)
        {
            for (var r = 0; r < flux.GetLength(0); r++)
            {
                flux[r, c] = double.NaN;
            }

            foreach (var shell in columns[c].Transport?.Shells ?? [])
            {
                flux[shell.Index - lowest, c] = shell.Flux;
            }
        }

        var limit = shells.Select(s => Math.Abs(s.Flux)).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        return new FluxGrid(columns.Select(s => s.Step).ToArray(), lowest, flux, limit > 0 ? limit : 1, columns.Count(s => s.Transport is not null));
    }
}
