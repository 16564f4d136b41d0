using ClipLit.Core.Imaging;
using ClipLit.Engine.Gpu;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Video;

namespace ClipLit.Engine.Tests;

/// <summary>
/// A video enhanced in parts (each warmed up on the frames before it) and joined without
/// re-encoding is the video enhanced whole: the same frames at the same timestamps, the audio
/// stream-copied unchanged, every frame at least 50 dB from the whole run's; and a reader started
/// in the middle decodes exactly the frames a reader from the start gives there.
/// </summary>
[TestFixture]
public sealed class VideoPartsTests : TemporaryFolderFixture
{
    private string MakeClip()
    {
        // The shared clip at 320x180 (a cut at 2 s, keyframes every 2 s, audio), so a part starts in the middle of a GOP.
        string clip = Path.Combine(Folder, "clip.mp4");
        return TestClips.Make(clip, new ClipCut(Seconds: 4, KeyframeInterval: 60));
    }

    [TestCase("mp4", "")]
    [TestCase("mkv", "-output_ts_offset 2")] // the video starts at 2 s, its audio a little earlier (the file's start): seeking by the frame's own time
    [TestCase("ts", "")] // MPEG-TS seeks by bytes: decoded from the start, frames dropped by count
    public async Task AReaderStartedInTheMiddleGivesTheFramesAReaderFromTheStartGivesThere(string container, string remux)
    {
        string clip = Path.Combine(Folder, $"copy.{container}");
        VideoEnhancerTests.Run("ffmpeg", $"-v error -i \"{MakeClip()}\" -c copy {remux} \"{clip}\"");
        var info = VideoProbe.Probe(clip);
        Assert.That(info.Keyframes, Is.EqualTo(new[] { 0, 60 }), "keyframes every 60 frames of a 120-frame clip");
        var whole = await Frames(new VideoFrameReader(info));
        var middle = await Frames(new VideoFrameReader(info, 75, 90));
        Assert.That(whole, Has.Count.EqualTo(120));
        Assert.That(middle, Has.Count.EqualTo(15));
        for (int i = 0; i < middle.Count; i++)
            Assert.That(middle[i].Pixels.SequenceEqual(whole[75 + i].Pixels) && middle[i].Timestamp == whole[75 + i].Timestamp, Is.True, $"frame {75 + i}");
    }

    [Test]
    public async Task PartsJoinedAreTheWholeRun()
    {
        string clip = MakeClip();
        var info = VideoProbe.Probe(clip);
        using var device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Required, null));
        using var estimator = new LightMapEstimator(ModelLoader.Load(SharedData.EnhancementCheckpoint),
            EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, KeepMemoryBetweenImages = true });
        // Lossless H.264 (CRF 0): parts are encoded apart, so a lossy encoder's own choices would differ
        // between the runs; lossless, what is compared is the engine's frames (in 4:2:0).
        // The motion-following average: the state a part must warm up (the average and the motion's previous frame).
        var enhancer = new VideoEnhancer(device, new HostMappedTensors(estimator), VideoEnhanceOptions.Default with
        {
            Quality = EnhanceQuality.Fast,
            Temporal = TemporalOptions.Motion,
            Encode = VideoEncodeOptions.Default with { Crf = 0, Preset = "ultrafast" },
        });

        string whole = Path.Combine(Folder, "whole.mp4");
        await enhancer.EnhanceAsync(info, whole, whole, null, CancellationToken.None);
        // Boundaries in the middle of GOPs, one of them just after the cut at frame 60.
        int[] bounds = [0, 45, 62, 120];
        var parts = new List<VideoPart>();
        for (int i = 0; i + 1 < bounds.Length; i++)
        {
            string part = Path.Combine(Folder, $"part{i}.mp4");
            var result = await enhancer.EnhanceAsync(info, part, part, null, CancellationToken.None, range: FrameRange.WithWarmUp(bounds[i], bounds[i + 1]));
            Assert.That(result.FramesWritten, Is.EqualTo(bounds[i + 1] - bounds[i]));
            parts.Add(new VideoPart(part, bounds[i], bounds[i + 1]));
        }
        string joined = Path.Combine(Folder, "joined.mp4");
        await VideoPartJoiner.JoinAsync(info, parts, joined, joined, CancellationToken.None);

        var wholeInfo = VideoProbe.Probe(whole);
        var joinedInfo = VideoProbe.Probe(joined);
        Assert.That(joinedInfo.FrameTimestamps, Is.EqualTo(wholeInfo.FrameTimestamps));
        Assert.That(joinedInfo.AudioStreams, Is.EqualTo(1));
        Assert.That(AudioMd5(joined), Is.EqualTo(AudioMd5(clip)), "the audio is stream-copied unchanged");

        var expected = await Frames(new VideoFrameReader(wholeInfo));
        var actual = await Frames(new VideoFrameReader(joinedInfo));
        Assert.That(actual, Has.Count.EqualTo(expected.Count));
        var psnr = actual.Select((frame, i) => FrameMetrics.Psnr(frame.Pixels, expected[i].Pixels)).ToList();
        double worst = psnr.Min();
        TestContext.Out.WriteLine($"joined parts against the whole run: worst frame {worst:F1} dB (frame {psnr.IndexOf(worst)}); at the boundaries: "
                                  + string.Join(", ", bounds[1..^1].Select(b => $"{b}: {psnr[b]:F1} dB")));
        Assert.That(worst, Is.GreaterThanOrEqualTo(50));
        // From the cut at frame 60 on, the average restarts in both runs: the frames are the same, exactly.
        Assert.That(psnr.Skip(60), Is.All.EqualTo(double.PositiveInfinity));
    }

    [Test]
    public void PartsThatLeaveAGapAreRefused()
    {
        var info = VideoProbe.Probe(MakeClip());
        string joined = Path.Combine(Folder, "joined.mp4");
        var parts = new[] { new VideoPart(Path.Combine(Folder, "a.mp4"), 0, 50), new VideoPart(Path.Combine(Folder, "b.mp4"), 60, 120) };
        var error = Assert.ThrowsAsync<VideoFileException>(() => VideoPartJoiner.JoinAsync(info, parts, joined, joined, CancellationToken.None));
        Assert.That(error!.Message, Does.EndWith("the parts do not follow each other: b.mp4 holds frames 60..119, frame 50 was next"));
        Assert.That(File.Exists(joined), Is.False);
    }

    private static async Task<List<(byte[] Pixels, long Timestamp)>> Frames(VideoFrameReader reader)
    {
        await using (reader)
        {
            var frames = new List<(byte[], long)>();
            while (true)
            {
                var pixels = new byte[reader.Info.FrameBytes];
                var frame = await reader.ReadAsync(pixels, CancellationToken.None);
                if (!frame.HasFrame) break;
                frames.Add((pixels, frame.Timestamp));
            }
            Assert.That(await reader.FinishAsync(), Is.Null);
            return frames;
        }
    }

    private static string AudioMd5(string path) =>
        ChildProcess.Run("ffmpeg", "-v", "error", "-i", path, "-map", "0:a", "-c", "copy", "-f", "md5", "-").Out.Trim();
}
