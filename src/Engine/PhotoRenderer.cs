using System.Runtime.InteropServices;
using ClipLit.Engine.Gpu;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Engine;

/// <summary>
/// Enhances RGBA stills (8 or 16 bits per channel) through the frame path video frames take, with
/// no temporal average: upload into a frame slot, pre-process, network, compose. The path (its
/// pipelines and buffers) is kept while photos of the same size follow one another, and rebuilt
/// for a new size. Fast layouts let benchmarks compare fast quality with full on stills.
/// Thread-safety: one image at a time. Ownership: owns its frame path; not the device or the tensors.
/// </summary>
/// <param name="device">The Vulkan device.</param>
/// <param name="tensorsFor">The network's tensors for a network size (width, height).</param>
/// <param name="fullLayout">The layout of a full-quality still of a size (the model's; default: the network at full size).</param>
public sealed class PhotoRenderer(VkComputeDevice device, Func<int, int, IEnhancerTensors> tensorsFor, Func<int, int, FrameLayout>? fullLayout = null) : IDisposable
{
    private readonly Func<int, int, FrameLayout> _fullLayout = fullLayout ?? ((width, height) => FrameLayout.For(width, height, EnhanceQuality.Full));

    private FramePath? _path;
    private bool _disposed;

    /// <summary>Replaces <paramref name="rgba"/> (4·W·H bytes) with the enhanced image in full quality; alpha is kept.</summary>
    public void Enhance(Span<byte> rgba, int width, int height, CancellationToken cancellation) =>
        Enhance(rgba, _fullLayout(width, height), cancellation);

    /// <summary>Replaces <paramref name="rgba"/> (4·W·H 16-bit words) with the enhanced image in full quality, at 16-bit precision; alpha is kept.</summary>
    public void Enhance(Span<ushort> rgba, int width, int height, CancellationToken cancellation) =>
        Enhance(MemoryMarshal.AsBytes(rgba), _fullLayout(width, height) with { BitsPerChannel = 16 }, cancellation);

    /// <summary>
    /// Replaces <paramref name="rgba"/> (<see cref="FrameLayout.FrameBytes"/> bytes at the layout's bits per channel)
    /// with the image enhanced as <paramref name="layout"/> says (full or fast quality), corrected at
    /// <paramref name="strength"/> (<see cref="CorrectionStrength"/>; default the paper's output), the
    /// noise that brightening amplifies removed by <paramref name="denoise"/> (<see cref="FrameRenderer.Denoise"/>; default off).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="strength"/> or <paramref name="denoise"/> is out of its range.</exception>
    public void Enhance(Span<byte> rgba, FrameLayout layout, CancellationToken cancellation, float strength = CorrectionStrength.Paper, float denoise = 0f)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (rgba.Length != layout.FrameBytes)
            throw new ArgumentException($"{rgba.Length} bytes for a {layout.Width}x{layout.Height} frame of {layout.FrameBytes}", nameof(rgba));
        var path = PathFor(layout);
        path.Renderer.Strength = strength;
        path.Renderer.Denoise = denoise;
        path.Renderer.NewPicture(); // each photo its own noise
        var slot = path.Slots[0];
        rgba.CopyTo(slot.InputBytes.Span);
        path.Enhance(slot, cancellation);
        slot.OutputBytes.Span.CopyTo(rgba);
    }

    /// <summary>The noise the last photo was denoised against (none when the denoise is off).</summary>
    public NoiseModel LastNoise => _path?.Renderer.LastNoise ?? NoiseModel.None;

    /// <summary>The frame path for this layout: the last one when it matches (same size and tensors), else a new one.</summary>
    private FramePath PathFor(FrameLayout layout)
    {
        var tensors = tensorsFor(layout.NetworkWidth, layout.NetworkHeight);
        if (_path is { } kept && kept.Layout == layout && kept.Tensors == tensors) return kept;
        _path?.Dispose();
        _path = null;
        // No temporal average: every photo is weighted 1 and leaves nothing for the next.
        _path = new FramePath(device, tensors, layout, slotCount: 1, TemporalOptions.Off);
        return _path;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _path?.Dispose();
    }
}
