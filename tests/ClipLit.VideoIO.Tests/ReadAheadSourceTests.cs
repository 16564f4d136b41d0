using ClipLit.TestSupport;
using ClipLit.VideoIO.Video;

namespace ClipLit.VideoIO.Tests;

/// <summary>Reading a real decoder ahead: every frame, in order and intact, or (latest wins) the newest.</summary>
[TestFixture]
public sealed class ReadAheadSourceTests
{
    private string _folder = null!;
    private VideoInfo _clip = null!;

    [OneTimeSetUp]
    public void MakeClip()
    {
        _folder = Directory.CreateTempSubdirectory("cliplit-readahead-").FullName;
        string clip = Path.Combine(_folder, "small.mkv");
        _clip = VideoProbe.Probe(TestClips.Make(clip, new ClipCut(Frames: 40, Width: 96, Height: 54, Lossless: true, Audio: false)));
    }

    [OneTimeTearDown]
    public void DeleteClip() => Directory.Delete(_folder, recursive: true);

    [TestCase(1)]
    [TestCase(2)]
    public async Task EveryFrameArrivesInOrderAndEqualToReadingDirectly(int depth)
    {
        var direct = await ReadAll(new VideoFrameReader(_clip), delay: 0);
        var ahead = await ReadAll(new ReadAheadSource(new VideoFrameReader(_clip), depth, latestWins: false), delay: 5);
        Assert.That(ahead.Select(f => f.Timestamp), Is.EqualTo(direct.Select(f => f.Timestamp)));
        Assert.That(ahead.Count, Is.EqualTo(40));
        for (int i = 0; i < direct.Count; i++) Assert.That(ahead[i].Pixels, Is.EqualTo(direct[i].Pixels), $"frame {i}");
    }

    [Test]
    public async Task ALatestWinsReaderThatFallsBehindGetsTheNewestFrames()
    {
        await using var source = new ReadAheadSource(new VideoFrameReader(_clip), depth: 3, latestWins: true);
        var frames = await ReadAll(source, delay: 40, dispose: false);
        Assert.That(source.Dropped, Is.GreaterThan(0), "a reader slower than the decoder skips frames");
        Assert.That(frames.Count + source.Dropped, Is.EqualTo(40), "each frame is delivered or counted as dropped");
        Assert.That(frames.Select(f => f.Timestamp), Is.Ordered.And.Unique);
        Assert.That(frames[^1].Timestamp, Is.EqualTo(_clip.FrameTimestamps[^1]), "the last frame is never dropped");
    }

    [TestCase(1, 1)]
    [TestCase(2, 1)]
    [TestCase(2, 2)]
    public async Task AFileIsDecodedNoMoreFramesAheadThanAllowed(int buffers, int framesAhead)
    {
        // What waits in the ring waits on screen too (the live view's latency): the decoder must
        // stop once the frames allowed ahead are decoded, then decode one for each one taken.
        var counted = new CountingSource(new VideoFrameReader(_clip));
        var ring = Enumerable.Range(0, buffers).Select(_ => new byte[_clip.FrameBytes]).ToList();
        await using var source = new ReadAheadSource(counted, ring, latestWins: false, framesAhead);
        var buffer = new byte[_clip.FrameBytes];
        for (int taken = 1; taken <= 3; taken++)
        {
            Assert.That((await source.ReadAsync(buffer, CancellationToken.None)).HasFrame);
            await ExpectDecoded(counted, taken + framesAhead);
        }
    }

    [Test]
    public async Task RaisingTheFramesAheadLetsTheDecoderGoOnAtOnce()
    {
        // The live view raises it when it falls behind: the frame it skips to is decoded meanwhile.
        var counted = new CountingSource(new VideoFrameReader(_clip));
        await using var source = new ReadAheadSource(counted, [new byte[_clip.FrameBytes], new byte[_clip.FrameBytes]], latestWins: false, framesAhead: 1);
        var buffer = new byte[_clip.FrameBytes];
        Assert.That((await source.ReadAsync(buffer, CancellationToken.None)).HasFrame);
        await ExpectDecoded(counted, 2);
        source.FramesAhead = 2;
        await ExpectDecoded(counted, 3);
        source.FramesAhead = 1; // two wait: the decoder goes on once both were taken
        Assert.That((await source.ReadAsync(buffer, CancellationToken.None)).HasFrame);
        await ExpectDecoded(counted, 3);
        Assert.That((await source.ReadAsync(buffer, CancellationToken.None)).HasFrame);
        await ExpectDecoded(counted, 4);
    }

    /// <summary>The decoder reaches <paramref name="reads"/> frames and goes no further.</summary>
    private static async Task ExpectDecoded(CountingSource counted, int reads)
    {
        Assert.That(SpinWait.SpinUntil(() => counted.Reads >= reads, TimeSpan.FromSeconds(20)), "the decoder refills the ring");
        await Task.Delay(300); // time for a decoder that did not stop to read on
        Assert.That(counted.Reads, Is.EqualTo(reads), "frames decoded");
    }

    [Test]
    public async Task ALatestWinsRingOfOneBufferIsRefused()
    {
        // Latest wins needs a buffer to take while a newer frame is written into the other.
        await using var reader = new VideoFrameReader(_clip);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ReadAheadSource(reader, [new byte[_clip.FrameBytes]], latestWins: true));
    }

    [Test]
    public async Task StoppingEarlyStopsTheDecoderWithoutHanging()
    {
        var source = new ReadAheadSource(new VideoFrameReader(_clip), depth: 2, latestWins: false);
        var buffer = new byte[_clip.FrameBytes];
        Assert.That((await source.ReadAsync(buffer, CancellationToken.None)).HasFrame);
        var dispose = source.DisposeAsync().AsTask();
        Assert.That(await Task.WhenAny(dispose, Task.Delay(TimeSpan.FromSeconds(20))), Is.SameAs(dispose), "disposed promptly");
    }

    /// <summary>A real source, counting the frames read from it.</summary>
    private sealed class CountingSource(IFrameSource inner) : IFrameSource
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public int Width => inner.Width;

        public int Height => inner.Height;

        public int? FrameCount => inner.FrameCount;

        public async ValueTask<SourceFrame> ReadAsync(Memory<byte> destination, CancellationToken cancellation)
        {
            var frame = await inner.ReadAsync(destination, cancellation);
            Interlocked.Increment(ref _reads);
            return frame;
        }

        public Task<string?> FinishAsync() => inner.FinishAsync();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    private static async Task<List<(long Timestamp, byte[] Pixels)>> ReadAll(IFrameSource source, int delay, bool dispose = true)
    {
        var frames = new List<(long, byte[])>();
        try
        {
            var buffer = new byte[4 * source.Width * source.Height];
            SourceFrame frame;
            while ((frame = await source.ReadAsync(buffer, CancellationToken.None)).HasFrame)
            {
                frames.Add((frame.Timestamp, buffer.ToArray()));
                if (delay > 0) await Task.Delay(delay);
            }
            Assert.That(await source.FinishAsync(), Is.Null);
        }
        finally
        {
            if (dispose) await source.DisposeAsync();
        }
        return frames;
    }
}
