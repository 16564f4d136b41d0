using System.Diagnostics;
using System.Threading.Channels;
using ClipLit.Engine.Gpu;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;
using ClipLit.VideoIO.Video;

namespace ClipLit.Engine;

/// <summary>
/// How videos are enhanced.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Quality">Full (the paper's network at full size) or fast (downscaled network, upsampled light map).</param>
/// <param name="FastLongSide">Long side of the network's input in fast quality. Default 256.</param>
/// <param name="Upsample">Upsampler in fast quality. Default edge-aware.</param>
/// <param name="Temporal">Light-map smoothing over time and scene-cut detection (default: each frame's own map, <see cref="FramePlan.DefaultSmoothing"/>).</param>
/// <param name="FramesInFlight">Frames the pipeline holds at once (memory is this many frames' buffers). Default 3.</param>
/// <param name="Encode">Codec choices.</param>
/// <remarks>
/// <see cref="Stages"/>: where the per-pixel stages run (default auto: <see cref="FrameStagesChoice"/>).
/// <see cref="Strength"/>: how strongly the light map corrects (default the paper's output, <see cref="CorrectionStrength"/>).
/// </remarks>
public sealed record VideoEnhanceOptions(
    EnhanceQuality Quality,
    int FastLongSide,
    Renderer.Passes.UpsampleMode Upsample,
    TemporalOptions Temporal,
    int FramesInFlight,
    VideoEncodeOptions Encode)
{
    public static VideoEnhanceOptions Default { get; } = new(
        EnhanceQuality.Fast, FrameLayout.DefaultFastLongSide, Renderer.Passes.UpsampleMode.EdgeAware,
        TemporalOptions.For(FramePlan.DefaultSmoothing), 3, VideoEncodeOptions.Default);

    /// <summary>Where the per-pixel stages run: auto (the CPU twins on a CPU Vulkan device), the shaders or the twins.</summary>
    public FrameStages Stages { get; init; } = FrameStages.Auto;

    /// <summary>How strongly the light map corrects: 0 the input, 1 the paper's output (default), up to <see cref="CorrectionStrength.Max"/>.</summary>
    public float Strength { get; init; } = CorrectionStrength.Paper;

    /// <summary>The gain-aware denoise's amount (<see cref="FrameRenderer.Denoise"/>): 0 off (default), 1 as each frame's noise is estimated.</summary>
    public float Denoise { get; init; }
}

/// <summary>
/// A part of a video (a shard of a job): frames <paramref name="Start"/> up to <paramref name="End"/>
/// are written; decoding begins at <paramref name="DecodeFrom"/>, and the frames before
/// <paramref name="Start"/> only warm the temporal average up (and the scene-cut detector), so the
/// part's frames are those a run over the whole video gives.
/// Thread-safety: immutable.
/// </summary>
/// <param name="DecodeFrom">The first frame decoded (display order), at most <paramref name="Start"/>.</param>
/// <param name="Start">The first frame written.</param>
/// <param name="End">One past the last frame written.</param>
public sealed record FrameRange(int DecodeFrom, int Start, int End)
{
    /// <summary>
    /// Frames of warm-up before a part: the average's weight on what came before them is then
    /// (1 - weight)^frames: 0.7^30 ≈ 2e-5 for the plain average, 0.5^30 ≈ 1e-9 following motion, far
    /// below an 8-bit level (each frame's own map, the default, needs none).
    /// </summary>
    public const int DefaultWarmUp = 30;

    /// <summary>Frames written.</summary>
    public int Length => End - Start;

    /// <summary>Frames decoded only to warm up.</summary>
    public int WarmUp => Start - DecodeFrom;

    /// <summary>Frames <paramref name="start"/>..<paramref name="end"/> with <paramref name="warmUp"/> frames before them (fewer at the video's start).</summary>
    public static FrameRange WithWarmUp(int start, int end, int warmUp = DefaultWarmUp) => new(Math.Max(0, start - warmUp), start, end);
}

/// <summary>
/// Receives frame <paramref name="index"/>'s input and enhanced output, both RGBA8.
/// Thread-safety: invoked on the compose stage's thread (a thread-pool thread), one frame at a time, in order; the spans are valid during the call only.
/// </summary>
public delegate void FrameTap(int index, ReadOnlySpan<byte> input, ReadOnlySpan<byte> output);

/// <summary>
/// Progress of one video: frames done of total, frames per second so far.
/// Thread-safety: immutable.
/// </summary>
public readonly record struct VideoProgress(int FramesDone, int FrameCount, double FramesPerSecond);

