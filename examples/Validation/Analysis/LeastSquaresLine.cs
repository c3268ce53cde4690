namespace Validation.Analysis;

/// <summary>Ordinary least-squares line y = intercept + slope·x, used for every log–log exponent the cases report.</summary>
internal readonly record struct LeastSquaresLine(double Slope, double Intercept, int Points)
{
    /// <summary>Fits the points whose x and y are both finite; NaN slope with fewer than two such points.</summary>
    public static LeastSquaresLine Fit(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var pairs = x.Zip(y).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
        if (pairs.Length < 2)
        {
            return new LeastSquaresLine(double.NaN, double.NaN, pairs.Length);
        }

        var mx = pairs.Average(p => p.First);
        var my = pairs.Average(p => p.Second);
        var sxy = pairs.Sum(p => (p.First - mx) * (p.Second - my));
        var sxx = pairs.Sum(p => (p.First - mx) * (p.First - mx));
        var slope = sxx > 0 ? sxy / sxx : double.NaN;
        return new LeastSquaresLine(slope, my - slope * mx, pairs.Length);
    }

    /// <summary>Slope of ln y against ln x over the points with x, y &gt; 0.</summary>
    public static LeastSquaresLine FitLogLog(IReadOnlyList<double> x, IReadOnlyList<double> y) =>
        Fit(x.Select(v => v > 0 ? Math.Log(v) : double.NaN).ToArray(), y.Select(v => v > 0 ? Math.Log(v) : double.NaN).ToArray());
}
