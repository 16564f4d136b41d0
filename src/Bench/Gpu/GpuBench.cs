using System.Diagnostics;
using ClipLit.Core.Files;
using ClipLit.Engine;
using ClipLit.Engine.Gpu;
using ClipLit.Engine.Models;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;
using ClipLit.VideoIO.Video;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipLit.Bench.Gpu;

/// <summary>
/// <c>cliplit bench gpu</c>, the proof of the NVIDIA path in one run (bench/gpu_check.sh runs it
/// after doctor): at 1080p, full quality, first the checks (<see cref="GpuChecks"/>: the CUDA light
/// map, a frame and a stale frame against the CPU path, the frame engine's every frame, TF32 off),
/// failing fast at the first one off; then the figures, zero-copy (the network's tensors in Vulkan
/// memory CUDA imports) against the round trip (host-mapped tensors, ONNX Runtime copying each
/// frame to the GPU and back) in the same run on the same GPU: the enhancer's milliseconds, the
/// frame engine's fps (frames from memory, output discarded), zero-copy with TF32 on, a
/// file-to-file run through ffmpeg (where ffmpeg is installed) and the copy nodes in ONNX Runtime's
/// profile. The frames are the shared backlit photos scaled to the frame size (ImageSharp), so only
/// the model and the photos must be there. With a proof folder, a zero-copy frame (PNG) is written there.
/// <para>Rehearsal (<see cref="Settings.Rehearse"/>): the same flow on a machine without CUDA, every
/// CUDA session replaced by the CPU path (the "zero-copy" tensors are a second, independent CPU
/// path), so the script, the checks' plumbing and the report are tried before GPU time is spent.</para>
/// Thread-safety: stateless; one benchmark at a time per process (peak memory is the process's).
/// </summary>
public static class GpuBench
{
    /// <param name="Shared">The shared data folder (its backlit photos become the frames; its clip the file-to-file run's input).</param>
    /// <param name="Checkpoint">The enhancement model.</param>
    /// <param name="Frames">Frames per measured engine run.</param>
    /// <param name="Width">Frame width (1920 for the proof).</param>
    /// <param name="Height">Frame height (1080 for the proof).</param>
    /// <param name="ProofFolder">Non-null: the zero-copy frame is written there as a PNG.</param>
    /// <param name="Rehearse">CUDA replaced by the CPU path throughout (see the class summary).</param>
    public sealed record Settings(string Shared, string Checkpoint, int Frames, int Width = 1920, int Height = 1080,
        string? ProofFolder = null, bool Rehearse = false);

    /// <summary>The tensors measured: the round trip, zero-copy with TF32 off (the default, faithful) and on.</summary>
    private sealed record Variants(IEnhancerTensors RoundTrip, IEnhancerTensors ZeroCopy, IEnhancerTensors ZeroCopyTf32);