/// <summary>
/// What happened to one video.
/// Thread-safety: immutable.
/// </summary>
/// <param name="FramesWritten">Frames encoded.</param>
/// <param name="DecodeProblem">Null when every frame decoded; else why some did not (the output then holds only the decodable part).</param>
/// <param name="Cuts">Frames where a scene cut restarted the temporal average.</param>
/// <param name="StageSeconds">Busy time per stage (decode, motion, pre-process, network, compose, encode).</param>
/// <param name="Elapsed">Wall time of the whole video.</param>
public sealed record VideoResult(int FramesWritten, string? DecodeProblem, IReadOnlyList<int> Cuts, IReadOnlyDictionary<string, double> StageSeconds, TimeSpan Elapsed)
{
    /// <summary>Where the per-pixel stages ran (the shaders or their CPU twins).</summary>
    public FrameStages Stages { get; init; } = FrameStages.Vulkan;
}

/// <summary>
/// Enhances a stream of frames: decode (an <see cref="IFrameSource"/>: ffmpeg for files) →
/// pre-process (Vulkan) → network (ONNX Runtime, in place on the slot's tensors, wherever the
/// <see cref="IEnhancerTensors"/> keep them: host-mapped, or device memory CUDA imports) → compose (Vulkan:
/// temporal average, upsampling, division) → encode (an <see cref="IFrameSink"/>: ffmpeg for files). The stages run concurrently, linked by bounded queues; a fixed set of frame slots
/// circulates, so memory does not grow with the video's length.
/// Thread-safety: one video at a time. Ownership: does not own the device, the session or the tensors.
/// </summary>
/// <param name="device">The Vulkan device.</param>
/// <param name="tensorsFor">The network's tensors for a network size (width, height).</param>
/// <param name="options">How videos are enhanced.</param>
/// <param name="model">The model, which decides the network's input size (a student runs at its own scale); null: the paper's network's rule.</param>
public sealed class VideoEnhancer(VkComputeDevice device, Func<int, int, IEnhancerTensors> tensorsFor, VideoEnhanceOptions options, Models.LightMapModel? model = null)
{
    /// <summary>Videos on a session's model, wherever its tensors are for each video's size.</summary>
    public VideoEnhancer(EnhancerSession session, VideoEnhanceOptions options)
        : this(session.Device, session.TensorsFor, options, session.Model)
    {
    }

    /// <summary>Videos on these tensors, whatever the size (benchmarks and tests compare placements this way).</summary>
    public VideoEnhancer(VkComputeDevice device, IEnhancerTensors tensors, VideoEnhanceOptions options, Models.LightMapModel? model = null)
        : this(device, (_, _) => tensors, options, model)
    {
    }

    /// <summary>Enhances <paramref name="source"/> into <paramref name="outputPath"/> (a temporary name; the caller renames it).</summary>
    /// <exception cref="VideoFileException">Encoding failed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the output is incomplete.</exception>
    /// <param name="source">The probed input.</param>
    /// <param name="outputPath">Where ffmpeg writes (a temporary name).</param>
    /// <param name="finalPath">The name the output will get (its extension picks the container and codec).</param>
    /// <param name="progress">Frames done, reported from the compose stage.</param>
    /// <param name="cancellation">Stops the run; the output is then incomplete.</param>
    /// <param name="frameTap">Called in the compose stage, in order, with each frame's index, input and output (RGBA8); for measurements.</param>
    /// <param name="range">Null: the whole video, with its audio, subtitles, metadata and chapters. A part: its frames alone
    /// (video only, original timestamps), for a job's join to put together.</param>
    public async Task<VideoResult> EnhanceAsync(VideoInfo source, string outputPath, string finalPath,
        IProgress<VideoProgress>? progress, CancellationToken cancellation, FrameTap? frameTap = null, FrameRange? range = null)
    {
        await using var reader = range is null ? new VideoFrameReader(source) : new VideoFrameReader(source, range.DecodeFrom, range.End);
        await using var writer = new VideoFrameWriter(source, outputPath, finalPath, options.Encode, copyStreams: range is null);
        return await EnhanceAsync(reader, writer, progress, cancellation, frameTap, range?.WarmUp ?? 0);
    }

