using System.Diagnostics;
using ClipLit.Core.Imaging;
using ClipLit.Engine;
using ClipLit.Engine.Models;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Passes;
using ClipLit.Renderer.Vulkan;
using ClipLit.VideoIO.Images;
using ClipLit.VideoIO.Video;

namespace ClipLit.Bench.Videos;

/// <summary>
/// <c>cliplit bench video</c>: fast against full quality on stills (golden photos and frames of the
/// shared clip) at several network sizes with both upsamplers; temporal stability with smoothing
/// on and off; throughput of both qualities against a naive ffmpeg + PyTorch baseline measured in
/// the same run.
/// Thread-safety: stateless; one benchmark at a time per process (peak memory is the process's).
/// </summary>
public static class VideoBench
{
    /// <param name="Root">The checkout (the baseline's script).</param>
    /// <param name="Shared">The shared data folder (golden photos, the clip).</param>
    /// <param name="Checkpoint">The model.</param>
    /// <param name="Python">Python with torch 1.13.</param>
    /// <param name="Threads">ONNX Runtime's and PyTorch's threads.</param>
    /// <param name="Quick">Fewer frames for the full-quality run and the baseline.</param>
    public sealed record Settings(string Root, string Shared, string Checkpoint, string Python, int Threads, bool Quick);

    private static readonly int[] LongSides = [192, 256, 384, 512];
    private static readonly int[] ClipSampleFrames = [15, 75, 135, 195];
    private static readonly UpsampleMode[] Upsamplers = [UpsampleMode.Bilinear, UpsampleMode.EdgeAware];

    private sealed record Still(byte[] Rgba, int Width, int Height);

    private sealed record PhotoOutputs(string Name, int Width, byte[] Full, Dictionary<(int, UpsampleMode), byte[]> Fast);

