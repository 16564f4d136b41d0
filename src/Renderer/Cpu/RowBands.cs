namespace ClipLit.Renderer.Cpu;

/// <summary>
/// Splits a frame's rows into bands run in parallel: the full-size CPU stages are memory-bound
/// loops over rows, so a few bands per core keep every core busy without tiny work items.
/// Thread-safety: stateless; the bands must write disjoint rows.
/// </summary>
internal static class RowBands
{
    /// <summary>Rows fewer than this run on the calling thread: a band's start costs microseconds.</summary>
    private const int MinimumRowsPerBand = 16;

    /// <summary>Runs <paramref name="band"/>(first row, end row) over [0, <paramref name="rows"/>), in parallel where worth it.</summary>
    public static void For(int rows, Action<int, int> band)
    {
        int bands = Math.Clamp(rows / MinimumRowsPerBand, 1, 2 * Environment.ProcessorCount);
        if (bands == 1)
        {
            band(0, rows);
            return;
        }
        Parallel.For(0, bands, b => band((int)((long)b * rows / bands), (int)((long)(b + 1) * rows / bands)));
    }
}
