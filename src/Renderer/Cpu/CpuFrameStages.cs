using ClipLit.Renderer.Passes;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Cpu;

/// <summary>
/// A frame's stages as the shaders' CPU twins, over a renderer's slots in host memory: each stage
/// in a file named after its shader (DownscaleCpu for downscale.comp, ...). Commands recorded for
/// the compose's submission (the live view's hand-over copies) still go to the Vulkan queue, in one
/// submission ahead of the twins.
/// Thread-safety: as <see cref="FrameRenderer"/>.
/// Ownership: owns the light map's history, the denoise's and the guided filter's planes (managed memory).
/// </summary>
internal sealed class CpuFrameStages : IFrameStages
{
    private readonly FrameLayout _layout;
    private readonly float[] _history;
    private readonly float[] _blended;
    private readonly GuidedCoefficientsCpu? _guided;
    private readonly float[]? _coefficients;
    private readonly float[]? _meanCoefficients;
    private readonly BoxMeanCpu? _boxMean;
    private readonly ComposeCpu _compose;
    private uint[] _lastDenoised; // the denoise's history: the last frame's denoised input
    private uint[] _nextDenoised; // this frame's, written by the compose
    private bool _coefficientsCurrent;
    private bool _disposed;

    public CpuFrameStages(FrameLayout layout, IReadOnlyList<FrameSlot> slots)
    {
        foreach (var slot in slots)
            if (slot.Network is not VkHostBuffer || slot.LightMap is not VkHostBuffer)
                throw new ArgumentException($"the CPU frame stages need the network's tensors in host memory; slot {slot.SlotIndex}'s are in device memory");
        _layout = layout;
        int n = layout.NetworkPixels;
        _history = new float[n];
        _blended = new float[n];
        if (layout.IsDownscaled && layout.Upsample == UpsampleMode.EdgeAware)
        {
            _guided = new GuidedCoefficientsCpu(layout.NetworkWidth, layout.NetworkHeight, FrameRenderer.GuidedRadius);
            _boxMean = new BoxMeanCpu(layout.NetworkWidth, layout.NetworkHeight, FrameRenderer.GuidedRadius);
            _coefficients = new float[2 * n];
            _meanCoefficients = new float[2 * n];
        }
        _compose = new ComposeCpu(layout);
        // 16 bits a channel (compose.comp); two, as the shader's two halves: motion fetches from the last.
        _lastDenoised = new uint[2 * layout.Pixels];
        _nextDenoised = new uint[2 * layout.Pixels];
    }

    public FrameStages Kind => FrameStages.Cpu;

    private int FrameWords => _layout.FrameBytes / sizeof(uint);

    public void PreProcess(FrameSlot slot)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var layout = _layout;
        var frame = slot.Input.AsMemory<uint>(FrameWords);
        var network = Host(slot.Network).AsMemory<float>(layout.NetworkPlanes * layout.NetworkPixels);
        if (layout.IsDownscaled) DownscaleCpu.Run(frame, layout, network);
        else UnpackCpu.Run(frame, layout, network);
        ThumbnailCpu.Run(network.Span, layout.NetworkWidth, layout.NetworkHeight, slot.ThumbnailBuffer.AsSpan<float>());
    }

    public void RecordPreProcess(VkCommandRecorder recorder, FrameSlot slot) => PreProcess(slot);

    public void Compose(FrameSlot slot, RecordCommands? first, ComposeSettings settings)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (first is not null) slot.PostRecorder.RunNow(first);
        var layout = _layout;
        int n = layout.NetworkPixels;
        var light = Host(slot.LightMap).AsMemory<float>(n);
        var steps = ComposeSteps.For(slot, _guided is not null, _coefficientsCurrent);
        if (steps.Reproject)
        {
            int field = 2 * layout.MotionWidth * layout.MotionHeight;
            ReprojectCpu.Run(light, _history, slot.MotionBuffer.AsMemory<float>(field), slot.MapMotionBuffer.AsMemory<float>(field), slot.HasMapMotion,
                _blended, new ReprojectCpu.Sizes(layout.NetworkWidth, layout.NetworkHeight, layout.MotionWidth, layout.MotionHeight),
                slot.TemporalWeight, FrameRenderer.ReprojectRadius);
            _blended.CopyTo(_history, 0);
        }
        else if (steps.Blend)
        {
            TemporalCpu.Run(light.Span, _history, slot.TemporalWeight);
        }
        var planes = _history;
        var (lo, hi) = (0f, 0f);
        if (layout.IsDownscaled)
        {
            // The upsampled light map's bounds, from the slot's (newest) light map.
            (lo, hi) = LightRangeCpu.Run(light.Span);
            if (_guided is not null)
            {
                if (steps.Guide)
                {
                    var network = Host(slot.Network).AsSpan<float>()[..(layout.NetworkPlanes * n)];
                    _guided.Run(network, _history, FrameRenderer.GuidedEpsilon, _coefficients);
                    _boxMean!.Run(_coefficients, 2, _meanCoefficients);
                    _coefficientsCurrent = true;
                }
                planes = _meanCoefficients!;
            }
        }
        var output = slot.Output.AsMemory<uint>(FrameWords);
        _compose.Run(slot.Input.AsMemory<uint>(FrameWords), new ComposeCpu.Light(planes, _guided is not null, lo, hi, settings.Strength, settings.Noise,
            new ComposeCpu.DenoiseHistory(_lastDenoised, _nextDenoised, settings.TemporalDenoise,
                slot.MotionKnown && !slot.MotionIsStill ? slot.MotionBuffer.AsMemory<float>(2 * layout.MotionWidth * layout.MotionHeight) : ReadOnlyMemory<float>.Empty)), settings.SplitColumn, output);
        if (!settings.Noise.IsNone) (_lastDenoised, _nextDenoised) = (_nextDenoised, _lastDenoised); // what it wrote is the next frame's to read
    }

    private static VkHostBuffer Host(IVkStorageBuffer buffer) => (VkHostBuffer)buffer;

    public void Dispose() => _disposed = true;
}
