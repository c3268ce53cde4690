namespace TrainMonitor.Frontier;

/// <summary>
/// The unimodality check of <see cref="FrontierFit"/>: finds the deepest dip of a profile of occupied shells, on
/// certified bounds when the caller has them.
/// </summary>
/// <remarks>Its own type because it is a check on the profile, independent of the model the fit then solves for.</remarks>
internal static class UnimodalityTest
{
    /// <summary>
    /// Deepest certified dip: max over j of min(max lower bound left of j, max lower bound right of j) / upper bound of j,
    /// with the two maxima's positions. With bounds equal to the estimates this is the plain dip of the estimates.
    /// </summary>
    internal static (double Depth, int Left, int Right) DeepestDip(List<double> e, List<double> upper)
    {
        var n = e.Count;
        var rightArgMax = new int[n];
        rightArgMax[n - 1] = n - 1;
        for (var j = n - 2; j >= 0; j--)
        {
            rightArgMax[j] = e[j] > e[rightArgMax[j + 1]] ? j : rightArgMax[j + 1];
        }

        (double Depth, int Left, int Right) best = (1.0, 0, 0);
        var leftArgMax = 0;
        for (var j = 1; j < n - 1; j++)
        {
            if (e[j - 1] > e[leftArgMax])
            {
                leftArgMax = j - 1;
            }

            var right = rightArgMax[j + 1];
            var depth = Math.Min(e[leftArgMax], e[right]) / upper[j];
            if (depth > best.Depth)
            {
                best = (depth, leftArgMax, right);
            }
        }

        return best;
    }
}
