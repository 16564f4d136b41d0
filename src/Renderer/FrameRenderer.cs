using ClipLit.Renderer.Passes;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer;

/// <summary>
/// The frame engine's per-pixel side for one stream of same-size frames, over a fixed set of
/// <see cref="FrameSlot"/>s: the stages as compute shaders on the Vulkan device
/// (<see cref="VulkanFrameStages"/>) or as their CPU twins (<see cref="Cpu.CpuFrameStages"/>;
/// <see cref="Stages"/> says which).
/// <see cref="PreProcess"/>: the frame to the network's input (full size: unpack; fast: downscale)
/// and its luminance thumbnail (scene cuts).
/// <see cref="Compose"/>: the network's light map into the temporal average, then the division
/// into the enhanced frame (in fast quality, compose brings the light map up to full size per pixel,
/// within bounds found from the light map). The network's tensors live where the
/// <see cref="ITensorMemory"/> puts them; the shaders never read them on the host (the CPU twins
/// run only where they are in host memory).
/// Thread-safety: PreProcess may run on one thread while Compose runs on another (different slots);
/// Compose must be called in frame order, from one thread (it owns the temporal history).
/// Ownership: owns the stages and the slots; Dispose waits for and frees them
/// (safe twice; PreProcess and Compose throw ObjectDisposedException afterwards).
/// </summary>
public sealed class FrameRenderer : IDisposable
{
    /// <summary>
    /// Guided filter window radius at the network's size (pixels). 2 (5x5 windows) scored best on the
    /// shared 720p clip at the default fast size among radii 1-2 and epsilons 1e-4-1e-2, over the whole
    /// frame and near edges; the benchmark's fast-against-full table shows the result.
    /// </summary>
    public const int GuidedRadius = 2;

    /// <summary>Guided filter regularization: larger values smooth more, smaller follow edges more.</summary>
    public const float GuidedEpsilon = 1e-4f;

    /// <summary>
    /// Radius of the neighbourhood of the new light map whose min/max a reprojected average is
    /// clamped to: 1 (3x3) kept the shared pan clip 0.2 dB nearer the paper than 2 at the same
    /// stability (docs/benchmarks.md, "Light maps that follow motion").
    /// </summary>
    public const int ReprojectRadius = 1;

    private readonly List<FrameSlot> _slots = [];
    private readonly IFrameStages _stages = null!;
    private NoiseModel _noise;
    private int _framesSinceNoiseEstimate = NoiseEstimateInterval; // the first frame composed estimates
    private bool _denoiseHistoryKept; // the last frame composed was denoised, of the same picture, by the same amount
    private int _lastComposedFrame = -1;
    private bool _disposed;

    /// <param name="device">The Vulkan device (created to share memory when <paramref name="tensors"/> is the CUDA path's).</param>
    /// <param name="layout">The frames' and the network's sizes.</param>
    /// <param name="slotCount">Frames in flight.</param>
    /// <param name="tensors">Where the slots' network input and light map live; null: host-mapped memory.</param>
    /// <param name="stages">
    /// Where the stages run: the shaders, their CPU twins, or auto (<see cref="FrameStagesChoice"/>:
    /// the twins on a CPU Vulkan device with host tensors, unless <see cref="FrameStagesChoice.Variable"/> says otherwise).
    /// </param>
    /// <exception cref="ArgumentException">The CPU twins were asked for with tensors in device memory, or the variable holds nonsense.</exception>
    public FrameRenderer(VkComputeDevice device, FrameLayout layout, int slotCount, ITensorMemory? tensors = null, FrameStages stages = FrameStages.Vulkan)
    {
        Layout = layout;
        try
        {
            for (int i = 0; i < slotCount; i++) _slots.Add(new FrameSlot(device, layout, i, tensors ?? HostTensorMemory.Instance));
            if (stages == FrameStages.Auto)
            {
                bool onHost = _slots.TrueForAll(slot => slot.Network is VkHostBuffer && slot.LightMap is VkHostBuffer);
                stages = FrameStagesChoice.Resolve(FrameStagesChoice.Requested(), device.IsCpu, onHost);
            }
            _stages = stages == FrameStages.Cpu ? new Cpu.CpuFrameStages(layout, _slots) : new VulkanFrameStages(device, layout, _slots);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Where this renderer's stages run (never <see cref="FrameStages.Auto"/>).</summary>
    public FrameStages Stages => _stages.Kind;

    public FrameLayout Layout { get; }

    public IReadOnlyList<FrameSlot> Slots => _slots;

    /// <summary>
    /// Split view (before|after) for the live window: columns left of this one show the input as it
    /// is, with a white divider; 0 (the default) shows the enhanced frame everywhere. 8-bit frames only.
    /// </summary>
    public int SplitColumn
    {
        get;
        set => field = Math.Clamp(value, 0, Layout.Width);
    }

    /// <summary>
    /// How strongly the light map corrects (<see cref="CorrectionStrength"/>): 1 (the default) is the
    /// paper's output, 0 the input, up to <see cref="CorrectionStrength.Max"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not from 0 to <see cref="CorrectionStrength.Max"/>.</exception>
    public float Strength
    {
        get;
        set => field = CorrectionStrength.IsValid(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, $"a strength is from 0 to {CorrectionStrength.Max}");
    } = CorrectionStrength.Paper;

    /// <summary>
    /// The gain-aware denoise (<see cref="GainAwareDenoise"/>): 0 (the default) off; else each frame's
    /// noise is estimated from the frame (<see cref="NoiseLevel"/>) and multiplied by this amount
    /// (1: as estimated, up to <see cref="GainAwareDenoise.MaxAmount"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not from 0 to <see cref="GainAwareDenoise.MaxAmount"/>.</exception>
    public float Denoise
    {
        get;
        set
        {
            if (value is not (>= 0f and <= GainAwareDenoise.MaxAmount))
                throw new ArgumentOutOfRangeException(nameof(value), value, $"a denoise amount is from 0 to {GainAwareDenoise.MaxAmount}");
            // The history was denoised by the old amount: the next frame starts afresh.
            if (value != field) _denoiseHistoryKept = false;
            field = value;
        }
    }

    /// <summary>The noise the last composed frame was denoised against (its estimate scaled by <see cref="Denoise"/>); none when off.</summary>
    public NoiseModel LastNoise => Denoise > 0f ? _noise.Times(Denoise) : NoiseModel.None;

    /// <summary>
    /// A video's noise changes slowly: it is estimated on every 8th frame composed (about 1 ms for 720p
    /// each time), and on the next one after <see cref="NewPicture"/> (a new photo, a scene cut).
    /// </summary>
    public const int NoiseEstimateInterval = 8;

    /// <summary>
    /// The next frame composed is another picture (a photo, a new scene): its noise is estimated
    /// afresh and the denoise takes nothing from the frames before it.
    /// </summary>
    public void NewPicture()
    {
        _framesSinceNoiseEstimate = NoiseEstimateInterval;
        _denoiseHistoryKept = false;
    }

    /// <summary>
    /// Runs the pre-process on the slot's input: afterwards <see cref="FrameSlot.Network"/> holds the
    /// network's input and <see cref="FrameSlot.Thumbnail"/> its luminance thumbnail.
    /// </summary>
    public void PreProcess(FrameSlot slot)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _stages.PreProcess(slot);
    }

    /// <summary>
    /// Records the pre-process into <paramref name="recorder"/> (between its Begin and Submit, e.g.
    /// ahead of the same frame's compose in one submission), ending with a barrier: once that
    /// submission is done, the slot holds what <see cref="PreProcess"/> leaves. The CPU twins run it
    /// at once instead, so whatever is recorded after it sees its result all the same.
    /// </summary>
    public void RecordPreProcess(VkCommandRecorder recorder, FrameSlot slot)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _stages.RecordPreProcess(recorder, slot);
    }

