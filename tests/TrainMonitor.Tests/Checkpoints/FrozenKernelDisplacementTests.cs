using TrainMonitor.Checkpoints;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using TrainMonitor.Shells;
using Xunit.Abstractions;

namespace TrainMonitor.Tests.Checkpoints;

/// <summary>
/// The analytic displacement result on checkpoints of frozen-kernel gradient flow: energy at eigenvalue λ decays as
/// exp(−2ηλt); with initial energy ∝ λ per unit ln λ (s = 1) the fraction above λ is exp(−λ/λ_F), λ_F = 1/(2ηt), so the
/// energy median λ_f(½) = ln 2 · λ_F ∝ 1/t and d ln λ_f / d ln t = −1.
/// </summary>
public sealed class FrozenKernelDisplacementTests(ITestOutputHelper output)
{
    private const double Epsilon = GaussRadauBounds.MachineEpsilon;

    /// <summary>
    /// 15 eigenvalues per octave over the 20 octaves [2^−14, 2^6) (six decades, n = 300), uniform in ln λ with spacing
    /// h = ln 2 / 15: λ_k = 2^(−14 + (k + ½)/15). Every shell edge lies midway between two eigenvalues, h/2 away in ln λ.
    /// </summary>
    private const int PerOctave = 15;

    private const int LowestShell = -14;

    private const int Size = 20 * PerOctave;

    /// <summary>Steps spanning ln 16 = 2.77, not in a constant ratio, so no two sit at the same place relative to the eigenvalue grid.</summary>
    private static readonly long[] Steps = [25, 45, 100, 180, 400];

    private static readonly double LowestEdge = Math.Pow(2, LowestShell);

    /// <summary>η puts λ_F at the last step 1000 × the lowest edge: λ_F runs from 0.98 to 0.061, far inside [6e-5, 64).</summary>
    private static readonly double Eta = 1 / (2.0 * Steps[^1] * 1000 * LowestEdge);

    private static double Lambda(int k) => Math.Pow(2, LowestShell + ((k + 0.5) / PerOctave));

