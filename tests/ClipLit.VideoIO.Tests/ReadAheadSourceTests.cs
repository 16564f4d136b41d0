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

    [Test]
    public async Task EveryFrameArrivesInOrderAndEqualToReadingDirectly()
    {
        var direct = await ReadAll(new VideoFrameReader(_clip), delay: 0);
        var ahead = await ReadAll(new ReadAheadSource(new VideoFrameReader(_clip), depth: 2, latestWins: false), delay: 5);
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

    [Test]
    public async Task StoppingEarlyStopsTheDecoderWithoutHanging()
    {
        var source = new ReadAheadSource(new VideoFrameReader(_clip), depth: 2, latestWins: false);
        var buffer = new byte[_clip.FrameBytes];
        Assert.That((await source.ReadAsync(buffer, CancellationToken.None)).HasFrame);
        var dispose = source.DisposeAsync().AsTask();
        Assert.That(await Task.WhenAny(dispose, Task.Delay(TimeSpan.FromSeconds(20))), Is.SameAs(dispose), "disposed promptly");
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
