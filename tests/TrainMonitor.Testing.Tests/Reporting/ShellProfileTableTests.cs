using TrainMonitor.Outputs;
using TrainMonitor.Outputs.Reporting;
using TrainMonitor.Regimes;
using static TrainMonitor.Testing.Tests.SyntheticSnapshots;

namespace TrainMonitor.Testing.Tests.Reporting;

public sealed class ShellProfileTableTests
{
    [Fact]
    public void One_row_per_probe_with_energy_frontier_and_regime()
    {
        var table = ShellProfileTable.Render(
        [
            Snapshot(1, 2.0, probeIndex: 1, regime: TrainingRegime.WarmingUp),
            Snapshot(8, 0.5, frontier: 0.25, probeIndex: 2),
        ]);
        var lines = table.Split('\n');

        Assert.StartsWith("probe     step  error energy", lines[0]);
        // Columns since the quantile frontier: λ_f, its certified interval, then the fit's λ, s, R² and outlier share.
        Assert.Matches(@"^\s+1\s+1\s+2\.000E\+000\s+0\.0%\s+2\.00E\+000\s+undetermined\s+-\s+-\s+-\s+-\s+0\.0%\s+warming_up$", lines[1]);
        Assert.Matches(@"^\s+2\s+8\s+5\.000E-001\s+0\.0%\s+2\.00E\+000\s+2\.500E-001\s+\[2\.50E-001, 2\.50E-001\]\s+2\.50E-001\s+-0\.50\s+0\.95\s+0\.0%\s+lazy_progressing$", lines[2]);
    }

    [Fact]
    public void Shell_grid_gives_each_shells_share_of_the_probes_energy_highest_eigenvalue_first()
    {
        // Probe at step 4 has only shell 0; '.' marks the empty cell of shell −3.
        var onlyTop = new[] { new ShellSnapshot(0, 1, 2, 3.0, 3.0, 3.0) };
        var table = ShellProfileTable.Render([Snapshot(2, 4.0), Snapshot(4, 3.0, shells: onlyTop)]);
        var lines = table.Split('\n');
        var header = Array.FindIndex(lines, l => l.StartsWith("    λ lower", StringComparison.Ordinal));

        Assert.Matches(@"^\s+λ lower\s+2\s+4$", lines[header]);
        Assert.Matches(@"^\s+1\.00E\+000\s+75\.0\s+100\.0$", lines[header + 1]);
        Assert.Matches(@"^\s+1\.25E-001\s+25\.0\s+\.$", lines[header + 2]);
        Assert.Equal(string.Empty, lines[header + 3]);
    }

    [Fact]
    public void An_empty_run_says_so()
    {
        Assert.Equal("(no probe completed)\n", ShellProfileTable.Render([]));
    }
}
