using ClipLit.Bench.Processes;
using ClipLit.TestSupport;

namespace ClipLit.Bench.Tests;

/// <summary>
/// The stability reference the motion benchmark trusts (bench/video_stability.py, OpenCV's DIS flow):
/// on a real pan, a video compared with itself scores perfect fidelity and the input's own warping
/// error, a copy with every other frame frozen and one with frames out of order score worse; the
/// noisy still clip holds the photo still with fresh noise every frame.
/// </summary>
[TestFixture]
public sealed class StabilityReferenceTests : TemporaryFolderFixture
{
    private static VideoStabilityReference Reference => new(SharedData.RepositoryRoot, "/usr/bin/python3");

    [Test]
    public void TheWarpingErrorSeesFrozenAndShuffledFramesOnARealPan()
    {
        string pan = TestClips.Make(Path.Combine(Folder, "pan.mp4"), new ClipCut(Start: 0.1, Frames: 20, Width: 320, Height: 180, Audio: false, Source: "pan_720p30.mp4"));
        string frozen = Path.Combine(Folder, "frozen.mp4"), shuffled = Path.Combine(Folder, "shuffled.mp4");
        // Every other frame repeated: the motion the flow sees is not in the picture half the time.
        Ffmpeg("-i", pan, "-vf", "select='not(mod(n\\,2))',setpts=2*N/30/TB", "-r", "30", "-vsync", "cfr", "-frames:v", "20", frozen);
        // Pairs of frames swapped: the picture jumps back and forth.
        Ffmpeg("-i", pan, "-vf", "shuffleframes=1 0", "-frames:v", "20", shuffled);

        Reference.Measure(pan, pan, [("same", pan)], out var pairs);
        Assert.That(pairs.Compared + pairs.Cuts, Is.EqualTo(19), "every consecutive pair is compared or counted as a cut");
        Assert.That(pairs.Compared, Is.GreaterThanOrEqualTo(17), "a pan has no cut");

        // Several outputs at once are compared over the frames they all hold.
        var figures = Reference.Measure(pan, pan, [("same", pan), ("frozen", frozen), ("shuffled", shuffled)], out _);
        TestContext.Out.WriteLine(string.Join("; ", figures.Select(f => $"{f.Key}: warping error {f.Value.WarpingError:F4}, PSNR {f.Value.PsnrMean:F1}")));
        Assert.That(figures["same"].PsnrMean, Is.EqualTo(99.0), "a video against itself");
        double same = figures["same"].WarpingError;
        Assert.That(double.IsFinite(same) && same > 0, "the input's own warping error: a pan's flow is not perfect");
        Assert.That(figures["frozen"].WarpingError, Is.GreaterThan(2 * same), "frozen frames do not follow the flow");
        Assert.That(figures["shuffled"].WarpingError, Is.GreaterThan(2 * same), "frames out of order do not follow the flow");
        Assert.That(figures["frozen"].PsnrMean, Is.LessThan(40), "and are far from the reference");
    }

    [Test]
    public void TheNoisyStillClipIsStillButNeverTheSameTwice()
    {
        string photo = Directory.GetFiles(SharedData.BacklitPhotos, "*.jpg").Order(StringComparer.Ordinal).First();
        string still = Path.Combine(Folder, "still.mp4");
        Reference.MakeNoisyStill(photo, still, 12, 320, 180);

        var figures = Reference.Measure(still, null, [("still", still)], out var pairs);

        Assert.That(pairs.Compared, Is.EqualTo(11), "nothing moves, so no pair looks like a cut");
        double flicker = figures["still"].Flicker;
        Assert.That(double.IsFinite(flicker) && flicker > 0.3, $"fresh noise each frame flickers ({flicker:F3})");
        Assert.That(flicker, Is.LessThan(20), "but only as much as sensor noise does");
        Assert.That(figures["still"].PsnrMean, Is.NaN, "no reference, no PSNR");
    }

    [Test]
    public void APythonThatCannotRunTheScriptsIsOneUsageLineBeforeAnythingIsMeasured()
    {
        Assert.DoesNotThrow(() => Reference.Check(), "Debian's python3 has OpenCV (CI installs python3-opencv)");
        var missing = Assert.Throws<ClipLit.Cli.CommandLine.UsageException>(() => new VideoStabilityReference(SharedData.RepositoryRoot, Path.Combine(Folder, "no-python")).Check());
        Assert.That(missing!.Message, Does.StartWith($"bench: --python {Path.Combine(Folder, "no-python")} cannot be started ("));
        // A Python without OpenCV: the shell stands in for it, refusing the import as such a Python would.
        string bare = Path.Combine(Folder, "bare-python");
        File.WriteAllText(bare, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'cv2'\" >&2\nexit 1\n");
        Assert.That(ChildProcess.Run("chmod", "+x", bare).ExitCode, Is.Zero);
        var lacking = Assert.Throws<ClipLit.Cli.CommandLine.UsageException>(() => new VideoStabilityReference(SharedData.RepositoryRoot, bare).Check());
        Assert.That(lacking!.Message, Does.EndWith("lacks OpenCV, numpy or Pillow (Debian: python3-opencv): ModuleNotFoundError: No module named 'cv2'"));
    }

    private static void Ffmpeg(params string[] arguments)
    {
        var result = ChildProcess.Run("ffmpeg", ["-v", "error", "-y", .. arguments[..^1], "-c:v", "libx264", "-preset", "ultrafast", "-an", arguments[^1]]);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
    }
}
