using System.Diagnostics;
using System.Text.Json;
using ClipLit.Core.Imaging;
using ClipLit.Engine;
using ClipLit.Engine.Models;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.VideoIO.Images;
using ClipLit.VideoIO.Video;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ClipLit.Bench.Distill;

/// <summary>
/// <c>cliplit bench distill</c>: the student against today's fast quality (the teacher on a
/// 256-pixel copy) and the teacher at full resolution (the reference): PSNR, edge PSNR and SSIM on
/// photos and frames of the shared clip the default student never saw, the network's rate at 720p,
/// flicker through the video pipeline, file-to-file throughput against the naive PyTorch baseline,
/// a 2048x1536 photo in fast quality as a whole process, a silhouette crop, and the distillation
/// run's validation PSNR against wall time.
/// Thread-safety: stateless; one benchmark at a time per process (peak memory is the process's).
/// </summary>
public static class DistillBench
{
    /// <summary>What to measure; <c>Section</c> names the report's section (two students can be reported side by side).</summary>
    public sealed record Settings(string Root, string Shared, string Checkpoint, string Student, string? RunFolder, string Python,
        int Threads, bool Quick, string Section = "distill");

    private const string LargePhoto = "91_51094235055_o.jpg";
    /// <summary>Every this many frames of the shared clip is a still (four times as many apart with --quick).</summary>
    public const int ClipFrameStep = 8;
    private static readonly FastVariant[] Variants = [FastVariant.Teacher256, FastVariant.Student];

    /// <summary>Stills are also scored as <c>cliplit enhance</c> runs photos: the student at its still scale.</summary>
    private static readonly FastVariant[] StillVariants = [.. Variants, FastVariant.StudentStill];

    private sealed record Still(string Set, string Name, byte[] Rgba, int Width, int Height);

