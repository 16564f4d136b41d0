namespace ClipLit.Trainer.Training;

/// <summary>
/// A small random generator (SplitMix64) whose sequence is a pure function of a seed and a few keys
/// (stage, epoch, iteration, sample). The trainer draws every shuffle and augmentation from one made
/// for that purpose and place, so a resumed run makes exactly the draws the uninterrupted run
/// would have made, with no generator state to save.
/// </summary>
public struct KeyedRandom
{
    private ulong _state;

    public KeyedRandom(ulong seed, params long[] keys)
    {
        _state = seed;
        foreach (long key in keys) _state = Mix(_state ^ Mix((ulong)key + 0x632BE59BD9B4E019UL));
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="count"/>).</summary>
    public int Next(int count) => (int)(NextUInt64() % (ulong)count);

    /// <summary>0, 1, ..., count - 1 shuffled (Fisher-Yates).</summary>
    public int[] Permutation(int count)
    {
        var order = Enumerable.Range(0, count).ToArray();
        for (int i = count - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>
    /// <paramref name="count"/> indices of <paramref name="population"/> for iteration <paramref name="iteration"/>:
    /// consecutive slices of per-epoch shuffles keyed by the seed, as a shuffling data loader walks its data.
    /// </summary>
    public static int[] EpochDraw(ulong seed, int population, int count, int iteration)
    {
        var picks = new int[count];
        long cachedEpoch = -1;
        int[] order = [];
        for (int k = 0; k < count; k++)
        {
            long position = (long)iteration * count + k;
            long epoch = position / population;
            if (epoch != cachedEpoch) (order, cachedEpoch) = (new KeyedRandom(seed, 1, population, epoch).Permutation(population), epoch);
            picks[k] = order[position % population];
        }
        return picks;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