    /// <summary>Enhances every frame of <paramref name="source"/> into <paramref name="sink"/>, completing the sink.</summary>
    /// <param name="source">The frames, in order (a file, later a camera or stream).</param>
    /// <param name="sink">Where enhanced frames go, in order.</param>
    /// <param name="progress">Frames done, reported from the compose stage.</param>
    /// <param name="cancellation">Stops the run; the sink's output is then incomplete.</param>
    /// <param name="frameTap">Called in the compose stage, in order, with each frame's index, input and output; for measurements.</param>
    /// <param name="warmUpFrames">The first frames only warm the temporal average up: composed, not written (a part of a video).</param>
    public async Task<VideoResult> EnhanceAsync(IFrameSource source, IFrameSink sink,
        IProgress<VideoProgress>? progress, CancellationToken cancellation, FrameTap? frameTap = null, int warmUpFrames = 0)
    {
        // The session's model gives the maps (the pipeline chose it by the plan: the serving student in fast quality); the plan lays its frames out.
        var layout = model is not null
            ? FramePlan.For(model, student: null, options).LayoutFor(source.Width, source.Height)
            : FrameLayout.For(source.Width, source.Height, options.Quality, options.FastLongSide, options.Upsample);
        var tensors = tensorsFor(layout.NetworkWidth, layout.NetworkHeight);
        tensors.Prepare(layout.NetworkWidth, layout.NetworkHeight);
        using var path = new FramePath(device, tensors, layout, Math.Max(2, options.FramesInFlight), options.Temporal, stages: options.Stages);
        path.Renderer.Strength = options.Strength;
        path.Renderer.Denoise = options.Denoise;

        var free = Channel.CreateUnbounded<FrameSlot>();
        foreach (var slot in path.Slots) free.Writer.TryWrite(slot);
        var decoded = Channel.CreateBounded<FrameSlot>(path.Slots.Count);
        var inferred = Channel.CreateBounded<FrameSlot>(path.Slots.Count);
        var stages = new StageClock();
        using var failure = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var token = failure.Token;
        var watch = Stopwatch.StartNew();
        int written = 0;
        string? decodeProblem = null;

        async Task Decode()
        {
            for (int index = 0; ; index++)
            {
                var slot = await free.Reader.ReadAsync(token);
                SourceFrame frame;
                using (stages.Measure("decode"))
                    frame = await source.ReadAsync(slot.InputBytes, token);
                if (!frame.HasFrame) break;
                slot.FrameIndex = index;
                slot.Timestamp = frame.Timestamp;
                // Here rather than beside the pre-process: decoding mostly waits on ffmpeg's pipe.
                if (path.TracksMotion)
                    using (stages.Measure("motion")) path.TrackMotion(slot);
                await decoded.Writer.WriteAsync(slot, token);
            }
            decodeProblem = await source.FinishAsync();
            decoded.Writer.TryComplete();
        }

        async Task Infer()
        {
            await foreach (var slot in decoded.Reader.ReadAllAsync(token))
            {
                using (stages.Measure("pre-process")) path.PreProcess(slot);
                using (stages.Measure("network")) path.Estimate(slot, token);
                await inferred.Writer.WriteAsync(slot, token);
            }
            inferred.Writer.TryComplete();
        }

        async Task ComposeAndEncode()
        {
            await foreach (var slot in inferred.Reader.ReadAllAsync(token))
            {
                using (stages.Measure("compose")) path.Compose(slot);
                if (slot.FrameIndex >= warmUpFrames)
                {
                    frameTap?.Invoke(slot.FrameIndex, slot.InputBytes.Span, slot.OutputBytes.Span);
                    using (stages.Measure("encode")) await sink.WriteAsync(slot.OutputBytes, slot.Timestamp, token);
                    written++;
                    progress?.Report(new VideoProgress(written, (source.FrameCount ?? 0) - warmUpFrames, written / watch.Elapsed.TotalSeconds));
                }
                free.Writer.TryWrite(slot);
            }
        }

        // Each stage on its own thread; the first failure stops the others.
        var tasks = new[] { Run(Decode), Run(Infer), Run(ComposeAndEncode) };
        try
        {
            await Task.WhenAll(tasks);
        }
        catch when (!cancellation.IsCancellationRequested)
        {
            await failure.CancelAsync();
            // Report the root cause rather than the cancellations it caused.
            var root = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault(e => e is not OperationCanceledException);
            if (root is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(root).Throw();
            throw;
        }
        await sink.CompleteAsync();
        return new VideoResult(written, decodeProblem, path.Cuts.ToList(), stages.Totals(), watch.Elapsed) { Stages = path.Renderer.Stages };

        Task Run(Func<Task> stage) => Task.Run(async () =>
        {
            try
            {
                await stage();
            }
            catch
            {
                await failure.CancelAsync();
                throw;
            }
        });
    }

    /// <summary>Accumulated busy time per stage.</summary>
    private sealed class StageClock
    {
        private readonly Dictionary<string, double> _seconds = new();

        public IDisposable Measure(string stage) => new Span(this, stage, Stopwatch.GetTimestamp());

        public IReadOnlyDictionary<string, double> Totals()
        {
            lock (_seconds) return new Dictionary<string, double>(_seconds);
        }

        private void Add(string stage, double seconds)
        {
            lock (_seconds) _seconds[stage] = _seconds.GetValueOrDefault(stage) + seconds;
        }

        private sealed class Span(StageClock clock, string stage, long started) : IDisposable
        {
            public void Dispose() => clock.Add(stage, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}
