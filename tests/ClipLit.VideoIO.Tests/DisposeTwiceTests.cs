using System.Globalization;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Live;
using ClipLit.VideoIO.Streams;
using ClipLit.VideoIO.Video;

namespace ClipLit.VideoIO.Tests;

/// <summary>
/// Every owner of an ffmpeg process in VideoIO, opened on real data and disposed twice: no
/// exception, and its ffmpeg is gone (no child of this test process named ffmpeg is left).
/// </summary>
[TestFixture]
public sealed class DisposeTwiceTests : TemporaryFolderFixture
{
    private const string TestCamera = "lavfi:testsrc2=size=320x180:rate=30";

    private HashSet<int> _before = [];

    [SetUp]
    public void NoteFfmpegChildren()
    {
        if (!Directory.Exists("/proc")) Assert.Ignore("no /proc on this system: child processes cannot be listed");
        _before = FfmpegChildren();
    }

    [Test]
    public async Task AVideoReader()
    {
        var info = VideoProbe.Probe(VideoRoundTripTests.SharedClip);
        var reader = new VideoFrameReader(info);
        Assert.That((await reader.ReadAsync(new byte[info.FrameBytes], CancellationToken.None)).HasFrame);
        await DisposeTwiceAsync(reader);
    }

    [Test]
    public async Task AReadAheadSourceAndTheReaderItOwns()
    {
        var info = VideoProbe.Probe(VideoRoundTripTests.SharedClip);
        // The read-ahead source takes ownership of the reader.
        var source = new ReadAheadSource(new VideoFrameReader(info), depth: 2, latestWins: false);
        Assert.That((await source.ReadAsync(new byte[info.FrameBytes], CancellationToken.None)).HasFrame);
        await DisposeTwiceAsync(source);
    }

    [Test]
    public async Task ATestCamera()
    {
        var camera = CameraSource.Open(CameraSpec.Parse(TestCamera));
        Assert.That((await camera.ReadAsync(new byte[4 * camera.Width * camera.Height], CancellationToken.None)).HasFrame);
        await DisposeTwiceAsync(camera);
    }

    [Test]
    public void AStreamWriterToAFile()
    {
        string output = Path.Combine(Folder, "stream.mkv");
        var writer = LiveStreamWriter.ForStream(output, 64, 36, 30);
        var frame = new byte[4 * 64 * 36];
        for (int i = 0; i < 5; i++) writer.Offer(frame);
        Assert.That(OurFfmpegChildren(), Is.Not.Empty, "ffmpeg runs while the writer is open");
        Assert.DoesNotThrow(writer.Dispose);
        Assert.DoesNotThrow(writer.Dispose);
        Assert.That(writer.Problem, Is.Null);
        Assert.That(OurFfmpegChildren(), Is.Empty, "ffmpeg is gone");
        Assert.That(new FileInfo(output).Length, Is.GreaterThan(0));
        Assert.Throws<ObjectDisposedException>(() => writer.Offer(frame));
    }

    [Test]
    public async Task AVideoWriterStoppedEarly()
    {
        var info = VideoProbe.Probe(VideoRoundTripTests.SharedClip);
        string output = Path.Combine(Folder, "early.mp4");
        var writer = new VideoFrameWriter(info, output, output, VideoEncodeOptions.Default with { Preset = "ultrafast" });
        await writer.WriteAsync(new byte[info.FrameBytes], info.FrameTimestamps[0], CancellationToken.None);
        await DisposeTwiceAsync(writer);
    }

