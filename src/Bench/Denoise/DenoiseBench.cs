using System.Diagnostics;
using ClipLit.Bench.Gpu;
using ClipLit.Core.Imaging;
using ClipLit.Engine;
using ClipLit.Renderer;
using ClipLit.VideoIO.Video;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ClipLit.Bench.Denoise;

/// <summary>
/// <c>cliplit bench denoise</c>: the gain-aware denoise on calibrated noise. Two clips at 640x360, a
/// real photo held still and the shared fast pan, get camera-like noise (<see cref="SensorNoise"/>,
/// fresh every frame) at four levels; each goes through fast quality's frame engine in memory
/// without and with <c>--denoise auto</c>, and is compared, frame by frame, with the same engine's
/// output of the clean frames and with the paper's (its network at full resolution on each clean
/// frame alone); every output is also encoded (H.264, 4:2:0, as a file would be) and
/// measured by bench/video_stability.py for Lai et al.'s warping error, with the flow estimated on the
/// clean frames (the scene's own motion), so a denoise that smears what moves would show. The cost is
/// timed on the still photo at 1280x720.
/// Thread-safety: stateless; one benchmark at a time per process.
/// </summary>
public static class DenoiseBench
{
    private const int Width = 640, Height = 360;

    public static DenoiseBenchResult Run(TeacherStudentBenchSettings settings, CliContext context)
    {
        var log = context.Error;
        var cancellation = context.Cancellation;
        var stability = new VideoStabilityReference(settings.Root, settings.Python);
        stability.Check();
        string scratch = Directory.CreateTempSubdirectory("cliplit-denoise-bench-").FullName;
        try
        {
            return Run(settings, stability, scratch, log, cancellation);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static DenoiseBenchResult Run(TeacherStudentBenchSettings settings, VideoStabilityReference stability, string scratch, TextWriter log, CancellationToken cancellation)
    {
        using var models = new TeacherAndStudent(settings.Checkpoint, settings.Student, settings.Threads, cancellation);
        var session = models.StudentSession;
        int frames = settings.Quick ? 8 : 30;
        string photo = Directory.GetFiles(Path.Combine(settings.Shared, "data", "backlit"), "*.jpg").Order(StringComparer.Ordinal).First();
        string pan = Path.Combine(settings.Shared, "data", "video", "pan_720p30.mp4");
        var still = Photo(photo, Width, Height);
        var clips = new List<(string Name, string Description, List<byte[]> Frames)>
        {
            ("still", $"`{Path.GetFileName(photo)}` held still at {Width}x{Height}", Enumerable.Repeat(still, frames).ToList()),
            ("pan", $"the first {frames} frames of `pan_720p30.mp4` (pans of 10-20 px a frame) at {Width}x{Height}", PanFrames(pan, frames, cancellation)),
        };

        var like = VideoProbe.Probe(pan);
        var results = new List<DenoiseClip>();
        foreach (var (name, description, clean) in clips)
        {
            var reference = Enhance(session, clean, Width, Height, 0f, cancellation).Outputs;
            // The paper's output of the clean frames: its network at full resolution, each frame alone.
            var paper = Enhance(models.Session, clean, Width, Height, 0f, cancellation, EnhanceQuality.Full).Outputs;
            var edges = clean.Select(frame => FrameMetrics.EdgeBand(frame, Width, Height)).ToList();
            var rows = new List<DenoiseRow>();
            string cleanClip = Encode(like, clean, Path.Combine(scratch, $"{name}-clean.mp4"), cancellation);
            var encoded = new List<(string Name, string Path)>();
            for (int level = 0; level <= SensorNoise.Levels.Length; level++)
            {
                var (a, b) = level == 0 ? (0, 0) : SensorNoise.Levels[level - 1];
                var noisy = level == 0 ? clean : clean.Select((frame, i) => SensorNoise.Add(frame, a, b, seed: 1000 * level + i)).ToList();
                var off = Enhance(session, noisy, Width, Height, 0f, cancellation);
                var auto = Enhance(session, noisy, Width, Height, GainAwareDenoise.Auto, cancellation);
                var found = auto.Noise;
                encoded.Add(($"off{level}", Encode(like, off.Outputs, Path.Combine(scratch, $"{name}-off{level}.mp4"), cancellation)));
                encoded.Add(($"auto{level}", Encode(like, auto.Outputs, Path.Combine(scratch, $"{name}-auto{level}.mp4"), cancellation)));
                var row = new DenoiseRow(level, 255 * Math.Sqrt(a * 0.1 + b), 255 * Math.Sqrt(a * 0.5 + b), 255 * found.Sigma(0.1f), 255 * found.Sigma(0.5f),
                    Figures(off.Outputs, reference, paper, edges), Figures(auto.Outputs, reference, paper, edges));
                rows.Add(row);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"bench denoise: {name}, level {level}: against the paper's output {row.Off.PaperPsnr:F2} -> {row.Auto.PaperPsnr:F2} dB, edges {row.Off.PaperEdgePsnr:F2} -> {row.Auto.PaperEdgePsnr:F2}; against the engine's {row.Off.Psnr:F2} -> {row.Auto.Psnr:F2}"));
            }
            // Every level's outputs in one run of the script: the flow of the clean frames is estimated once.
            var warping = stability.Measure(cleanClip, null, encoded, out _, cancellation);
            rows = rows.Select(row => row with
            {
                Off = row.Off with { WarpingError = warping[$"off{row.Level}"].WarpingError },
                Auto = row.Auto with { WarpingError = warping[$"auto{row.Level}"].WarpingError }
            }).ToList();
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"bench denoise: {name}, warping error off -> auto: {string.Join(", ", rows.Select(r => $"{r.Off.WarpingError:F3} -> {r.Auto.WarpingError:F3}"))}"));
            results.Add(new DenoiseClip(name, description, rows));
        }

        log.WriteLine("bench denoise: cost at 720p...");
        var wide = Photo(photo, 1280, 720);
        var (strongA, strongB) = SensorNoise.Levels[2];
        var noisyWide = Enumerable.Range(0, frames).Select(i => SensorNoise.Add(wide, strongA, strongB, seed: i)).ToList();
        var (offMs, autoMs) = (new List<double>(), new List<double>());
        for (int round = 0; round < 3; round++)
        {
            offMs.Add(Enhance(session, noisyWide, 1280, 720, 0f, cancellation).MillisecondsPerFrame);
            autoMs.Add(Enhance(session, noisyWide, 1280, 720, GainAwareDenoise.Auto, cancellation).MillisecondsPerFrame);
        }
        return new DenoiseBenchResult(models.Machine, DateTime.UtcNow, settings.Threads, Path.GetFileName(models.Student.Source), frames, results,
            new DenoiseCost(offMs.Order().ElementAt(1), autoMs.Order().ElementAt(1)));
    }

    /// <summary>
    /// The frames through the frame engine in memory (fast quality unless asked, no smoothing, as by
    /// default): the outputs, the noise the last frame was denoised against, and the time a frame took.
    /// </summary>
    private static (List<byte[]> Outputs, NoiseModel Noise, double MillisecondsPerFrame) Enhance(EnhancerSession session, List<byte[]> frames, int width, int height,
        float denoise, CancellationToken cancellation, EnhanceQuality quality = EnhanceQuality.Fast)
    {
        var outputs = new List<byte[]>();
        var options = VideoEnhanceOptions.Default with { Quality = quality, Temporal = TemporalOptions.Off, Denoise = denoise };
        var clock = Stopwatch.StartNew();
        new VideoEnhancer(session, options).EnhanceAsync(new RepeatingFrameSource(frames, width, height, frames.Count), new DiscardingFrameSink(), null, cancellation,
            (_, _, output) => outputs.Add(output.ToArray())).GetAwaiter().GetResult();
        double milliseconds = clock.Elapsed.TotalMilliseconds / frames.Count;
        var noise = denoise > 0f ? NoiseLevel.Estimate(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(frames[^1].AsSpan()), width, height, 8).Times(denoise) : NoiseModel.None;
        return (outputs, noise, milliseconds);
    }

    /// <summary>
    /// Mean PSNR, everywhere and at strong edges, against the paper's output of the clean frames and
    /// the engine's; the RMS frame-to-frame change of the output.
    /// </summary>
    private static DenoiseFigures Figures(List<byte[]> outputs, List<byte[]> reference, List<byte[]> paper, List<bool[]> edges)
    {
        double psnr = outputs.Select((frame, i) => Math.Min(99, FrameMetrics.Psnr(frame, reference[i]))).Average();
        double paperPsnr = outputs.Select((frame, i) => Math.Min(99, FrameMetrics.Psnr(frame, paper[i]))).Average();
        double paperEdgePsnr = outputs.Select((frame, i) => Math.Min(99, FrameMetrics.Psnr(frame, paper[i], edges[i]))).Average();
        double edgePsnr = outputs.Select((frame, i) => Math.Min(99, FrameMetrics.Psnr(frame, reference[i], edges[i]))).Average();
        double change = outputs.Count < 2 ? 0 : outputs.Skip(1).Select((frame, i) => 255 / Math.Pow(10, Math.Min(99, FrameMetrics.Psnr(frame, outputs[i])) / 20)).Average();
        return new DenoiseFigures(paperPsnr, paperEdgePsnr, psnr, edgePsnr, change);
    }

    /// <summary>
    /// The frames as an H.264 file at 30 fps (crf 18, 4:2:0, as ClipLit writes a video by default),
    /// for the warping error's script; returns its path.
    /// </summary>
    private static string Encode(VideoInfo like, List<byte[]> frames, string path, CancellationToken cancellation)
    {
        var info = like with
        {
            Path = path,
            Width = Width,
            Height = Height,
            FrameTimestamps = [.. Enumerable.Range(0, frames.Count).Select(i => i * 1_000_000L / 30)],
            AudioStreams = 0,
            SubtitleStreams = 0
        };
        var writer = new VideoFrameWriter(info, path, path, VideoEncodeOptions.Default, copyStreams: false);
        try
        {
            for (int i = 0; i < frames.Count; i++) writer.WriteAsync(frames[i], info.FrameTimestamps[i], cancellation).GetAwaiter().GetResult();
            writer.CompleteAsync().GetAwaiter().GetResult();
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return path;
    }

    /// <summary>A photo covering <paramref name="width"/> x <paramref name="height"/> (scaled, its excess cropped), RGBA8.</summary>
    private static byte[] Photo(string path, int width, int height)
    {
        using var image = Image.Load<Rgba32>(path);
        image.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(width, height), Mode = ResizeMode.Crop }));
        var rgba = new byte[4 * width * height];
        image.CopyPixelDataTo(rgba);
        return rgba;
    }

    /// <summary>The clip's first frames, each 2x2 pixel block averaged (1280x720 to 640x360).</summary>
    private static List<byte[]> PanFrames(string clip, int count, CancellationToken cancellation)
    {
        var info = VideoProbe.Probe(clip);
        var frames = new List<byte[]>();
        var reader = new VideoFrameReader(info);
        try
        {
            var buffer = new byte[info.FrameBytes];
            while (frames.Count < count && reader.ReadAsync(buffer, cancellation).AsTask().GetAwaiter().GetResult().HasFrame)
            {
                var half = new byte[4 * Width * Height];
                for (int y = 0; y < Height; y++)
                    for (int x = 0; x < Width; x++)
                        for (int c = 0; c < 4; c++)
                        {
                            int top = 4 * (2 * y * info.Width + 2 * x) + c, bottom = top + 4 * info.Width;
                            half[4 * (y * Width + x) + c] = (byte)((buffer[top] + buffer[top + 4] + buffer[bottom] + buffer[bottom + 4] + 2) / 4);
                        }
                frames.Add(half);
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return frames;
    }
}
