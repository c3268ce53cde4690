namespace Validation.Scenarios;

/// <summary>
/// Two plain rules a user could write on the held-out loss, evaluated at exactly the monitor's probe steps: the bar the
/// monitor's alerts must clear. Index k below is 0-based; the rules are stated 1-based in the comments.
/// </summary>
internal static class Baselines
{
    public static bool[] Alerts(BaselineKind kind, IReadOnlyList<double> heldOut) => kind switch
    {
        BaselineKind.Plateau => Plateau(heldOut),
        BaselineKind.Divergence => Divergence(heldOut),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown baseline."),
    };

    /// <summary>At probe k ≥ 4 (1-based): best(≤ k) &gt; 0.99 · best(≤ k − 3), best over the finite losses so far.</summary>
    public static bool[] Plateau(IReadOnlyList<double> heldOut)
    {
        var best = BestSoFar(heldOut);
        return [.. heldOut.Select((_, k) => k >= 3 && best[k] > 0.99 * best[k - 3])];
    }

    /// <summary>Held-out loss non-finite, or above 3 × the best (finite) held-out loss so far.</summary>
    public static bool[] Divergence(IReadOnlyList<double> heldOut)
    {
        var best = BestSoFar(heldOut);
        return [.. heldOut.Select((loss, k) => !double.IsFinite(loss) || loss > 3 * best[k])];
    }

    private static double[] BestSoFar(IReadOnlyList<double> values)
    {
        var best = new double[values.Count];
        var running = double.PositiveInfinity;
        for (var k = 0; k < values.Count; k++)
        {
            if (double.IsFinite(values[k]))
            {
                running = Math.Min(running, values[k]);
            }

            best[k] = running;
        }

        return best;
    }
}