    [Test]
    public async Task FfmpegProcessDisposedWhileAReadWaits()
    {
        // One frame a second: the second read waits when Dispose comes from another thread.
        var ffmpeg = FfmpegProcess.StartReading("testsrc2",
            ["-nostdin", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=32x18:rate=1", "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"]);
        var frame = new byte[4 * 32 * 18];
        Assert.That(await ffmpeg.ReadFrameAsync(frame, CancellationToken.None), Is.EqualTo(FrameRead.Whole));
        var waiting = ffmpeg.ReadFrameAsync(frame, CancellationToken.None).AsTask();
        await Task.WhenAll(Task.Run(ffmpeg.Dispose), Task.Run(ffmpeg.Dispose));
        Assert.DoesNotThrowAsync(async () => await waiting, "the waiting read ends");
        Assert.That(ffmpeg.ExitCode, Is.Not.Zero, "killed");
        Assert.That(OurFfmpegChildren(), Is.Empty, "ffmpeg is gone");
        Assert.ThrowsAsync<ObjectDisposedException>(async () => await ffmpeg.ReadFrameAsync(frame, CancellationToken.None));
    }

    [Test]
    public async Task FfmpegProcessReadsWholeFramesThenSaysTruncatedThenEnd()
    {
        // Two 4x4 RGBA frames are 128 bytes: read as 100-byte "frames", one whole, then 28 bytes, then nothing.
        await using var ffmpeg = FfmpegProcess.StartReading("color",
            ["-nostdin", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=red:size=4x4:rate=1", "-frames:v", "2", "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"]);
        var buffer = new byte[100];
        Assert.That(await ffmpeg.ReadFrameAsync(buffer, CancellationToken.None), Is.EqualTo(FrameRead.Whole));
        Assert.That(await ffmpeg.ReadFrameAsync(buffer, CancellationToken.None), Is.EqualTo(FrameRead.Truncated));
        Assert.That(await ffmpeg.ReadFrameAsync(buffer, CancellationToken.None), Is.EqualTo(FrameRead.End));
        await ffmpeg.WaitForExitAsync();
        Assert.That(ffmpeg.ExitCode, Is.Zero);
    }

    [Test]
    public async Task FfmpegProcessKeepsTheLastErrorLine()
    {
        string missing = Path.Combine(Folder, "missing.mp4");
        await using var ffmpeg = FfmpegProcess.StartReading(missing, ["-nostdin", "-hide_banner", "-i", missing, "-f", "rawvideo", "pipe:1"]);
        Assert.That(await ffmpeg.ReadFrameAsync(new byte[16], CancellationToken.None), Is.EqualTo(FrameRead.End));
        await ffmpeg.WaitForExitAsync();
        Assert.That(ffmpeg.ExitCode, Is.Not.Zero);
        Assert.That(ffmpeg.LastErrorLine(l => l.Contains("No such file", StringComparison.Ordinal)), Does.Contain("missing.mp4"));
    }

    private async Task DisposeTwiceAsync(IAsyncDisposable owner)
    {
        Assert.That(OurFfmpegChildren(), Is.Not.Empty, "ffmpeg runs while its owner is open");
        await owner.DisposeAsync();
        await owner.DisposeAsync();
        Assert.That(OurFfmpegChildren(), Is.Empty, "ffmpeg is gone");
    }

    /// <summary>The ffmpeg children of this process that this test started.</summary>
    private HashSet<int> OurFfmpegChildren()
    {
        var children = FfmpegChildren();
        children.ExceptWith(_before);
        return children;
    }

    /// <summary>The processes named ffmpeg whose parent is this test process (from /proc/PID/stat).</summary>
    private static HashSet<int> FfmpegChildren()
    {
        var children = new HashSet<int>();
        foreach (string folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(folder, "stat"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // It exited while the folder was listed.
            }
            // "PID (NAME) STATE PPID ...": the name may hold spaces and parentheses, so fields count from the last ')'.
            int close = stat.LastIndexOf(')');
            string name = stat[(stat.IndexOf('(') + 1)..close];
            string[] fields = stat[(close + 2)..].Split(' ');
            if (name == "ffmpeg" && int.Parse(fields[1], CultureInfo.InvariantCulture) == Environment.ProcessId) children.Add(pid);
        }
        return children;
    }
}
