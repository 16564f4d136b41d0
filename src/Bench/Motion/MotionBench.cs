using System.Diagnostics;
using ClipLit.Core.Imaging;
using ClipLit.Engine;
using ClipLit.Engine.Live;
using ClipLit.Renderer;
using ClipLit.VideoIO.Video;

namespace ClipLit.Bench.Motion;

/// <summary>
/// <c>cliplit bench motion</c>: light maps on moving pictures. Each clip is enhanced in full quality
/// (the paper's network) and fast quality (the student) with each smoothing mode, and every output is
/// measured by bench/video_stability.py against the paper per frame: PSNR, Lai et al.'s warping error
/// with OpenCV's DIS flow (no code of ClipLit's), and the low-frequency flicker that matters on a
/// still scene. Clips: the shared fast pan (two cuts), the shared slow pans, and a still photo filmed
/// as a noisy webcam would (bench/noisy_still_clip.py). Fast variants run twice, interleaved, for
/// their speed.
/// Thread-safety: stateless; one benchmark at a time per process.
/// </summary>
public static class MotionBench
{
    private static readonly MotionVariant[] Variants =
    [
        new("paper per frame (full, `--smoothing off`)", EnhanceQuality.Full, SmoothingMode.Off, IsDefault: false),
        new("full, `--smoothing plain`", EnhanceQuality.Full, SmoothingMode.Plain, IsDefault: false),
        new("full, `--smoothing motion`", EnhanceQuality.Full, SmoothingMode.Motion, IsDefault: false),
        new("fast, `--smoothing off`", EnhanceQuality.Fast, SmoothingMode.Off, IsDefault: false),
        new("fast, `--smoothing plain`", EnhanceQuality.Fast, SmoothingMode.Plain, IsDefault: false),
        new("fast, `--smoothing motion`", EnhanceQuality.Fast, SmoothingMode.Motion, IsDefault: false),
    ];