    [Fact]
    public async Task ShellsEqualTheEighReferenceAndTheFrontierMovesAsOneOverT()
    {
        var eigenvalues = Enumerable.Range(0, Size).Select(Lambda).ToArray();
        using var setting = LinearProbeSetting.Create(eigenvalues, Size, Size, seed: 2_024);
        // e(t) = Σ c_k exp(−ηλ_k t) u_k with c_k² = λ_k: the weight on λ_k is λ_k exp(−2ηλ_k t) / n.
        var weights = Steps.ToDictionary(t => t, t => setting.WeightsFor(eigenvalues.Select(l => Math.Sqrt(l) * Math.Exp(-Eta * l * t)).ToArray()));
        var checkpoints = Steps.Select(t => new Checkpoint(t, $"frozen-step{t}.pt")).ToArray();

        var result = await CheckpointAnalysis.RunAsync(checkpoints, c => setting.Model(weights[c.Step]), setting.Probe, ErrorFunctions.SquaredError,
            new CheckpointAnalysisOptions { RunName = "frozen" });

        Assert.Equal(0, result.Failures);
        var h = Math.Log(2) / PerOctave;
        foreach (var probe in result.Probes)
        {
            var snapshot = probe.Snapshot!;
            Assert.Equal([ProbeMethod.Gram], snapshot.ProbeMethods);
            var reference = setting.Reference(weights[probe.Checkpoint.Step]);
            var (deviation, allowance) = AssertShellsEqualReference(setting, reference, snapshot);
            output.WriteLine($"step {snapshot.Step}: largest |E_probe − E_eigh| {deviation:g3} of total {reference.Total:g3} (smallest allowance {allowance:g3}); λ_f {snapshot.Frontier.Lambda:g6}");

            // The quantile the probe reports is an eigenvalue, the same one the reference picks: largest λ_j whose energy
            // summed from the top reaches half the non-null energy. Eigenvalues of the two computed M differ by ‖ΔM‖ (Weyl).
            var expected = ReferenceQuantile(reference, snapshot.NullFloor, 0.5);
            var perturbation = Perturbation(setting, reference);
            Assert.True(Math.Abs(snapshot.Frontier.Lambda - expected) <= perturbation, $"step {snapshot.Step}: λ_f {snapshot.Frontier.Lambda:R}, eigh {expected:R}");
            Assert.Equal(snapshot.Frontier.Lambda, snapshot.Frontier.LambdaLower);
            Assert.Equal(snapshot.Frontier.Lambda, snapshot.Frontier.LambdaUpper);

            // Against the continuum: with eigenvalues uniform in ln λ at spacing h, the energy summed from λ_j up is the
            // midpoint rule of the continuum's energy above λ_j e^{−h/2}, and the non-null total that of the energy above
            // the lowest edge λ_e; the fraction above is then exp(−(λ e^{−h/2} − λ_e)/λ_F), and the quantile is the largest
            // λ_j with λ_j e^{−h/2} ≤ λ* = ln 2 · λ_F + λ_e. So |ln λ_f − ln λ*| ≤ h/2 + the midpoint rule's error, which in
            // ln λ is (h²/24)·|1 − w| with w = λ/λ_F ≈ ln 2 (3.2e-5; 1e-4 allowed).
            var lambdaF = 1 / (2 * Eta * snapshot.Step);
            var continuum = (Math.Log(2) * lambdaF) + LowestEdge;
            Assert.True(Math.Abs(Math.Log(snapshot.Frontier.Lambda / continuum)) <= (h / 2) + 1e-4,
                $"step {snapshot.Step}: λ_f {snapshot.Frontier.Lambda:g6}, continuum {continuum:g6}, {Math.Log(snapshot.Frontier.Lambda / continuum) / h:0.###} h apart");
        }

        // Slope. ln λ_f,i = ln C − ln t_i + δ_i with |δ_i| ≤ h/2 + ρ: h/2 from the eigenvalue grid (above), ρ from the
        // midpoint rule (1e-4) and from the lowest edge, ln(1 + λ_e/(ln 2 λ_F)) ≤ λ_e/(ln 2 λ_F) = 1/(1000 ln 2) = 1.44e-3
        // at the last step: ρ = 1.6e-3. A least-squares slope over x_i = ln t_i moves by Σ(x_i − x̄)δ_i / Σ(x_i − x̄)², so
        // |slope + 1| ≤ (h/2 + ρ) Σ|x_i − x̄| / Σ(x_i − x̄)² (0.0219 for these steps); an interval's ratio Δ ln λ_f / Δ ln t
        // by at most 2(h/2 + ρ) / Δ ln t.
        const double rho = 1.6e-3;
        var lambdas = result.Probes.ToDictionary(p => p.Checkpoint.Step, p => p.Snapshot!.Frontier.Lambda);
        var series = Assert.Single(result.Displacements);
        var x = Steps.Select(t => Math.Log(t)).ToArray();
        var mean = x.Average();
        var slopeBound = ((h / 2) + rho) * x.Sum(v => Math.Abs(v - mean)) / x.Sum(v => (v - mean) * (v - mean));
        Assert.Equal(Steps.Length, series.SlopeCheckpoints);
        output.WriteLine($"slope {series.Slope:R} (bound ±{slopeBound:g3}); ratios {string.Join(", ", series.Intervals.Select(i => i.Ratio.ToString("0.0000")))}; fit slope {series.FitSlope:0.0000} over {series.FitSlopeCheckpoints}");
        Assert.True(Math.Abs(series.Slope + 1) <= slopeBound, $"slope {series.Slope:R}, allowed ±{slopeBound:g3} around −1");
        Assert.Equal(Steps.Length - 1, series.Intervals.Count);
        foreach (var interval in series.Intervals)
        {
            var bound = 2 * ((h / 2) + rho) / interval.DeltaLogStep;
            Assert.True(Math.Abs(interval.Ratio + 1) <= bound, $"{interval.FromStep}→{interval.ToStep}: ratio {interval.Ratio:R}, allowed ±{bound:g3}");
            // Exact path: both certified ends are Δ ln λ_f, computed as ln a − ln b instead of ln(a/b): a few ulps of the logs apart.
            var logs = 4 * Epsilon * (Math.Abs(Math.Log(lambdas[interval.FromStep])) + Math.Abs(Math.Log(lambdas[interval.ToStep])));
            Assert.Equal(interval.DeltaLogLambda, interval.DeltaLogLambdaLower, logs);
            Assert.Equal(interval.DeltaLogLambda, interval.DeltaLogLambdaUpper, logs);
        }
    }