    /// <summary>
    /// Blends the slot's light map into the temporal average (weight <see cref="FrameSlot.TemporalWeight"/>; 0 keeps the average as it is;
    /// with <see cref="FrameSlot.HasMotion"/> the average first follows the frame's motion, <see cref="ReprojectPass"/>, every frame,
    /// and a map of an earlier frame (<see cref="FrameSlot.HasMapMotion"/>) is fetched where its frame's content is now),
    /// brings it to full size and divides: afterwards <see cref="FrameSlot.OutputBytes"/> holds the enhanced frame.
    /// With <see cref="Denoise"/> on, the denoise takes the previous frame's denoised input as its
    /// history when <see cref="FrameSlot.FrameIndex"/> follows the last frame composed here (the
    /// same index again: that frame's own, as it was); set it for every new frame.
    /// </summary>
    /// <param name="slot">The frame.</param>
    /// <param name="first">
    /// Commands that go to the GPU in the same submission, ahead of the compose passes (each ends
    /// with a barrier): e.g. the live view's hand-over copies to and from its network worker, so a
    /// frame takes one submission and one wait here, not one per copy.
    /// </param>
    public void Compose(FrameSlot slot, RecordCommands? first = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // The input is in host-visible memory in every residence: the estimate reads it there.
        if (Denoise > 0f && ++_framesSinceNoiseEstimate >= NoiseEstimateInterval)
        {
            _noise = NoiseLevel.Estimate(slot.Input.AsSpan<uint>()[..(Layout.FrameBytes / sizeof(uint))], Layout.Width, Layout.Height, Layout.BitsPerChannel);
            _framesSinceNoiseEstimate = 0;
        }
        var noise = LastNoise;
        // The same frame composed again (the live view paused, a cut's frame refined) shows the
        // denoised input it had, kept in the history; the next frame blends with the frame before.
        // After a gap (frames composed elsewhere or skipped) the history is too old to follow.
        var temporal = !_denoiseHistoryKept || noise.IsNone ? TemporalDenoise.None
            : slot.FrameIndex == _lastComposedFrame ? TemporalDenoise.Repeat
            : slot.FrameIndex == _lastComposedFrame + 1 ? TemporalDenoise.Blend
            : TemporalDenoise.None;
        _stages.Compose(slot, first, new ComposeSettings(SplitColumn, Strength, noise, temporal));
        // The denoise wrote its history (this frame's denoised input) if it ran; frames without it leave none.
        _denoiseHistoryKept = !noise.IsNone;
        _lastComposedFrame = slot.FrameIndex;
    }

    /// <summary>Runs <paramref name="commands"/> on the slot's compose recorder alone (a frame that is not composed this time), and waits for them.</summary>
    public void Run(FrameSlot slot, RecordCommands commands)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        slot.PostRecorder.RunNow(commands);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // The slots first: their recorders wait for the last submissions, which use the stages' buffers.
        foreach (var slot in _slots) slot.Dispose();
        _stages?.Dispose();
    }
}
