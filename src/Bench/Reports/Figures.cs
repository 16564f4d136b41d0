namespace ClipLit.Bench.Reports;

/// <summary>
/// How the reports write figures.
/// Thread-safety: stateless.
/// </summary>
public static class Figures
{
    /// <summary>"mean / worst" of a list of figures (infinity, identical pictures, shown as such).</summary>
    public static string MeanAndWorst(IEnumerable<double> values, string format)
    {
        var list = values.ToList();
        string Show(double v) => double.IsPositiveInfinity(v) ? "identical" : v.ToString(format, CultureInfo.InvariantCulture);
        return $"{Show(list.Average())} / {Show(list.Min())}";
    }
}