    public static DistillBenchResult Run(Settings settings, CliContext context)
    {
        var log = context.Error;
        using var models = new TeacherAndStudent(settings.Checkpoint, settings.Student, settings.Threads, context.Cancellation);
        var (teacher, student, options, session, studentSession, machine) =
            (models.Teacher, models.Student, models.Options, models.Session, models.StudentSession, models.Machine);
        string clip = Path.Combine(settings.Shared, "data", "video", "backlit_720p30.mp4");
        var info = new StudentInfo(Path.GetFileName(student.Source), student.Metadata.Architecture, student.Metadata.TeacherName, student.Metadata.Training, student.Metadata.Validation);

        log.WriteLine("bench distill: quality on held-out photos and clip frames...");
        var stills = HeldOutStills(settings, clip);
        var (quality, crop) = Quality(session, studentSession, stills, log);
        log.WriteLine("bench distill: network rate at 720p...");
        var rates = NetworkRates(teacher, student, options, settings.Quick ? 5 : 15);

        string scratch = Directory.CreateTempSubdirectory("cliplit-distill-bench-").FullName;
        try
        {
            log.WriteLine("bench distill: flicker and throughput through the video pipeline...");
            var videoRuns = VideoRuns(session, studentSession, clip, scratch, log);
            double transcode = TranscodeAlone(clip, scratch, log);
            int baselineFrames = settings.Quick ? 2 : 4;
            double baseline = new PyTorchVideoBaseline(settings.Root, settings.Python, settings.Checkpoint, settings.Threads)
                .FramesPerSecond(clip, Path.Combine(scratch, "baseline.mp4"), baselineFrames, hugePages: false, context.Cancellation);
            log.WriteLine("bench distill: a 2048x1536 photo as a whole process...");
            var photoProcess = PhotoProcess(settings, context.Cancellation);
            return new DistillBenchResult(machine, DateTime.UtcNow, settings.Section, settings.Threads, info, RunSources(settings.RunFolder),
                quality, crop, rates, videoRuns, transcode, baselineFrames, baseline, photoProcess, settings.RunFolder is { } run ? DistillationCurve(run) : null);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>
    /// The six backlit photos at their own size and as the golden 512-pixel inputs, and every 8th
    /// frame of the shared clip plus the first frame of each scene: material the default student
    /// was not distilled on (it learnt from data/photos only).
    /// </summary>
    private static List<Still> HeldOutStills(Settings settings, string clip)
    {
        var stills = new List<Still>();
        foreach (string path in Directory.GetFiles(Path.Combine(settings.Shared, "data", "backlit"), "*.jpg").Order(StringComparer.Ordinal))
            stills.Add(Load("photos", path));
        foreach (string path in Directory.GetFiles(Path.Combine(settings.Shared, "golden", "enhance-512"), "*.input.png").Order(StringComparer.Ordinal))
            stills.Add(Load("golden 512", path));
        foreach (string path in Directory.GetFiles(Path.Combine(settings.Shared, "data", "backlit"), "*.jpg").Order(StringComparer.Ordinal))
        {
            stills.Add(Small("640 px", path, exposure: 1));
            stills.Add(Small("640 px, dark", path, exposure: DarkExposure));
        }
        var info = VideoProbe.Probe(clip);
        var reader = new VideoFrameReader(info);
        try
        {
            var buffer = new byte[info.FrameBytes];
            int step = settings.Quick ? 4 * ClipFrameStep : ClipFrameStep;
            for (int index = 0; reader.ReadAsync(buffer, CancellationToken.None).AsTask().GetAwaiter().GetResult().HasFrame; index++)
                if (index % step == 0 || index % 60 == 0)
                    stills.Add(new Still("clip", $"frame {index}", (byte[])buffer.Clone(), info.Width, info.Height));
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return stills;
    }

    private static Still Load(string set, string path)
    {
        using var image = StillImageReader.Read(path);
        var rgba = new byte[4 * image.Width * image.Height];
        image.CopyPixelsTo(rgba);
        return new Still(set, Path.GetFileName(path), rgba, image.Width, image.Height);
    }

    /// <summary>The dark set's exposure: linear light scaled by it (about 1.5 stops under), as a dim room gives a camera.</summary>
    private const double DarkExposure = 0.35;

    /// <summary>A photo as small photos come (640-pixel long side, Lanczos), its linear light scaled by <paramref name="exposure"/>.</summary>
    private static Still Small(string set, string path, double exposure)
    {
        using var image = Image.Load<Rgba32>(path);
        double scale = 640.0 / Math.Max(image.Width, image.Height);
        int width = (int)Math.Round(image.Width * scale), height = (int)Math.Round(image.Height * scale);
        image.Mutate(x => x.Resize(width, height, KnownResamplers.Lanczos3));
        var rgba = new byte[4 * width * height];
        image.CopyPixelDataTo(rgba);
        var level = new byte[256];
        for (int v = 0; v < 256; v++) level[v] = (byte)Math.Round(255 * Math.Pow(Math.Pow(v / 255.0, 2.2) * exposure, 1 / 2.2));
        for (int i = 0; i < rgba.Length; i++)
            if ((i & 3) != 3) rgba[i] = level[rgba[i]];
        return new Still(set, Path.GetFileName(path), rgba, width, height);
    }

    /// <summary>Each still in full quality (the reference) and both fast qualities: their scores, and the large photo's silhouette crop.</summary>
    private static (List<QualityGroup> Groups, DistillCrop? Crop) Quality(EnhancerSession teacher, EnhancerSession student, List<Still> stills, TextWriter log)
    {
        var inv = CultureInfo.InvariantCulture;
        var scores = new Dictionary<(string Set, FastVariant Variant), List<(string Name, StillScores Scores)>>();
        DistillCrop? crop = null;
        foreach (var still in stills)
        {
            var full = (byte[])still.Rgba.Clone();
            teacher.Stills.Enhance(full, new FramePlan(teacher.Model, null, EnhanceQuality.Full).LayoutFor(still.Width, still.Height), CancellationToken.None);
            var edges = FrameMetrics.EdgeBand(still.Rgba, still.Width, still.Height);
            var outputs = new Dictionary<FastVariant, byte[]>();
            foreach (var variant in StillVariants)
            {
                var fast = (byte[])still.Rgba.Clone();
                var session = variant == FastVariant.Teacher256 ? teacher : student;
                var plan = new FramePlan(session.Model, null, EnhanceQuality.Fast) { Stills = variant == FastVariant.StudentStill };
                session.Stills.Enhance(fast, plan.LayoutFor(still.Width, still.Height), CancellationToken.None);
                var key = (still.Set, variant);
                if (!scores.TryGetValue(key, out var list)) scores[key] = list = [];
                list.Add((still.Name, new StillScores(FrameMetrics.Psnr(fast, full), FrameMetrics.Psnr(fast, full, edges), FrameMetrics.Ssim(fast, full, still.Width, still.Height))));
                outputs[variant] = fast;
            }
            log.WriteLine(string.Create(inv, $"bench distill: {still.Set} {still.Name}: teacher at 256 {scores[(still.Set, FastVariant.Teacher256)][^1].Scores.Psnr:F2} dB, student {scores[(still.Set, FastVariant.Student)][^1].Scores.Psnr:F2} dB, at its still scale {scores[(still.Set, FastVariant.StudentStill)][^1].Scores.Psnr:F2} dB"));
            if (still.Set == "photos" && still.Name == LargePhoto) crop = SilhouetteCrop(still, full, outputs[FastVariant.Teacher256], outputs[FastVariant.Student]);
        }
        var groups = stills.Select(s => s.Set).Distinct().SelectMany(set => StillVariants.Select(variant => new QualityGroup(set, variant, scores[(set, variant)]))).ToList();
        return (groups, crop);
    }

    /// <summary>The 128x128 window of the large photo where strong edges meet the largest errors of today's fast quality: full | teacher at 256 | student.</summary>
    private static DistillCrop SilhouetteCrop(Still still, byte[] full, byte[] teacher256, byte[] student)
    {
        const int crop = 128, stride = 16;
        var edges = FrameMetrics.EdgeBand(still.Rgba, still.Width, still.Height);
        (double Score, int X, int Y) best = (-1, 0, 0);
        for (int y = 0; y + crop <= still.Height; y += stride)
            for (int x = 0; x + crop <= still.Width; x += stride)
            {
                double error = 0;
                for (int yy = y; yy < y + crop; yy += 2)
                    for (int xx = x; xx < x + crop; xx += 2)
                    {
                        int p = yy * still.Width + xx;
                        if (!edges[p]) continue;
                        int i = 4 * p;
                        error += Math.Abs(teacher256[i] - full[i]) + Math.Abs(teacher256[i + 1] - full[i + 1]) + Math.Abs(teacher256[i + 2] - full[i + 2]);
                    }
                if (error > best.Score) best = (error, x, y);
            }
        var crops = new[] { full, teacher256, student }.Select(rgba => ImageCrop.Cut(rgba, still.Width, best.X, best.Y, crop)).ToList();
        return new DistillCrop(still.Name, still.Width, still.Height, best.X, best.Y, crops);
    }

    /// <summary>The network alone for a 720p frame: light maps a second (median of runs), teacher at 256 against the student.</summary>
    private static List<DistillNetworkRate> NetworkRates(LightMapModel teacher, StudentModel student, EnhancerOptions options, int runs)
    {
        var rates = new List<DistillNetworkRate>();
        foreach (var model in new LightMapModel[] { teacher, student })
        {
            var layout = new FramePlan(model, null, EnhanceQuality.Fast).LayoutFor(1280, 720);
            int w = layout.NetworkWidth, h = layout.NetworkHeight;
            using var estimator = model.OpenEstimator(options with { KeepMemoryBetweenImages = true });
            var image = new float[3 * w * h];
            var random = new Random(1);
            for (int i = 0; i < image.Length; i++) image[i] = (float)random.NextDouble();
            var light = new float[w * h];
            estimator.Prepare(w, h);
            estimator.Estimate(image, w, h, light, CancellationToken.None);
            var seconds = new List<double>();
            for (int r = 0; r < runs; r++)
            {
                var watch = Stopwatch.StartNew();
                estimator.Estimate(image, w, h, light, CancellationToken.None);
                seconds.Add(watch.Elapsed.TotalSeconds);
            }
            seconds.Sort();
            double gflop = model is StudentModel s
                ? 2 * s.Metadata.ParsedArchitecture().MultiplyAdds(w, h) / 1e9
                : 2 * 555e3 * w * h / 1e9;
            rates.Add(new DistillNetworkRate(model is StudentModel ? FastVariant.Student : FastVariant.Teacher256, w, h, gflop, 1 / seconds[seconds.Count / 2]));
        }
        return rates;
    }

    /// <summary>Fast quality through the video pipeline on the shared clip: flicker (smoothing on) and file-to-file fps.</summary>
    private static List<DistillVideoRun> VideoRuns(EnhancerSession teacher, EnhancerSession student, string clip, string scratch, TextWriter log)
    {
        var info = VideoProbe.Probe(clip);
        var runs = new List<DistillVideoRun>();
        foreach (var variant in Variants)
        {
            var session = variant == FastVariant.Student ? student : teacher;
            var meter = new FlickerMeter(info.Width, info.Height);
            string output = Path.Combine(scratch, $"{variant}.mp4");
            var result = new VideoEnhancer(session, VideoEnhanceOptions.Default with { Quality = EnhanceQuality.Fast })
                .EnhanceAsync(info, output, output, null, CancellationToken.None, meter.Add).GetAwaiter().GetResult();
            var figures = meter.Figures(result.Cuts);
            double fps = result.FramesWritten / result.Elapsed.TotalSeconds;
            runs.Add(new DistillVideoRun(variant, result.FramesWritten, fps, figures.OutputChange, figures.GainJitter, result.Cuts));
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench distill: {variant}: {fps:F1} fps, gain jitter {figures.GainJitter:F5}"));
        }
        return runs;
    }

    /// <summary>
    /// The clip through ffmpeg alone, decoded and encoded as ClipLit's videos are (its default encoder
    /// arguments, audio copied) with nothing in between: frames a second, the ceiling of any
    /// file-to-file run on this machine.
    /// </summary>
    private static double TranscodeAlone(string clip, string scratch, TextWriter log)
    {
        var info = VideoProbe.Probe(clip);
        string output = Path.Combine(scratch, "transcode.mp4");
        var clock = Stopwatch.StartNew();
        BenchProcess.Ffmpeg(["-v", "error", "-y", "-i", clip, .. VideoEncodeOptions.Default.EncoderArguments(".mp4"), "-pix_fmt", "yuv420p", "-c:a", "copy", output]);
        double fps = info.FrameCount / clock.Elapsed.TotalSeconds;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench distill: ffmpeg alone (decode and encode): {fps:F1} fps"));
        return fps;
    }

    /// <summary>`cliplit enhance` on the 2048x1536 backlit photo in fast quality, as a whole process (start-up, decoding and encoding included).</summary>
    private static List<(string Name, ProcessResult Result)> PhotoProcess(Settings settings, CancellationToken cancellation)
    {
        string photo = Path.Combine(settings.Shared, "data", "backlit", LargePhoto);
        string folder = Directory.CreateTempSubdirectory("cliplit-distill-photo-").FullName;
        try
        {
            string launcher = Path.Combine(settings.Root, "cliplit");
            var runs = new List<(string Name, ProcessResult Result)>();
            foreach (var (name, extra) in new[] { ("student", new[] { "--quality", "fast", "--fast-model", settings.Student }), ("teacher, full", new[] { "--quality", "full" }) })
            {
                var arguments = new List<string> { "enhance", photo, "-o", Path.Combine(folder, "out.jpg"), "--overwrite", "--model", settings.Checkpoint, "--device", "cpu", "-q" };
                arguments.AddRange(extra);
                ProcessBenchmark.Measure(launcher, arguments, 1, cancellation); // warm the page cache and the launcher's build check
                runs.Add((name, ProcessBenchmark.Measure(launcher, arguments, settings.Quick ? 1 : 3, cancellation)));
            }
            return runs;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Validation PSNR against wall time from a run's history.csv; null without one.</summary>
    private static DistillCurve? DistillationCurve(string run)
    {
        string history = Path.Combine(run, "history.csv");
        if (!File.Exists(history)) return null;
        var inv = CultureInfo.InvariantCulture;
        var lines = File.ReadAllLines(history);
        var header = lines[0].Split(',');
        int Column(string name) => Array.IndexOf(header, name);
        int seconds = Column("wall_seconds"), mean = Column("val_psnr_mean"), worst = Column("val_psnr_worst"), iteration = Column("iteration");
        if (seconds < 0 || mean < 0) return null;
        var points = lines.Skip(1).Select(l => l.Split(','))
            .Where(p => p.Length > mean && double.TryParse(p[mean], NumberStyles.Float, inv, out double v) && double.IsFinite(v))
            .Select(p => new CurvePoint(iteration >= 0 ? p[iteration] : "", double.Parse(p[seconds], inv) / 60, double.Parse(p[mean], inv),
                worst >= 0 && double.TryParse(p[worst], NumberStyles.Float, inv, out double w) ? w : double.NaN))
            .ToList();
        return points.Count == 0 ? null : new DistillCurve(Path.GetFileName(Path.GetFullPath(run)), points);
    }

    /// <summary>What the student learnt from, read from its run's options.json (the run is the evidence); null without one.</summary>
    private static List<string>? RunSources(string? run)
    {
        if (run is null || !File.Exists(Path.Combine(run, "options.json"))) return null;
        using var options = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "options.json")));
        return new[] { "Images", "Videos" }.SelectMany(name => options.RootElement.GetProperty(name).EnumerateArray().Select(e => e.GetString() ?? "")).ToList();
    }
}
