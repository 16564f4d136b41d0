using ClipLit.TestSupport;
using ClipLit.VideoIO.Video;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipLit.Cli.Tests;

/// <summary>
/// Image sequences (frames/%05d.png) as inputs and outputs of the video path: the same frames in
/// the same order as the video they came from, frame rates from --fps, and bad sequences failing
/// with one line and nothing left behind.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ImageSequenceTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void CreateWorkspace() => _workspace = new Workspace();

    [TearDown]
    public void DeleteWorkspace() => _workspace.Dispose();

    /// <summary>A short clip of the shared video (two scenes: frames across the cut at 2 s) and the same frames as PNGs.</summary>
    private (string Clip, string Frames) ClipAndFrames()
    {
        string clip = _workspace.PathOf("clip.mkv");
        VideoTests.Ffmpeg($"-ss 1.8 -i \"{SharedData.Path("data", "video", "backlit_720p30.mp4")}\" -frames:v 12 -vf scale=320:180 -c:v ffv1 -an \"{clip}\"");
        Directory.CreateDirectory(_workspace.PathOf("in"));
        VideoTests.Ffmpeg($"-i \"{clip}\" -pix_fmt rgba \"{_workspace.PathOf("in/f%03d.png")}\"");
        return (clip, _workspace.PathOf("in/f%03d.png"));
    }

    [Test]
    public void AVideoAndItsFramesAsASequenceGiveTheSameEnhancedFrames()
    {
        var (clip, frames) = ClipAndFrames();
        var fromVideo = Cli.Run(Cli.WithModel("enhance", clip, "-o", _workspace.PathOf("a/%05d.png"), "--quality", "fast", "--device", "cpu"));
        var fromSequence = Cli.Run(Cli.WithModel("enhance", frames, "-o", _workspace.PathOf("b/%05d.png"), "--quality", "fast", "--device", "cpu"));
        Assert.That(fromVideo.ExitCode, Is.Zero, fromVideo.ToString());
        Assert.That(fromSequence.ExitCode, Is.Zero, fromSequence.ToString());

        var a = Directory.GetFiles(_workspace.PathOf("a")).Order(StringComparer.Ordinal).ToArray();
        var b = Directory.GetFiles(_workspace.PathOf("b")).Order(StringComparer.Ordinal).ToArray();
        Assert.That(a.Select(Path.GetFileName), Is.EqualTo(Enumerable.Range(1, 12).Select(i => $"{i:00000}.png")));
        Assert.That(b.Select(Path.GetFileName), Is.EqualTo(a.Select(Path.GetFileName)));
        for (int i = 0; i < a.Length; i++)
        {
            using var left = Image.Load<Rgba32>(a[i]);
            using var right = Image.Load<Rgba32>(b[i]);
            using var input = Image.Load<Rgba32>(_workspace.PathOf($"in/f{i + 1:000}.png"));
            Assert.That((left.Width, left.Height), Is.EqualTo((320, 180)));
            Assert.That(Pixels(left), Is.EqualTo(Pixels(right)), $"frame {i + 1}: the sequence path equals the video path");
            Assert.That(Pixels(left), Is.Not.EqualTo(Pixels(input)), $"frame {i + 1} was enhanced");
        }
    }

    [Test]
    public void ASequenceBecomesAVideoAtTheGivenFrameRate()
    {
        var (_, frames) = ClipAndFrames();
        string output = _workspace.PathOf("seq.mp4");
        var result = Cli.Run(Cli.WithModel("enhance", frames, "-o", output, "--fps", "24000/1001", "--preset", "ultrafast", "--device", "cpu"));
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var video = VideoProbe.Probe(output);
        Assert.That(video.FrameCount, Is.EqualTo(12));
        Assert.That(video.NominalFrameRate, Is.EqualTo(24000 / 1001.0).Within(0.01));
        Assert.That(video.AudioStreams, Is.Zero);
        Assert.That(_workspace.PartialFiles(), Is.Empty);
    }

    [Test]
    public void ABrokenFrameFailsTheSequenceAndKeepsNothing()
    {
        var (_, frames) = ClipAndFrames();
        File.WriteAllBytes(_workspace.PathOf("in/f007.png"), File.ReadAllBytes(_workspace.PathOf("in/f007.png"))[..200]);
        string outputs = _workspace.PathOf("out/%03d.png");
        var result = Cli.Run(Cli.WithModel("enhance", frames, "-o", outputs, "--device", "cpu"));
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines, Has.One.Contains("f007.png"));
        Assert.That(Directory.Exists(_workspace.PathOf("out")) ? Directory.GetFiles(_workspace.PathOf("out")) : [], Is.Empty, "no frames of a failed run are kept");
    }

    [Test]
    public void MissingAndExistingSequencesAreRefused()
    {
        var (clip, frames) = ClipAndFrames();
        var missing = Cli.Run(Cli.WithModel("enhance", _workspace.PathOf("nothing/%04d.png"), "-o", _workspace.PathOf("x.mp4")));
        Assert.That(missing.ExitCode, Is.EqualTo(1), missing.ToString());
        Assert.That(missing.ErrorLines, Has.One.Contains("no frames match"));

        var same = Cli.Run(Cli.WithModel("enhance", frames, "-o", frames));
        Assert.That(same.ExitCode, Is.EqualTo(1), same.ToString());
        Assert.That(same.ErrorLines, Has.One.Contains("is the input itself"));

        var existing = Cli.Run(Cli.WithModel("enhance", clip, "-o", frames));
        Assert.That(existing.ExitCode, Is.EqualTo(1), existing.ToString());
        Assert.That(existing.ErrorLines, Has.One.Contains("already exists"));
    }

    private static byte[] Pixels(Image<Rgba32> image)
    {
        var bytes = new byte[4 * image.Width * image.Height];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }
}
