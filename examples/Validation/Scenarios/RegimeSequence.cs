namespace Validation.Scenarios;

/// <summary>A regime sequence compressed as runs: <c>warming_up×2 → feature_learning×20 → lazy_stagnant×6</c>.</summary>
internal static class RegimeSequence
{
    public static string Compress(IEnumerable<string> regimes)
    {
        var runs = new List<(string Regime, int Count)>();
        foreach (var regime in regimes)
        {
            if (runs.Count > 0 && runs[^1].Regime == regime)
            {
                runs[^1] = (regime, runs[^1].Count + 1);
            }
            else
            {
                runs.Add((regime, 1));
            }
        }

        return runs.Count == 0 ? "(no probes)" : string.Join(" → ", runs.Select(r => $"{r.Regime}×{r.Count}"));
    }
}
