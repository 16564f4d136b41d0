using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClipLit.Cli;
using ClipLit.Engine;
using ClipLit.Engine.Gpu;
using ClipLit.Engine.Models;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;
using ClipLit.VideoIO.Video;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ClipLit.Bench;

/// <summary>
/// <c>cliplit bench --gpu</c>: the NVIDIA path at 1080p, full quality, zero-copy (the network's
/// tensors in Vulkan memory CUDA imports) against the round trip (host-mapped tensors, ONNX Runtime
/// copying each frame to the GPU and back), in the same run on the same GPU: the enhancer's
/// milliseconds per frame, the frame engine's fps (frames from memory, output discarded, so neither
/// decoder nor encoder limits it), a file-to-file run through ffmpeg (where ffmpeg is installed),
/// the copy nodes in ONNX Runtime's profile, and whether the zero-copy frame is the CPU path's
/// (PSNR; the check the CUDA unit tests make, runnable where no .NET SDK is). The frames are the
/// shared backlit photos scaled to 1080p (ImageSharp), so only the model and photos must be there.
/// Replaces the gpu section of docs/benchmarks.md; exit status 1 when the zero-copy frame is off.
/// </summary>
public static class GpuBench
{
    private const int Width = 1920;
    private const int Height = 1080;
    private const double MinimumPsnr = 60;

    /// <param name="Shared">The shared data folder (its backlit photos become the frames; its clip the file-to-file run's input).</param>
    /// <param name="Checkpoint">The enhancement model.</param>
    /// <param name="Output">The report file.</param>
    /// <param name="Frames">Frames per measured engine run.</param>
    public sealed record Settings(string Shared, string Checkpoint, string Output, int Frames);

    private sealed record EngineRun(string Name, int Frames, double Seconds, IReadOnlyDictionary<string, double> StageSeconds)
    {
        public double FramesPerSecond => Frames / Seconds;

        public double StageMilliseconds(string stage) => StageSeconds.GetValueOrDefault(stage) * 1000 / Frames;
    }