    /// <summary>
    /// Every shell from the floor's to λ_max's equals the reference binned by hand. The probe's M (Gram path) and the test's
    /// differ by their formation round-off; each eigh adds a backward error of at most n ε λ_max; the error vectors are the
    /// same forward pass. <see cref="ExactMeasure.PerturbationBound"/> turns that ‖ΔM‖ into each shell's allowance, plus
    /// the round-off of summing at most n weights (n ε · total).
    /// </summary>
    /// <returns>The largest deviation of a shell from the reference, and the smallest allowance of any shell.</returns>
    private static (double Deviation, double Allowance) AssertShellsEqualReference(LinearProbeSetting setting, ExactMeasure reference,
        TrainMonitor.Outputs.ProbeSnapshot snapshot)
    {
        var largest = (Deviation: 0.0, Allowance: double.PositiveInfinity);
        var floor = snapshot.NullFloor;
        var perturbation = Perturbation(setting, reference);
        Assert.Equal(1e-10 * reference.LambdaMax, floor, 1e-10 * perturbation);
        reference.AssertAwayFromEdges(floor, perturbation);
        var grid = new ShellGrid(2);
        Assert.Equal(Enumerable.Range(grid.IndexOf(floor), grid.IndexOf(reference.LambdaMax) - grid.IndexOf(floor) + 1), snapshot.Shells.Select(s => s.Index));
        var total = reference.Total;
        Assert.Equal(total, snapshot.ErrorEnergy, Size * Epsilon * total);
        foreach (var shell in snapshot.Shells)
        {
            var lo = Math.Max(Math.Pow(2, shell.Index), floor);
            var hi = Math.Pow(2, shell.Index + 1);
            var expected = reference.EnergyIn(lo, hi);
            var allowed = reference.PerturbationBound(lo, hi, perturbation) + (Size * Epsilon * total);
            largest = (Math.Max(largest.Deviation, Math.Abs(shell.Estimate - expected)), Math.Min(largest.Allowance, allowed));

            Assert.True(Math.Abs(shell.Estimate - expected) <= allowed,
                $"step {snapshot.Step}, shell {shell.Index}: probe {shell.Estimate:R}, eigh {expected:R}, allowed {allowed:g3}");

            // Exact path: the bounds are the estimate (no node sits on an edge).
            Assert.Equal(shell.Estimate, shell.Lower, allowed);
            Assert.Equal(shell.Estimate, shell.Upper, allowed);
        }
        return largest;
    }

    private static double Perturbation(LinearProbeSetting setting, ExactMeasure reference) =>
        setting.FormationBound() + (2 * Size * Epsilon * reference.LambdaMax);

    /// <summary>The largest eigenvalue at or above the floor whose weight summed from the top reaches p of the non-null weight.</summary>
    private static double ReferenceQuantile(ExactMeasure measure, double floor, double p)
    {
        var order = Enumerable.Range(0, measure.Eigenvalues.Length).Where(i => measure.Eigenvalues[i] >= floor).OrderByDescending(i => measure.Eigenvalues[i]).ToArray();
        var target = p * order.Sum(i => measure.Weights[i]);
        var above = 0.0;
        foreach (var i in order)
        {
            above += measure.Weights[i];
            if (above >= target)
            {
                return measure.Eigenvalues[i];
            }
        }

        return measure.Eigenvalues[order[^1]];
    }
}