    /// <summary>
    /// The headless live view on <paramref name="clip"/> at its own pace, each quality with each
    /// smoothing mode (full quality's `off` also without the student's correction): every shown frame
    /// against the paper's output for that frame (<paramref name="paper"/>, the first <paramref name="frames"/> frames).
    /// </summary>
    private static List<LiveMotionRow> Live(EnhancerSession session, EnhancerSession studentSession, string clip, string paper, int frames, TextWriter log,
        CancellationToken cancellation)
    {
        var reference = new List<byte[]>();
        var paperInfo = VideoProbe.Probe(paper);
        var reader = new VideoFrameReader(paperInfo);
        try
        {
            var buffer = new byte[4 * paperInfo.Width * paperInfo.Height];
            while (reference.Count < frames && reader.ReadAsync(buffer, cancellation).AsTask().GetAwaiter().GetResult().HasFrame) reference.Add(buffer.ToArray());
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        var video = VideoProbe.Probe(clip);
        var rows = new List<LiveMotionRow>();
        // Full quality without an average twice: the student correcting the carried map (the default) and the map carried alone.
        var runs = new[] { EnhanceQuality.Fast, EnhanceQuality.Full }
            .SelectMany(quality => new[] { SmoothingMode.Off, SmoothingMode.Plain, SmoothingMode.Motion }.Select(mode => (quality, mode, corrects: true)))
            .Append((EnhanceQuality.Full, SmoothingMode.Off, corrects: false));
        foreach (var (quality, mode, corrects) in runs)
        {
            var input = new LiveInput(Path.GetFileName(clip), video.Width, video.Height, video.NominalFrameRate, () => new VideoFrameReader(video), IsCamera: false);
            var psnr = new List<double>();
            var options = new LiveOptions(FrameLimit: frames, ScreenshotPath: null, Loop: false, Lockstep: false,
                FastModel: new LoadedModel(studentSession, TimeSpan.Zero),
                FrameTap: (index, rgba) => { if (index < reference.Count) psnr.Add(CappedPsnr(rgba, reference[index])); });
            var loop = new LiveLoop(window: null, presenter: null, new LoadedModel(session, TimeSpan.Zero),
                VideoEnhanceOptions.Default with { Quality = quality, Temporal = TemporalOptions.For(mode, live: true) with { CorrectWithStudent = corrects } }, options, TextWriter.Null);
            var statistics = loop.Run(input, input.Open(), cancellation);
            bool corrected = corrects && quality == EnhanceQuality.Full && mode == SmoothingMode.Off;
            rows.Add(new LiveMotionRow(quality, mode, psnr.Count, psnr.Average(), psnr.Min(), statistics.MeanLightMapAgeFrames, corrected));
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"bench motion: live, {quality} quality, {mode}{(corrected ? ", corrected by the student" : "")}: {psnr.Count} frames shown, {psnr.Average():F2} dB against the paper for the frame shown (maps {statistics.MeanLightMapAgeFrames:F1} frames old)"));
        }
        return rows;
    }

    public static MotionBenchResult Run(TeacherStudentBenchSettings settings, CliContext context)
    {
        var log = context.Error;
        var reference = new VideoStabilityReference(settings.Root, settings.Python);
        reference.Check();
        using var models = new TeacherAndStudent(settings.Checkpoint, settings.Student, settings.Threads, context.Cancellation);
        var (session, studentSession, machine) = (models.Session, models.StudentSession, models.Machine);
        // Whatever a file gets by default is marked as such in the report.
        var fileDefault = FramePlan.DefaultSmoothing;
        var variants = Variants.Select(v => v with { IsDefault = v.Smoothing == fileDefault }).ToList();

        string scratch = Directory.CreateTempSubdirectory("cliplit-motion-bench-").FullName;
        try
        {
            int frames = settings.Quick ? 45 : 120;
            var clips = new List<(string Name, string Description, string Path)>
            {
                ("fast pan", "`pan_720p30.mp4`: pans of 10-20 px a frame with a little shake across three real photos, two hard cuts, 1280x720",
                    Path.Combine(settings.Shared, "data", "video", "pan_720p30.mp4")),
            };
            if (!settings.Quick)
                clips.Add(("slow pans", "`backlit_720p30.mp4`: slow pans and zooms across real photos, hard cuts, 1280x720 (its first frames)",
                    Path.Combine(settings.Shared, "data", "video", "backlit_720p30.mp4")));
            string still = Path.Combine(scratch, "noisy-still.mp4");
            string photo = Directory.GetFiles(Path.Combine(settings.Shared, "data", "backlit"), "*.jpg").Order(StringComparer.Ordinal).First();
            reference.MakeNoisyStill(photo, still, frames, 640, 360, context.Cancellation);
            clips.Add(("noisy still", $"`{Path.GetFileName(photo)}` held still at 640x360, fresh sensor noise (Poisson-Gaussian) and H.264 compression every frame", still));

            var results = new List<MotionClip>();
            var live = new List<LiveMotionRow>();
            foreach (var (name, description, path) in clips)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                var info = VideoProbe.Probe(path);
                int length = info.FrameCount > 0 ? Math.Min(frames, info.FrameCount) : frames;
                var outputs = new Dictionary<MotionVariant, string>();
                var speeds = variants.ToDictionary(v => v, _ => new List<(double Fps, double MotionMs)>());
                // Fast variants twice, interleaved (off, plain, motion, off, ...), so a swing of the machine does not pick a winner.
                var order = variants.Where(v => v.Quality == EnhanceQuality.Full).Concat(variants.Where(v => v.Quality == EnhanceQuality.Fast))
                    .Concat(variants.Where(v => v.Quality == EnhanceQuality.Fast));
                foreach (var variant in order)
                {
                    string output = Path.Combine(scratch, $"{name.Replace(' ', '-')}-{variants.IndexOf(variant)}.mp4");
                    var enhancer = new VideoEnhancer(variant.Quality == EnhanceQuality.Full ? session : studentSession,
                        VideoEnhanceOptions.Default with { Quality = variant.Quality, Temporal = TemporalOptions.For(variant.Smoothing) });
                    var clock = Stopwatch.StartNew();
                    var result = enhancer.EnhanceAsync(info, output, output, null, context.Cancellation, range: new FrameRange(0, 0, length)).GetAwaiter().GetResult();
                    double fps = result.FramesWritten / clock.Elapsed.TotalSeconds;
                    double motionMs = 1000 * result.StageSeconds.GetValueOrDefault("motion") / Math.Max(1, result.FramesWritten);
                    speeds[variant].Add((fps, motionMs));
                    outputs[variant] = output;
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench motion: {name}, {variant.Name}: {result.FramesWritten} frames at {fps:F2} fps"));
                }
                var named = variants.Select((v, i) => ($"v{i}", outputs[v])).ToList();
                var figures = reference.Measure(path, outputs[variants[0]], named, out var pairs, context.Cancellation);
                var rows = variants.Select((v, i) => new MotionRow(v, figures[$"v{i}"], speeds[v].Max(s => s.Fps), speeds[v].Min(s => s.MotionMs))).ToList();
                results.Add(new MotionClip(name, description, length, pairs.Compared, pairs.Cuts, rows));
                if (results.Count == 1) live = Live(session, studentSession, path, outputs[variants[0]], length, log, context.Cancellation);
            }
            return new MotionBenchResult(machine, DateTime.UtcNow, settings.Threads, Path.GetFileName(models.Student.Source), results, live);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>PSNR over RGB (<see cref="FrameMetrics.Psnr(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>), 99 dB for equal frames so means stay finite.</summary>
    private static double CappedPsnr(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => Math.Min(99, FrameMetrics.Psnr(a, b));
}