    public static int Run(Settings settings, CliContext context)
    {
        var log = context.Error;
        var inv = CultureInfo.InvariantCulture;
        var readiness = GpuReadiness.Check();
        if (!readiness.NetworkOnCuda)
        {
            log.WriteLine($"error: bench --gpu needs ONNX Runtime's CUDA provider: {readiness.FallbackReason} (cliplit doctor lists each link)");
            return ExitCodes.SomeFailed;
        }
        var model = ModelFile.Load(settings.Checkpoint);
        string scratch = Directory.CreateTempSubdirectory("cliplit-gpu-bench-").FullName;
        try
        {
            string clip = Path.Combine(settings.Shared, "data", "video", "backlit_720p30.mp4");
            var frames = LoadFrames(Path.Combine(settings.Shared, "data", "backlit"));
            // The session the app opens, profiled: its zero-copy tensors where the chain works, its host-mapped ones as the round trip.
            using var session = new EnhancerSession(model, EnhancerOptions.Default with { Device = ExecutionDevice.Cuda, ProfilePrefix = Path.Combine(scratch, "gpu-") },
                VkDeviceOptions.Default);
            var device = session.Device;
            var chosen = session.TensorsFor(Width, Height);
            var zeroCopy = chosen.Residence == EnhancerResidence.CudaImported ? chosen : null;
            var roundTrip = session.HostTensors;
            var variants = new List<(string Name, IEnhancerTensors Tensors)> { ("round trip", roundTrip) };
            if (zeroCopy is not null) variants.Add(("zero-copy", zeroCopy));
            else log.WriteLine($"bench --gpu: zero-copy is not available: {session.FallbackReason}");

            double? psnr = null;
            if (zeroCopy is not null)
            {
                using var cpu = model.OpenEstimator(EnhancerOptions.Default with { Device = ExecutionDevice.Cpu });
                using var cpuTensors = new HostMappedTensors(cpu);
                psnr = FramePsnr(device, zeroCopy, cpuTensors, frames[0]);
                log.WriteLine(string.Create(inv, $"bench --gpu: zero-copy frame against the CPU path: PSNR {psnr:F1} dB"));
            }

            var enhancerMs = new Dictionary<string, double>();
            foreach (var (name, tensors) in variants)
            {
                enhancerMs[name] = EnhancerMilliseconds(device, tensors, frames[0]);
                log.WriteLine(string.Create(inv, $"bench --gpu: {name}: enhancer {enhancerMs[name]:F2} ms per 1080p frame"));
            }
            var runs = new List<EngineRun>();
            foreach (var (name, tensors) in variants)
            {
                Engine(device, tensors, frames, 30); // warm-up: first-run planning, allocations
                var run = Engine(device, tensors, frames, settings.Frames) with { Name = name };
                runs.Add(run);
                log.WriteLine(string.Create(inv, $"bench --gpu: {name}: {run.FramesPerSecond:F1} fps, network {run.StageMilliseconds("network"):F2} ms per frame"));
            }
            EngineRun? fileRun = null;
            if (FfmpegTools.Problem() is { } noFfmpeg) log.WriteLine($"bench --gpu: no file-to-file run: {noFfmpeg}");
            else
            {
                fileRun = FileToFile(device, zeroCopy ?? roundTrip, clip, scratch, settings.Frames);
                log.WriteLine(string.Create(inv, $"bench --gpu: file to file ({fileRun.Name}): {fileRun.FramesPerSecond:F1} fps"));
            }
            string[] copyNodes = ["MemcpyFromHost", "MemcpyToHost"];
            var copies = new Dictionary<string, int> { ["round trip"] = OrtProfile.Runs(roundTrip.EndProfiling(), copyNodes) };
            if (zeroCopy is not null) copies["zero-copy"] = OrtProfile.Runs(zeroCopy.EndProfiling(), copyNodes);

            var md = new StringBuilder();
            md.AppendLine("## NVIDIA GPU: zero-copy against the host round trip");
            md.AppendLine();
            md.AppendLine(inv, $"Generated by `./cliplit bench --gpu` on {DateTime.UtcNow:yyyy-MM-dd}: {readiness.Components.FirstOrDefault(c => c.Name.StartsWith("CUDA device", StringComparison.Ordinal))?.Detail ?? "CUDA device"}; ");
            md.AppendLine(inv, $"Vulkan: {device.Name}. The shared backlit photos scaled to {Width}x{Height}, full quality (the paper's network at full size), {frames.Count} distinct frames");
            md.AppendLine(inv, $"repeated to {settings.Frames} per run from memory, output discarded: the frame engine alone. Round trip: host-mapped tensors, ONNX");
            md.AppendLine("Runtime's CUDA provider copying each frame's input to the GPU and the light map back. Zero-copy: the tensors in Vulkan");
            md.AppendLine("device memory imported into CUDA. Copy nodes: MemcpyFromHost/MemcpyToHost nodes in ONNX Runtime's profile over the run.");
            if (zeroCopy is null) md.AppendLine().AppendLine(inv, $"Zero-copy was not available: {session.FallbackReason}");
            else md.AppendLine().AppendLine(inv, $"The zero-copy frame against the CPU path's (first photo): PSNR {psnr:F1} dB (required: at least {MinimumPsnr} dB).");
            md.AppendLine();
            md.AppendLine("| tensors | enhancer ms per frame (network alone) | engine fps | network stage ms | pre-process ms | compose ms | copy nodes |");
            md.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var run in runs)
                md.AppendLine(inv, $"| {run.Name} | {enhancerMs[run.Name]:F2} | {run.FramesPerSecond:F1} | {run.StageMilliseconds("network"):F2} | {run.StageMilliseconds("pre-process"):F2} | {run.StageMilliseconds("compose"):F2} | {copies.GetValueOrDefault(run.Name)} |");
            if (runs.Count == 2)
                md.AppendLine().AppendLine(inv, $"Zero-copy against round trip: {runs[1].FramesPerSecond / runs[0].FramesPerSecond:F2}x the fps (goal: at least 1.3x), {enhancerMs["round trip"] / enhancerMs["zero-copy"]:F2}x faster enhancer.");
            md.AppendLine().AppendLine(fileRun is null
                ? "File to file: not run (no ffmpeg on this machine)."
                : string.Create(inv, $"File to file ({fileRun.Name}, ffmpeg decoding the shared clip scaled to 1080p and encoding H.264): {fileRun.FramesPerSecond:F1} fps over {fileRun.Frames} frames (goal: at least 120 fps on an H100)."));
            ReportFile.WriteSection(settings.Output, "gpu", md.ToString());
            log.WriteLine($"bench --gpu: wrote {settings.Output}");
            if (psnr < MinimumPsnr)
            {
                log.WriteLine(string.Create(inv, $"error: the zero-copy frame differs from the CPU path's: PSNR {psnr:F1} dB < {MinimumPsnr} dB"));
                return ExitCodes.SomeFailed;
            }
            return ExitCodes.Success;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>The backlit photos, scaled to 1080p, as RGBA8.</summary>
    private static List<byte[]> LoadFrames(string folder)
    {
        var frames = new List<byte[]>();
        foreach (string photo in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
        {
            using var image = Image.Load<Rgba32>(photo);
            image.Mutate(x => x.Resize(Width, Height));
            var rgba = new byte[Width * Height * 4];
            image.CopyPixelDataTo(rgba);
            frames.Add(rgba);
        }
        if (frames.Count == 0) throw new InvalidOperationException($"{folder}: no photos to make frames from");
        return frames;
    }

    /// <summary>PSNR (dB) of one frame through <paramref name="tensors"/> against the same frame through <paramref name="reference"/>.</summary>
    private static double FramePsnr(VkComputeDevice device, IEnhancerTensors tensors, IEnhancerTensors reference, byte[] frame)
    {
        var layout = FrameLayout.For(Width, Height, EnhanceQuality.Full);
        byte[] Enhance(IEnhancerTensors through)
        {
            using var renderer = new FrameRenderer(device, layout, 1, through);
            var slot = renderer.Slots[0];
            frame.CopyTo(slot.InputBytes);
            renderer.PreProcess(slot);
            through.Estimate(slot.Network, slot.LightMap, layout.NetworkWidth, layout.NetworkHeight, CancellationToken.None);
            slot.TemporalWeight = 1f;
            renderer.Compose(slot);
            return slot.OutputBytes.ToArray();
        }
        var actual = Enhance(tensors);
        var expected = Enhance(reference);
        double squares = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (i % 4 == 3) continue; // alpha is copied
            double d = (actual[i] - expected[i]) / 255.0;
            squares += d * d;
        }
        double mse = squares / (actual.Length / 4 * 3);
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(1 / mse);
    }

    /// <summary>Median milliseconds of the network alone on one pre-processed 1080p frame (after warm-up).</summary>
    private static double EnhancerMilliseconds(VkComputeDevice device, IEnhancerTensors tensors, byte[] frame)
    {
        var layout = FrameLayout.For(Width, Height, EnhanceQuality.Full);
        using var renderer = new FrameRenderer(device, layout, 1, tensors);
        var slot = renderer.Slots[0];
        frame.CopyTo(slot.InputBytes);
        renderer.PreProcess(slot);
        var times = new List<double>();
        for (int i = 0; i < 13; i++)
        {
            long start = Stopwatch.GetTimestamp();
            tensors.Estimate(slot.Network, slot.LightMap, layout.NetworkWidth, layout.NetworkHeight, CancellationToken.None);
            if (i >= 3) times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static EngineRun Engine(VkComputeDevice device, IEnhancerTensors tensors, IReadOnlyList<byte[]> frames, int count)
    {
        var enhancer = new VideoEnhancer(device, tensors, VideoEnhanceOptions.Default with { Quality = EnhanceQuality.Full });
        var sink = new DiscardingFrameSink();
        var result = enhancer.EnhanceAsync(new RepeatingFrameSource(frames, Width, Height, count), sink, null, CancellationToken.None).GetAwaiter().GetResult();
        return new EngineRun("", sink.Frames, result.Elapsed.TotalSeconds, result.StageSeconds);
    }

    private static EngineRun FileToFile(VkComputeDevice device, IEnhancerTensors tensors, string clip, string scratch, int count)
    {
        string input = Path.Combine(scratch, "1080p.mp4"), output = Path.Combine(scratch, "out.mp4");
        FfmpegRun.Run($"-v error -y -stream_loop -1 -i \"{clip}\" -vf scale={Width}:{Height} -frames:v {count} -c:v libx264 -preset ultrafast -an \"{input}\"");
        var info = VideoProbe.Probe(input);
        var enhancer = new VideoEnhancer(device, tensors, VideoEnhanceOptions.Default with { Quality = EnhanceQuality.Full });
        var result = enhancer.EnhanceAsync(info, output, output, null, CancellationToken.None).GetAwaiter().GetResult();
        return new EngineRun(tensors.Residence == EnhancerResidence.CudaImported ? "zero-copy" : "round trip", result.FramesWritten, result.Elapsed.TotalSeconds, result.StageSeconds);
    }
}