    public static VideoBenchResult Run(Settings settings, CliContext context)
    {
        var log = context.Error;
        string clip = Path.Combine(settings.Shared, "data", "video", "backlit_720p30.mp4");
        var weights = ModelLoader.Load(settings.Checkpoint);
        // The session `cliplit enhance` opens on the CPU; the network alone and the upsampler alone are measured on an estimator of their own.
        using var session = new EnhancerSession(new PaperNetworkModel(weights), EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, Threads = settings.Threads },
            VkDeviceOptions.Default);
        var machine = MachineDescription.Detect(session.Device.Name, context.Cancellation);
        using var stills = new LightMapEstimator(weights, EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, Threads = settings.Threads });

        log.WriteLine("bench video: fast vs full quality on stills...");
        var (quality, photos, outputs) = Quality(settings, session.Stills, clip);
        var upsamplerAlone = UpsamplerAlone(session.Device, stills, photos);
        var rates = NetworkRates(stills);
        var crops = SilhouetteCrops(outputs);

        string scratch = Directory.CreateTempSubdirectory("cliplit-video-bench-").FullName;
        try
        {
            log.WriteLine("bench video: temporal stability and fast throughput...");
            var (temporal, fast) = Temporal(session, clip, scratch, log);
            log.WriteLine("bench video: full quality throughput and the naive baseline...");
            var throughput = Throughput(settings, session, clip, scratch, log, context.Cancellation);
            return new VideoBenchResult(machine, DateTime.UtcNow, settings.Threads, quality, upsamplerAlone, rates, crops, temporal,
                throughput.BaselineFrames, throughput.AsInstalled, throughput.HugePages, [throughput.Full, fast]);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>PSNR and SSIM of fast quality against full on stills; the photos and their outputs for the crops.</summary>
    private static (List<FastQualityRow> Rows, List<Still> Photos, List<PhotoOutputs> Outputs) Quality(Settings settings, PhotoRenderer renderer, string clip)
    {
        var images = Directory.GetFiles(Path.Combine(settings.Shared, "golden", "enhance-512"), "*.input.png").Order(StringComparer.Ordinal)
            .Concat(Directory.GetFiles(Path.Combine(settings.Shared, "golden", "enhance-full"), "*.input.png"))
            .Select(path => (Set: "photos", Name: Path.GetFileName(path), Image: LoadRgba(path)))
            .Concat(ClipFrames(clip).Select((f, i) => (Set: "clip", Name: $"frame {ClipSampleFrames[i]}", Image: f)))
            .ToList();

        var results = new Dictionary<(string Set, int Side, UpsampleMode Mode), List<StillScores>>();
        var outputs = new List<PhotoOutputs>();
        foreach (var (set, name, image) in images)
        {
            var full = (byte[])image.Rgba.Clone();
            renderer.Enhance(full, image.Width, image.Height, CancellationToken.None);
            var edges = FrameMetrics.EdgeBand(image.Rgba, image.Width, image.Height);
            var fastOutputs = new Dictionary<(int, UpsampleMode), byte[]>();
            foreach (int side in LongSides)
                foreach (var mode in Upsamplers)
                {
                    var fast = (byte[])image.Rgba.Clone();
                    renderer.Enhance(fast, FrameLayout.For(image.Width, image.Height, EnhanceQuality.Fast, side, mode), CancellationToken.None);
                    var key = (set, side, mode);
                    if (!results.TryGetValue(key, out var list)) results[key] = list = [];
                    list.Add(new StillScores(FrameMetrics.Psnr(fast, full), FrameMetrics.Psnr(fast, full, edges), FrameMetrics.Ssim(fast, full, image.Width, image.Height)));
                    fastOutputs[(side, mode)] = fast;
                }
            if (set == "photos") outputs.Add(new PhotoOutputs(name, image.Width, full, fastOutputs));
        }
        var rows = LongSides.SelectMany(side => Upsamplers.Select(mode => new FastQualityRow(side, mode, results[("photos", side, mode)], results[("clip", side, mode)]))).ToList();
        return (rows, images.Where(i => i.Set == "photos").Select(i => i.Image).ToList(), outputs);
    }

    /// <summary>
    /// What the upsamplers lose by themselves: the full-size light map, area-downscaled to 256 and
    /// upsampled again by each upsampler, against full quality (mean PSNR over the photos). The gap
    /// to fast quality's figures is what running the network on a smaller image changes in the
    /// light map itself.
    /// </summary>
    private static Dictionary<UpsampleMode, double> UpsamplerAlone(VkComputeDevice device, LightMapEstimator estimator, List<Still> photos)
    {
        var psnr = Upsamplers.ToDictionary(mode => mode, _ => new List<double>());
        foreach (var photo in photos)
        {
            var fullLayout = FrameLayout.For(photo.Width, photo.Height, EnhanceQuality.Full);
            float[] lightMap;
            byte[] full;
            using (var renderer = new FrameRenderer(device, fullLayout, 1))
            {
                var slot = renderer.Slots[0];
                photo.Rgba.CopyTo(slot.InputBytes.Span);
                renderer.PreProcess(slot);
                estimator.Estimate(slot.NetworkInput, photo.Height, photo.Width, slot.NetworkLightMap);
                lightMap = slot.NetworkLightMap.ToArray();
                renderer.Compose(slot);
                full = slot.OutputBytes.ToArray();
            }
            foreach (var mode in psnr.Keys)
            {
                var layout = FrameLayout.For(photo.Width, photo.Height, EnhanceQuality.Fast, 256, mode);
                if (!layout.IsDownscaled) continue;
                using var renderer = new FrameRenderer(device, layout, 1);
                var slot = renderer.Slots[0];
                photo.Rgba.CopyTo(slot.InputBytes.Span);
                renderer.PreProcess(slot);
                AreaDownscale(lightMap, photo.Width, photo.Height, slot.NetworkLightMap.Span, layout.NetworkWidth, layout.NetworkHeight);
                renderer.Compose(slot);
                psnr[mode].Add(FrameMetrics.Psnr(slot.OutputBytes.Span, full));
            }
        }
        return psnr.ToDictionary(kv => kv.Key, kv => kv.Value.Average());
    }

    private static void AreaDownscale(float[] source, int width, int height, Span<float> target, int smallWidth, int smallHeight)
    {
        for (int sy = 0; sy < smallHeight; sy++)
            for (int sx = 0; sx < smallWidth; sx++)
            {
                int x0 = sx * width / smallWidth, x1 = ((sx + 1) * width + smallWidth - 1) / smallWidth;
                int y0 = sy * height / smallHeight, y1 = ((sy + 1) * height + smallHeight - 1) / smallHeight;
                double sum = 0;
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++) sum += source[y * width + x];
                target[sy * smallWidth + sx] = (float)(sum / ((x1 - x0) * (y1 - y0)));
            }
    }

    /// <summary>How often the network alone can refresh the light map for a 720p frame at each fast size (median of 5 runs).</summary>
    private static List<NetworkRate> NetworkRates(LightMapEstimator estimator)
    {
        var rates = new List<NetworkRate>();
        foreach (int side in LongSides)
        {
            var layout = FrameLayout.For(1280, 720, EnhanceQuality.Fast, side);
            var input = new float[3 * layout.NetworkPixels];
            for (int i = 0; i < input.Length; i++) input[i] = 0.2f + 0.6f * ((i * 7919) % 1000) / 1000f;
            var output = new float[layout.NetworkPixels];
            var plan = estimator.Plan(layout.NetworkHeight, layout.NetworkWidth);
            estimator.Preload(plan);
            var times = new List<double>();
            for (int run = 0; run < 6; run++)
            {
                var watch = Stopwatch.StartNew();
                estimator.Estimate(input, layout.NetworkHeight, layout.NetworkWidth, output, plan);
                if (run > 0) times.Add(watch.Elapsed.TotalSeconds);
            }
            double median = times.Order().ElementAt(times.Count / 2);
            rates.Add(new NetworkRate(side, layout.NetworkWidth, layout.NetworkHeight, 1 / median));
        }
        return rates;
    }

    /// <summary>The window where bilinear upsampling errs most (silhouettes), cut from full, bilinear and edge-aware at each long side.</summary>
    private static SilhouetteCrops SilhouetteCrops(List<PhotoOutputs> outputs)
    {
        const int crop = 96;
        // Silhouettes: the window where strong edges of the full-quality result meet large errors of bilinear upsampling at 256.
        var best = (Score: -1.0, Index: 0, X: 0, Y: 0);
        for (int k = 0; k < outputs.Count; k++)
        {
            var (_, width, full, fast) = outputs[k];
            int height = full.Length / 4 / width;
            var bilinear = fast[(256, UpsampleMode.Bilinear)];
            for (int y = 0; y + crop <= height; y += crop / 4)
                for (int x = 0; x + crop <= width; x += crop / 4)
                {
                    double error = 0;
                    for (int yy = y; yy + 2 < y + crop; yy += 2)
                        for (int xx = x; xx + 2 < x + crop; xx += 2)
                        {
                            int i = 4 * (yy * width + xx);
                            double edge = Math.Abs(full[i + 1] - full[i + 4 + 1]) + Math.Abs(full[i + 1] - full[i + 4 * width + 1]);
                            error += edge * (Math.Abs(bilinear[i] - full[i]) + Math.Abs(bilinear[i + 1] - full[i + 1]) + Math.Abs(bilinear[i + 2] - full[i + 2]));
                        }
                    if (error > best.Score) best = (error, k, x, y);
                }
        }
        var chosen = outputs[best.Index];
        ImageCrop Cut(byte[] rgba) => ImageCrop.Cut(rgba, chosen.Width, best.X, best.Y, crop);
        var sides = LongSides.Select(side => (side, (IReadOnlyList<ImageCrop>)
            [Cut(chosen.Full), Cut(chosen.Fast[(side, UpsampleMode.Bilinear)]), Cut(chosen.Fast[(side, UpsampleMode.EdgeAware)])])).ToList();
        return new SilhouetteCrops(chosen.Name, best.X, best.Y, sides);
    }

    /// <summary>
    /// Flicker with the temporal average on and off, in fast quality: on the whole shared clip, and
    /// on a static stretch made from one of its frames held for two seconds with sensor-like noise
    /// (the clip itself pans and zooms throughout, so it has no static stretch of its own). The
    /// shared clip's run with smoothing on is also fast quality's throughput run.
    /// </summary>
    private static (List<TemporalRow> Rows, PipelineRun Fast) Temporal(EnhancerSession session, string clip, string scratch, TextWriter log)
    {
        var inv = CultureInfo.InvariantCulture;
        string still = Path.Combine(scratch, "still.png");
        string staticClip = Path.Combine(scratch, "static.mp4");
        BenchProcess.Ffmpeg("-v", "error", "-y", "-ss", "3", "-i", clip, "-frames:v", "1", still);
        BenchProcess.Ffmpeg("-v", "error", "-y", "-loop", "1", "-framerate", "30", "-i", still, "-t", "2", "-vf", "noise=alls=6:allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "12", "-pix_fmt", "yuv420p", staticClip);

        var rows = new List<TemporalRow>();
        PipelineRun? fast = null;
        foreach (var (name, path) in new[] { ("shared clip", clip), ("static stretch", staticClip) })
        {
            var info = VideoProbe.Probe(path);
            foreach (bool smoothing in new[] { true, false })
            {
                var meter = new FlickerMeter(info.Width, info.Height);
                var options = VideoEnhanceOptions.Default with { Quality = EnhanceQuality.Fast, Temporal = smoothing ? TemporalOptions.Plain : TemporalOptions.Off };
                string output = Path.Combine(scratch, $"temporal-{smoothing}.mp4");
                MemoryProbe.ResetPeak();
                var result = new VideoEnhancer(session, options)
                    .EnhanceAsync(info, output, output, null, CancellationToken.None, meter.Add).GetAwaiter().GetResult();
                // The static stretch counts as static throughout: the identity is its exact warp.
                var figures = meter.Figures(result.Cuts);
                double warp = path == staticClip ? figures.OutputChange : figures.StaticWarpError;
                rows.Add(new TemporalRow(name, smoothing, figures, warp, result.Cuts));
                if (smoothing && path == clip) fast = new PipelineRun("ClipLit fast (edge-aware, plain smoothing)", result, MemoryProbe.PeakMiB());
                log.WriteLine(string.Create(inv, $"bench video: {name}, smoothing {(smoothing ? "on" : "off")}: change {figures.OutputChange:F4} (input {figures.InputChange:F4}), gain jitter {figures.GainJitter:F5}; {result.FramesWritten / result.Elapsed.TotalSeconds:F2} fps"));
            }
        }
        return (rows, fast!);
    }

    /// <summary>Full-quality throughput on a cut of the clip, and the naive baseline as installed and with huge pages.</summary>
    private static (PipelineRun Full, int BaselineFrames, double AsInstalled, double HugePages) Throughput(Settings settings, EnhancerSession session, string clip,
        string scratch, TextWriter log, CancellationToken cancellation)
    {
        int fullFrames = settings.Quick ? 6 : 30;
        string cut = Path.Combine(scratch, "cut.mp4");
        BenchProcess.Ffmpeg("-v", "error", "-y", "-i", clip, "-frames:v", fullFrames.ToString(CultureInfo.InvariantCulture), "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "copy", cut);
        var cutInfo = VideoProbe.Probe(cut);
        MemoryProbe.ResetPeak();
        var full = new VideoEnhancer(session, VideoEnhanceOptions.Default with { Quality = EnhanceQuality.Full })
            .EnhanceAsync(cutInfo, Path.Combine(scratch, "full.mp4"), Path.Combine(scratch, "full.mp4"), null, CancellationToken.None).GetAwaiter().GetResult();
        double fullPeak = MemoryProbe.PeakMiB();

        int baselineFrames = settings.Quick ? 2 : 4;
        var baseline = new PyTorchVideoBaseline(settings.Root, settings.Python, settings.Checkpoint, settings.Threads);
        double asInstalled = baseline.FramesPerSecond(clip, Path.Combine(scratch, "baseline.mp4"), baselineFrames, hugePages: false, cancellation);
        double hugePages = baseline.FramesPerSecond(clip, Path.Combine(scratch, "baseline-huge.mp4"), baselineFrames, hugePages: true, cancellation);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench video: baseline {asInstalled:F3} fps as installed, {hugePages:F3} fps with huge pages; full {full.FramesWritten / full.Elapsed.TotalSeconds:F3} fps"));
        return (new PipelineRun("ClipLit full", full, fullPeak), baselineFrames, asInstalled, hugePages);
    }

    private static Still LoadRgba(string path)
    {
        using var image = StillImageReader.Read(path);
        var rgba = new byte[4 * image.Width * image.Height];
        image.CopyPixelsTo(rgba);
        return new Still(rgba, image.Width, image.Height);
    }

    private static List<Still> ClipFrames(string clip)
    {
        var info = VideoProbe.Probe(clip);
        var frames = new List<Still>();
        var reader = new VideoFrameReader(info);
        try
        {
            var buffer = new byte[info.FrameBytes];
            for (int index = 0; index <= ClipSampleFrames.Max(); index++)
            {
                if (!reader.ReadAsync(buffer, CancellationToken.None).AsTask().GetAwaiter().GetResult().HasFrame) break;
                if (ClipSampleFrames.Contains(index)) frames.Add(new Still((byte[])buffer.Clone(), info.Width, info.Height));
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return frames;
    }
}
