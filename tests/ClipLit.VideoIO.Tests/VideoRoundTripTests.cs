using System.Diagnostics;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Video;

namespace ClipLit.VideoIO.Tests;

/// <summary>FFmpeg in and out: every frame, its timestamp, the audio and the container survive a round trip.</summary>
[TestFixture]
public sealed class VideoRoundTripTests : TemporaryFolderFixture
{
    public static string SharedClip => SharedData.Path("data", "video", "backlit_720p30.mp4");

    [Test]
    public void ProbeDescribesTheSharedClip()
    {
        var info = VideoProbe.Probe(SharedClip);
        Assert.Multiple(() =>
        {
            Assert.That((info.Width, info.Height), Is.EqualTo((1280, 720)));
            Assert.That(info.FrameCount, Is.EqualTo(240));
            Assert.That(info.NominalFrameRate, Is.EqualTo(30).Within(1e-9));
            Assert.That(info.IsVariableFrameRate, Is.False);
            Assert.That(info.TimeBaseDenominator, Is.EqualTo(15360));
            Assert.That(info.AudioStreams, Is.EqualTo(1));
            Assert.That(info.FrameTimestamps[1] - info.FrameTimestamps[0], Is.EqualTo(33333).Within(1));
        });
    }

    [Test]
    public async Task UnchangedFramesRoundTripWithTimestampsAndAudio()
    {
        var info = VideoProbe.Probe(SharedClip);
        string output = Path.Combine(Folder, "copy.mp4");
        var buffer = new byte[info.FrameBytes];
        await using (var reader = new VideoFrameReader(info))
        await using (var writer = new VideoFrameWriter(info, output, output, VideoEncodeOptions.Default with { Preset = "ultrafast" }))
        {
            SourceFrame frame;
            while ((frame = await reader.ReadAsync(buffer, CancellationToken.None)).HasFrame)
                await writer.WriteAsync(buffer, frame.Timestamp, CancellationToken.None);
            Assert.That(await reader.FinishAsync(), Is.Null);
            await writer.CompleteAsync();
        }

        var copy = VideoProbe.Probe(output);
        Assert.That(copy.FrameCount, Is.EqualTo(info.FrameCount));
        Assert.That(copy.FrameTimestamps, Is.EqualTo(info.FrameTimestamps));
        Assert.That(copy.AudioStreams, Is.EqualTo(1));
        Assert.That(copy.TimeBaseDenominator, Is.EqualTo(info.TimeBaseDenominator));
        Assert.That(Ffprobe(output, "-select_streams a:0 -show_entries stream=codec_name,duration"), Does.Contain("codec_name=aac"));
    }

    [Test]
    public async Task DecodesTheLastFramesOfSmallClipsEveryTime()
    {
        // Frames this small sit whole in the pipe's buffer when ffmpeg exits; a reader that loses
        // its pipe at that moment drops them (FFMpegCore's output pipe did, now and then).
        string clip = Path.Combine(Folder, "small.mp4");
        var info = VideoProbe.Probe(TestClips.Make(clip, new ClipCut(Frames: 30, Width: 64, Height: 36, Audio: false)));
        var buffer = new byte[info.FrameBytes];
        for (int run = 0; run < 3; run++)
        {
            await using var reader = new VideoFrameReader(info);
            int frames = 0;
            // A consumer slower than the decoder, like the enhancer: ffmpeg is done long before the reader.
            while ((await reader.ReadAsync(buffer, CancellationToken.None)).HasFrame)
            {
                frames++;
                await Task.Delay(10);
            }
            Assert.That(await reader.FinishAsync(), Is.Null, $"run {run}");
            Assert.That(frames, Is.EqualTo(30), $"run {run}");
        }
    }

    internal static string Ffprobe(string path, string arguments)
    {
        var start = new ProcessStartInfo("ffprobe", $"-v error {arguments} -of default=noprint_wrappers=1 \"{path}\"") { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