    /// <summary>Checks, then measures; null, with an error line, when the zero-copy path is missing or a check fails.</summary>
    public static GpuBenchResult? Run(Settings settings, GpuProofLog log, CliContext context)
    {
        string scratch = Directory.CreateTempSubdirectory("cliplit-gpu-bench-").FullName;
        try
        {
            string? gpuName = null;
            if (settings.Rehearse) log.Step($"rehearsal: CUDA replaced by the CPU path throughout; the figures are not the GPU's");
            else
            {
                var readiness = GpuReadiness.Check();
                foreach (var component in readiness.Components) log.Step($"{(component.Ready ? "ok" : component.Required ? "MISSING" : "absent")}: {component.Name}: {component.Detail}");
                if (readiness.Residence != EnhancerResidence.CudaImported)
                {
                    context.Error.WriteLine($"error: bench gpu needs the zero-copy CUDA path: {readiness.FallbackReason} (cliplit doctor lists each link)");
                    return null;
                }
                gpuName = readiness.Components.FirstOrDefault(c => c.Name.StartsWith("CUDA device", StringComparison.Ordinal))?.Detail;
            }
            var model = ModelFile.Load(settings.Checkpoint);
            var frames = LoadFrames(Path.Combine(settings.Shared, "data", "backlit"), settings.Width, settings.Height);
            log.Step($"{frames.Count} backlit photos as {settings.Width}x{settings.Height} frames");

            var device = ExecutionDevice.Cuda;
            if (settings.Rehearse) device = ExecutionDevice.Cpu;
            // The session the app opens, profiled: its zero-copy tensors where the chain works, its host-mapped ones as the round trip.
            using var session = new EnhancerSession(model, EnhancerOptions.Default with { Device = device, ProfilePrefix = Path.Combine(scratch, "gpu-") },
                VkDeviceOptions.Default);
            var machine = MachineDescription.Detect(session.Device.Name, context.Cancellation);
            using var cpu = model.OpenEstimator(EnhancerOptions.Default with { Device = ExecutionDevice.Cpu });
            var cpuTensors = new HostMappedTensors(cpu);
            using var standIns = new StandIns(model, settings.Rehearse);
            var variants = OpenVariants(session, model, standIns, settings, scratch);
            log.Step($"zero-copy: {variants.ZeroCopy.Description}");
            if (variants.ZeroCopy is CudaImportedTensors cuda)
                log.Step($"CUDA provider options: {cuda.ProviderOptions}{(cuda.StreamProblem is { } problem ? $" ({problem})" : " (on ClipLit's stream)")}");

            // The checks first: a wrong path is not worth timing.
            var checks = new GpuChecks(session.Device, settings.Width, settings.Height);
            double lightMapPsnr = checks.LightMap(variants.ZeroCopy, cpuTensors, frames[0], "the zero-copy light map (TF32 off)");
            log.Step($"check: zero-copy light map against the CPU path: {lightMapPsnr:F1} dB");
            var (framePsnr, zeroCopyFrame) = checks.Frame(variants.ZeroCopy, cpuTensors, frames[0], "the zero-copy frame against the CPU path");
            log.Step($"check: zero-copy frame against the CPU path: {framePsnr:F1} dB");
            double roundTripPsnr = checks.Frame(variants.ZeroCopy, variants.RoundTrip, frames[0], "the zero-copy frame against the round trip").Psnr;
            log.Step($"check: zero-copy frame against the round trip: {roundTripPsnr:F1} dB");
            var stale = checks.StaleFrame(variants.ZeroCopy, cpuTensors, frames[0], frames[1 % frames.Count]);
            log.Step($"check: second frame through one slot: {stale.Right:F1} dB to its own light map, {stale.Stale:F1} dB to the first frame's (stale)");
            int engineFrames = 2 * frames.Count;
            double enginePsnr = checks.Engine(variants.ZeroCopy, cpuTensors, frames, engineFrames);
            log.Step($"check: frame engine, {engineFrames} frames in flight by threes: worst frame {enginePsnr:F1} dB against the CPU path's");
            double tf32LightMapPsnr = ReportedPsnr(() => checks.LightMap(variants.ZeroCopyTf32, cpuTensors, frames[0], "TF32 on"));
            log.Step($"TF32 on: light map {tf32LightMapPsnr:F1} dB against the CPU path (reported, not required)");
            if (settings.ProofFolder is { } folder)
            {
                string png = Path.Combine(folder, "zero-copy-frame.png");
                SavePng(zeroCopyFrame, settings.Width, settings.Height, png);
                log.Step($"wrote {png}");
            }

            var named = new (string Name, IEnhancerTensors Tensors)[] { ("round trip", variants.RoundTrip), ("zero-copy", variants.ZeroCopy), ("zero-copy, TF32 on", variants.ZeroCopyTf32) };
            var enhancerMs = new Dictionary<string, double>();
            foreach (var (name, tensors) in named)
            {
                enhancerMs[name] = EnhancerMilliseconds(session.Device, tensors, frames[0], settings.Width, settings.Height);
                log.Step($"{name}: enhancer {enhancerMs[name]:F2} ms per frame");
            }
            var runs = new List<GpuEngineRun>();
            foreach (var (name, tensors) in named)
            {
                Engine(session.Device, tensors, frames, settings.Width, settings.Height, 30); // warm-up: first-run planning, allocations
                var run = Engine(session.Device, tensors, frames, settings.Width, settings.Height, settings.Frames) with { Name = name };
                runs.Add(run);
                log.Step($"{name}: {run.FramesPerSecond:F1} fps, network {run.StageMilliseconds("network"):F2} ms per frame");
            }
            GpuEngineRun? fileRun = null;
            string? noFileRun = FfmpegTools.Problem();
            if (noFileRun is null)
            {
                try
                {
                    fileRun = FileToFile(session.Device, variants.ZeroCopy, Path.Combine(settings.Shared, "data", "video", "backlit_720p30.mp4"), scratch,
                        settings.Width, settings.Height, settings.Frames);
                    log.Step($"file to file (zero-copy): {fileRun.FramesPerSecond:F1} fps");
                }
                catch (Exception e) when (e is VideoFileException or InvalidOperationException or IOException)
                {
                    // A carried ffmpeg that does not start on that machine costs this figure, not the proof.
                    noFileRun = $"ffmpeg failed: {e.Message}";
                }
            }
            if (noFileRun is not null) log.Step($"no file-to-file run: {noFileRun}");
            string[] copyNodes = ["MemcpyFromHost", "MemcpyToHost"];
            var copies = named.ToDictionary(n => n.Name, n => OrtProfile.Runs(n.Tensors.EndProfiling(), copyNodes));

            var figures = new GpuCheckFigures(lightMapPsnr, framePsnr, roundTripPsnr, stale.Right, stale.Stale, engineFrames, enginePsnr, tf32LightMapPsnr);
            return new GpuBenchResult(machine, DateTime.UtcNow, settings.Rehearse, gpuName, settings.Width, settings.Height, frames.Count, settings.Frames,
                figures, enhancerMs, runs, copies, fileRun, noFileRun);
        }
        catch (GpuCheckFailure e)
        {
            context.Error.WriteLine($"error: bench gpu: {e.Message}");
            return null;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>The TF32 light map's PSNR whatever it is (it is reported, not required).</summary>
    private static double ReportedPsnr(Func<double> check)
    {
        try
        {
            return check();
        }
        catch (GpuCheckFailure)
        {
            return double.NaN;
        }
    }

    /// <summary>
    /// The three variants: on a GPU, the session's own tensors (zero-copy, TF32 at the model's
    /// default, off) and host-mapped ones, and a second zero-copy runner with TF32 on; in rehearsal,
    /// independent CPU paths in their places.
    /// </summary>
    private static Variants OpenVariants(EnhancerSession session, LightMapModel model, StandIns standIns, Settings settings, string scratch)
    {
        if (settings.Rehearse) return new Variants(session.HostTensors, standIns.ZeroCopy!, standIns.ZeroCopyTf32!);
        var zeroCopy = session.TensorsFor(settings.Width, settings.Height);
        if (zeroCopy.Residence != EnhancerResidence.CudaImported)
            throw new GpuCheckFailure($"zero-copy is not available at {settings.Width}x{settings.Height}: {session.FallbackReason}");
        standIns.ZeroCopyTf32 = model.OpenCudaTensors(session.Device, allowTf32: true, Path.Combine(scratch, "gpu-tf32-"));
        standIns.ZeroCopyTf32.Prepare(settings.Width, settings.Height);
        return new Variants(session.HostTensors, zeroCopy, standIns.ZeroCopyTf32);
    }

    /// <summary>What the bench opens beside the session's own tensors, disposed with it: the TF32 runner on a GPU; the CPU stand-ins in rehearsal.</summary>
    private sealed class StandIns : IDisposable
    {
        private readonly ILightMapEstimator? _zeroCopyCpu;
        private readonly ILightMapEstimator? _tf32Cpu;

        public StandIns(LightMapModel model, bool rehearse)
        {
            if (!rehearse) return;
            var options = EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, KeepMemoryBetweenImages = true };
            _zeroCopyCpu = model.OpenEstimator(options);
            _tf32Cpu = model.OpenEstimator(options);
            ZeroCopy = new HostMappedTensors(_zeroCopyCpu);
            ZeroCopyTf32 = new HostMappedTensors(_tf32Cpu);
        }

        public IEnhancerTensors? ZeroCopy { get; }

        public IEnhancerTensors? ZeroCopyTf32 { get; set; }

        public void Dispose()
        {
            if (ZeroCopyTf32 is CudaImportedTensors cuda) cuda.Dispose();
            _zeroCopyCpu?.Dispose();
            _tf32Cpu?.Dispose();
        }
    }

    /// <summary>The backlit photos, scaled to the frame size, as RGBA8.</summary>
    private static List<byte[]> LoadFrames(string folder, int width, int height)
    {
        var frames = PhotoFrames.Load(folder, width, height);
        if (frames.Count < 2) throw new GpuCheckFailure($"{folder}: the proof needs at least two photos to make frames from");
        return frames;
    }

    private static void SavePng(byte[] rgba, int width, int height, string path)
    {
        using var image = Image.LoadPixelData<Rgba32>(rgba, width, height);
        AtomicFile.Write(path, stream => image.SaveAsPng(stream));
    }

    /// <summary>Median milliseconds of the network alone on one pre-processed frame (after warm-up).</summary>
    private static double EnhancerMilliseconds(VkComputeDevice device, IEnhancerTensors tensors, byte[] frame, int width, int height)
    {
        var layout = FrameLayout.For(width, height, EnhanceQuality.Full);
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

    private static GpuEngineRun Engine(VkComputeDevice device, IEnhancerTensors tensors, IReadOnlyList<byte[]> frames, int width, int height, int count)
    {
        var enhancer = new VideoEnhancer(device, tensors, VideoEnhanceOptions.Default with { Quality = EnhanceQuality.Full });
        var sink = new DiscardingFrameSink();
        var result = enhancer.EnhanceAsync(new RepeatingFrameSource(frames, width, height, count), sink, null, CancellationToken.None).GetAwaiter().GetResult();
        return new GpuEngineRun("", sink.Frames, result.Elapsed.TotalSeconds, result.StageSeconds);
    }

    private static GpuEngineRun FileToFile(VkComputeDevice device, IEnhancerTensors tensors, string clip, string scratch, int width, int height, int count)
    {
        string input = Path.Combine(scratch, "input.mp4"), output = Path.Combine(scratch, "out.mp4");
        BenchProcess.Ffmpeg("-v", "error", "-y", "-stream_loop", "-1", "-i", clip, "-vf", string.Create(CultureInfo.InvariantCulture, $"scale={width}:{height}"), "-frames:v", count.ToString(CultureInfo.InvariantCulture), "-c:v", "libx264", "-preset", "ultrafast", "-an", input);
        var info = VideoProbe.Probe(input);
        var enhancer = new VideoEnhancer(device, tensors, VideoEnhanceOptions.Default with { Quality = EnhanceQuality.Full });
        var result = enhancer.EnhanceAsync(info, output, output, null, CancellationToken.None).GetAwaiter().GetResult();
        return new GpuEngineRun("zero-copy", result.FramesWritten, result.Elapsed.TotalSeconds, result.StageSeconds);
    }
}
