namespace ClipLit.Renderer.Cpu;

/// <summary>
/// Splits a frame's rows into bands run in parallel: the full-size CPU stages are memory-bound
/// loops over rows, so a few bands per core keep every core busy without tiny work items.
/// The calling thread takes bands itself and waits only for bands a helper has started: a helper
/// the thread pool starts late (a busy or starved pool) finds nothing left and ends, so a frame
/// never waits for a pool thread to appear (Parallel.For waits for every replica it queued).
/// Public for the engine's own full-size loops on the host (the live view's fresh light map).
/// Thread-safety: any thread; the bands must write disjoint rows.
/// </summary>
public static class RowBands
{
    /// <summary>Rows fewer than this run on the calling thread: a band's start costs microseconds.</summary>
    private const int MinimumRowsPerBand = 16;

    /// <summary>Runs <paramref name="band"/>(first row, end row) over [0, <paramref name="rows"/>), in parallel where worth it.</summary>
    public static void For(int rows, Action<int, int> band)
    {
        int bands = Math.Clamp(rows / MinimumRowsPerBand, 1, 2 * Environment.ProcessorCount);
        if (bands == 1 || Environment.ProcessorCount == 1)
        {
            band(0, rows);
            return;
        }
        var work = new Work(rows, bands, band);
        for (int helper = 1; helper < Math.Min(bands, Environment.ProcessorCount); helper++)
            ThreadPool.UnsafeQueueUserWorkItem(static work => work.TakeBands(), work, preferLocal: false);
        work.TakeBands();
        work.WaitForBandsInProgress();
    }

    private sealed class Work(int rows, int bands, Action<int, int> band)
    {
        // Never disposed: a helper may still be inside Set when the caller wakes; it holds no kernel handle unless one is asked for.
        private readonly ManualResetEventSlim _allDone = new();
        private readonly int _bands = bands;
        private int _next = -1;
        private int _remaining = bands;
        private Exception? _failure;

        public void TakeBands()
        {
            for (int b = Interlocked.Increment(ref _next); b < _bands; b = Interlocked.Increment(ref _next))
            {
                try
                {
                    band((int)((long)b * rows / _bands), (int)((long)(b + 1) * rows / _bands));
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _failure, e, null);
                }
                if (Interlocked.Decrement(ref _remaining) == 0) _allDone.Set();
            }
        }

        /// <summary>Once the caller found no band left: waits for the ones helpers are still running, then rethrows a band's failure.</summary>
        public void WaitForBandsInProgress()
        {
            _allDone.Wait();
            if (_failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_failure);
        }
    }
}
