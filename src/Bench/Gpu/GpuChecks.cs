using ClipLit.Core.Imaging;
using ClipLit.Engine;
using ClipLit.Engine.Gpu;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;
using ClipLit.VideoIO.Video;

namespace ClipLit.Bench.Gpu;

/// <summary>
/// A check of the GPU proof failed: the message says which and by how much.
/// Thread-safety: immutable.
/// </summary>
public sealed class GpuCheckFailure(string message) : Exception(message);

/// <summary>
/// What proves the zero-copy path right before it is timed: the network's tensors under test
/// (CUDA-imported) against a reference (the CPU path), at the proof's frame size, full quality:
/// <list type="bullet">
/// <item>the light map alone (what CUDA computes from what Vulkan wrote, read back through Vulkan);</item>
/// <item>a whole frame (pre-process, network, compose);</item>
/// <item>a stale frame: two photos in turn through one slot, the second compared with its own
/// reference and with itself composed over the first one's light map, which a missing
/// synchronization between CUDA's writes and compose's reads would show;</item>
/// <item>the frame engine: a run of alternating photos with several frames in flight, every frame
/// against the reference engine's.</item>
/// </list>
/// Each returns its figure and throws <see cref="GpuCheckFailure"/> below <see cref="MinimumPsnr"/>.
/// Thread-safety: not thread-safe; one check at a time.
/// </summary>
public sealed class GpuChecks(VkComputeDevice device, int width, int height)
{
    /// <summary>What the CUDA path must reach against the CPU path: far below one 8-bit level's error.</summary>
    public const double MinimumPsnr = 60;

    /// <summary>How much worse a stale frame must score than the right one for the stale check to see it.</summary>
    private const double StaleMargin = 10;

    private readonly FrameLayout _layout = FrameLayout.For(width, height, EnhanceQuality.Full);

    /// <summary>PSNR (dB, peak: the reference's largest value, as a light map is not in [0, 1]) of the light maps of one frame.</summary>
    public double LightMap(IEnhancerTensors tested, IEnhancerTensors reference, byte[] frame, string what)
    {
        var actual = RunOnce(tested, frame).LightMap;
        var expected = RunOnce(reference, frame).LightMap;
        double psnr = FrameMetrics.Psnr(actual, expected, expected.Max());
        Require(psnr, what);
        return psnr;
    }

    /// <summary>PSNR (dB) of one enhanced frame through <paramref name="tested"/> against <paramref name="reference"/>; the frame itself is returned too.</summary>
    public (double Psnr, byte[] Output) Frame(IEnhancerTensors tested, IEnhancerTensors reference, byte[] frame, string what)
    {
        var actual = RunOnce(tested, frame).Output;
        double psnr = FrameMetrics.Psnr(actual, RunOnce(reference, frame).Output);
        Require(psnr, what);
        return (psnr, actual);
    }

    /// <summary>
    /// <paramref name="first"/> then <paramref name="second"/> through one slot of <paramref name="tested"/>:
    /// the second frame's PSNR against its reference and against itself over the first one's light
    /// map (the stale frame). Fails when the frame is off, or when the two photos are too alike for
    /// a stale light map to show.
    /// </summary>
    public (double Right, double Stale) StaleFrame(IEnhancerTensors tested, IEnhancerTensors reference, byte[] first, byte[] second)
    {
        byte[] actual;
        using (var renderer = new FrameRenderer(device, _layout, 1, tested))
        {
            Enhance(renderer, tested, first, runNetwork: true);
            actual = Enhance(renderer, tested, second, runNetwork: true).Output;
        }
        var right = RunOnce(reference, second).Output;
        byte[] stale;
        using (var renderer = new FrameRenderer(device, _layout, 1, reference))
        {
            Enhance(renderer, reference, first, runNetwork: true);
            stale = Enhance(renderer, reference, second, runNetwork: false).Output;
        }
        double separation = FrameMetrics.Psnr(right, stale);
        if (!(separation <= MinimumPsnr - StaleMargin))
            throw new GpuCheckFailure(Format($"the stale-frame check cannot tell the frames apart: the stale frame is {separation:F1} dB from the right one"));
        double toRight = FrameMetrics.Psnr(actual, right), toStale = FrameMetrics.Psnr(actual, stale);
        Require(toRight, "the second of two frames through one slot");
        if (!(toStale <= toRight - StaleMargin))
            throw new GpuCheckFailure(Format($"the second of two frames through one slot is stale: {toStale:F1} dB to the first frame's light map, {toRight:F1} dB to its own"));
        return (toRight, toStale);
    }

    /// <summary>
    /// <paramref name="count"/> frames cycling through <paramref name="frames"/> through the frame
    /// engine (several frames in flight, temporal smoothing and cut detection on) on both tensors:
    /// the lowest PSNR of any frame against the reference run's same frame.
    /// </summary>
    public double Engine(IEnhancerTensors tested, IEnhancerTensors reference, IReadOnlyList<byte[]> frames, int count)
    {
        var actual = EngineFrames(tested, frames, count);
        var expected = EngineFrames(reference, frames, count);
        if (actual.Count != count || expected.Count != count)
            throw new GpuCheckFailure($"the frame engine gave {actual.Count} and {expected.Count} frames of {count}");
        double lowest = double.PositiveInfinity;
        for (int i = 0; i < count; i++) lowest = Math.Min(lowest, FrameMetrics.Psnr(actual[i], expected[i]));
        Require(lowest, $"the frame engine's worst of {count} frames");
        return lowest;
    }

    private List<byte[]> EngineFrames(IEnhancerTensors tensors, IReadOnlyList<byte[]> frames, int count)
    {
        var outputs = new byte[count][];
        var enhancer = new VideoEnhancer(device, tensors, VideoEnhanceOptions.Default with { Quality = EnhanceQuality.Full });
        enhancer.EnhanceAsync(new RepeatingFrameSource(frames, width, height, count), new DiscardingFrameSink(), null, CancellationToken.None,
            (index, _, output) => outputs[index] = output.ToArray()).GetAwaiter().GetResult();
        return outputs.Where(frame => frame is not null).ToList();
    }

    private (byte[] Output, float[] LightMap) RunOnce(IEnhancerTensors tensors, byte[] frame)
    {
        using var renderer = new FrameRenderer(device, _layout, 1, tensors);
        return Enhance(renderer, tensors, frame, runNetwork: true);
    }

    /// <summary>One frame through the renderer's slot; without the network, compose uses the light map the slot already holds.</summary>
    private (byte[] Output, float[] LightMap) Enhance(FrameRenderer renderer, IEnhancerTensors tensors, byte[] frame, bool runNetwork)
    {
        var slot = renderer.Slots[0];
        frame.CopyTo(slot.InputBytes);
        renderer.PreProcess(slot);
        if (runNetwork) tensors.Estimate(slot.Network, slot.LightMap, _layout.NetworkWidth, _layout.NetworkHeight, CancellationToken.None);
        slot.TemporalWeight = 1f;
        renderer.Compose(slot);
        // Read back through Vulkan, wherever the light map lives (host-mapped or CUDA-imported device memory).
        var lightMap = VkStagingCopy.Download<float>(device, slot.LightMap, _layout.NetworkPixels);
        return (slot.OutputBytes.ToArray(), lightMap);
    }

    private static void Require(double psnr, string what)
    {
        if (!(psnr >= MinimumPsnr))
            throw new GpuCheckFailure(Format($"{what}: PSNR {psnr:F1} dB against the reference, below {MinimumPsnr} dB"));
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
