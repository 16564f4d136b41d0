using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer;

/// <summary>
/// One implementation of a frame's stages over a renderer's slots: the shaders
/// (<see cref="Passes.VulkanFrameStages"/>) or their CPU twins (<see cref="Cpu.CpuFrameStages"/>).
/// Thread-safety: as <see cref="FrameRenderer"/> says (pre-process on one thread, compose in frame order on another).
/// Ownership: owns its passes and the light map's history; the slots are the renderer's.
/// </summary>
internal interface IFrameStages : IDisposable
{
    FrameStages Kind { get; }

    /// <summary>The slot's input to the network's input and its thumbnail, done on return.</summary>
    void PreProcess(FrameSlot slot);

    /// <summary>
    /// The pre-process as part of a submission being recorded: the shaders record it; the CPU twins
    /// run it at once, so whatever is recorded after it (a copy of the network's input) sees its result.
    /// </summary>
    void RecordPreProcess(VkCommandRecorder recorder, FrameSlot slot);

    /// <summary><paramref name="first"/> (commands ahead of the compose, e.g. hand-over copies), then the compose; done on return.</summary>
    void Compose(FrameSlot slot, RecordCommands? first, ComposeSettings settings);
}

/// <summary>
/// What the viewer chose for the compose: the split view's column (0: none), the correction's
/// strength, the noise the gain-aware denoise works against (0: off), and what the denoise's
/// history (the last frame's denoised input) is to this frame.
/// Thread-safety: a value.
/// </summary>
internal readonly record struct ComposeSettings(int SplitColumn, float Strength, NoiseModel Noise = default, TemporalDenoise TemporalDenoise = TemporalDenoise.None);

/// <summary>
/// What the denoise's history is to the frame composed (compose.comp's temporalDenoise).
/// Thread-safety: a value.
/// </summary>
internal enum TemporalDenoise : uint
{
    /// <summary>Of another picture or none: the frame is denoised on its own (and becomes the history).</summary>
    None = 0,

    /// <summary>Of the frame before: blended in where it fits, fetched through the frame's motion where it is known.</summary>
    Blend = 1,

    /// <summary>Of this very frame (composed again): its denoised input as it was.</summary>
    Repeat = 2,
}

/// <summary>
/// What a frame's compose runs, decided the same way for both implementations.
/// Reproject: the average follows the frame's motion (every frame with motion; a restart takes the
/// new map as it stands unless it belongs to an earlier frame). Blend: the plain moving average.
/// Guide: the guided filter's coefficients are recomputed (they depend only on the average and the
/// network-sized frame, so frames without a new light map or motion reuse them).
/// Thread-safety: a value.
/// </summary>
internal readonly record struct ComposeSteps(bool Reproject, bool Blend, bool Guide)
{
    public static ComposeSteps For(FrameSlot slot, bool edgeAware, bool coefficientsCurrent)
    {
        bool moves = slot.HasMotion && !slot.MotionIsStill;
        bool reproject = slot.HasMotion && (slot.TemporalWeight > 0f ? slot.TemporalWeight < 1f || slot.HasMapMotion : moves);
        bool guide = edgeAware && (slot.TemporalWeight > 0f || moves || !coefficientsCurrent);
        return new(reproject, !reproject && slot.TemporalWeight > 0f, guide);
    }
}
