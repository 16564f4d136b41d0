using ClipLit.Renderer.Passes;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer;

/// <summary>
/// The buffers one frame in flight uses: the decoder writes <see cref="InputBytes"/> and the
/// encoder reads <see cref="OutputBytes"/> (host-visible, mapped); the network reads
/// <see cref="Network"/> and writes <see cref="LightMap"/>, which live where the
/// <see cref="ITensorMemory"/> put them (mapped host memory on the CPU path, where
/// <see cref="NetworkInput"/> and <see cref="NetworkLightMap"/> reach them; device memory on the CUDA
/// path, where the host never touches them). The pre-process leaves a small luminance
/// <see cref="Thumbnail"/> in host memory for scene-cut detection. A fixed number of slots
/// circulate, so memory does not grow with video length.
/// Thread-safety: one stage owns a slot at a time (the pipeline hands them over through queues).
/// Ownership: owned by its <see cref="FrameRenderer"/>, which disposes it; owns its buffers (the
/// tensors' included) and recorders. Dispose frees them (safe twice; the buffers throw
/// ObjectDisposedException when used afterwards).
/// </summary>
public sealed class FrameSlot : IDisposable
{
    private bool _disposed;

    internal FrameSlot(VkComputeDevice device, FrameLayout layout, int index, ITensorMemory tensors)
    {
        Layout = layout;
        SlotIndex = index;
        try
        {
            Input = new VkHostBuffer(device, (ulong)layout.FrameBytes, $"slot {index} input");
            // Takes ownership of the tensor buffers the memory allocates (the caller of Allocate owns them).
            Network = tensors.Allocate(device, (ulong)(layout.NetworkPlanes * layout.NetworkPixels) * sizeof(float), $"slot {index} network input");
            LightMap = tensors.Allocate(device, (ulong)layout.NetworkPixels * sizeof(float), $"slot {index} light map");
            ThumbnailBuffer = new VkHostBuffer(device, ThumbnailPass.Columns * ThumbnailPass.Rows * sizeof(float), $"slot {index} thumbnail");
            Output = new VkHostBuffer(device, (ulong)layout.FrameBytes, $"slot {index} output");
            MotionBuffer = new VkHostBuffer(device, (ulong)(2 * layout.MotionWidth * layout.MotionHeight) * sizeof(float), $"slot {index} motion");
            MapMotionBuffer = new VkHostBuffer(device, (ulong)(2 * layout.MotionWidth * layout.MotionHeight) * sizeof(float), $"slot {index} light map motion");
            PreRecorder = new VkCommandRecorder(device, $"slot {index} pre-process");
            PostRecorder = new VkCommandRecorder(device, $"slot {index} compose");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public FrameLayout Layout { get; }

    public int SlotIndex { get; }

    /// <summary>Index of the frame the slot carries now.</summary>
    public int FrameIndex { get; set; }

    /// <summary>Timestamp of the frame the slot carries now, in microseconds.</summary>
    public long Timestamp { get; set; }

    /// <summary>Weight of this frame's light map in the temporal average (1 restarts it: first frame or scene cut).</summary>
    public float TemporalWeight { get; set; } = 1f;

    /// <summary>
    /// Whether <see cref="Motion"/> holds this frame's motion from the frame before: then the compose
    /// blends its light map into an average that follows the motion; otherwise into the average as it lies.
    /// </summary>
    public bool HasMotion { get; set; }

    /// <summary>
    /// Whether <see cref="Motion"/> holds this frame's motion from the frame composed before it,
    /// whoever asked for it to be tracked: the denoise's history follows it (the light map's average
    /// only where <see cref="HasMotion"/>); otherwise the history is taken where it lies.
    /// </summary>
    public bool MotionKnown { get; set; }

    /// <summary>
    /// Whether <see cref="Motion"/> moves nothing (a still camera): a frame without a new light map
    /// then leaves the average as it lies, as without motion (the cheap path).
    /// </summary>
    public bool MotionIsStill { get; set; }

    /// <summary>
    /// Where each pixel of this frame was in the previous one: (dx, dy) per pixel of a
    /// <see cref="FrameLayout.MotionWidth"/> x <see cref="FrameLayout.MotionHeight"/> field, in its pixels, row by row.
    /// </summary>
    public Span<float> Motion => MotionBuffer.AsSpan<float>()[..(2 * Layout.MotionWidth * Layout.MotionHeight)];

    /// <summary>
    /// Whether the slot's light map belongs to an earlier frame whose place is in <see cref="MapMotion"/>
    /// (the live view: a map finished frames after its frame was taken); then, with <see cref="HasMotion"/>,
    /// the map is fetched through it, lighting this frame where things are now.
    /// </summary>
    public bool HasMapMotion { get; set; }

    /// <summary>As <see cref="Motion"/>, from this frame back to the frame the slot's light map was computed on.</summary>
    public Span<float> MapMotion => MapMotionBuffer.AsSpan<float>()[..(2 * Layout.MotionWidth * Layout.MotionHeight)];

    /// <summary>The decoded frame, RGBA at the layout's bits per channel.</summary>
    public Memory<byte> InputBytes => Input.AsMemory<byte>(Layout.FrameBytes);

    /// <summary>The network's input, planar RGB at the network's size, where it lives in host memory.</summary>
    /// <exception cref="InvalidOperationException">The tensors live in device memory (the CUDA path).</exception>
    public Memory<float> NetworkInput => HostView(Network).AsMemory<float>(3 * Layout.NetworkPixels);

    /// <summary>The network's output, the light map at the network's size, where it lives in host memory.</summary>
    /// <exception cref="InvalidOperationException">The tensors live in device memory (the CUDA path).</exception>
    public Memory<float> NetworkLightMap => HostView(LightMap).AsMemory<float>(Layout.NetworkPixels);

    /// <summary>The network input's 32x18 luminance means (row by row), written by the pre-process.</summary>
    public ReadOnlySpan<float> Thumbnail => ThumbnailBuffer.AsSpan<float>();

    /// <summary>The enhanced frame, RGBA at the layout's bits per channel.</summary>
    public ReadOnlyMemory<byte> OutputBytes => Output.AsMemory<byte>(Layout.FrameBytes);

    /// <summary>The network's input (planar RGB; in fast quality also the guidance plane), from the slot's tensor memory.</summary>
    public IVkStorageBuffer Network { get; } = null!;

    /// <summary>The network's light map, from the slot's tensor memory.</summary>
    public IVkStorageBuffer LightMap { get; } = null!;

    internal VkHostBuffer Input { get; } = null!;

    internal VkHostBuffer ThumbnailBuffer { get; } = null!;

    internal VkHostBuffer Output { get; } = null!;

    internal VkHostBuffer MotionBuffer { get; } = null!;

    internal VkHostBuffer MapMotionBuffer { get; } = null!;

    internal VkCommandRecorder PreRecorder { get; } = null!;

    internal VkCommandRecorder PostRecorder { get; } = null!;

    private static VkHostBuffer HostView(IVkStorageBuffer buffer) =>
        buffer as VkHostBuffer ?? throw new InvalidOperationException($"{buffer.Name} lives in device memory; the host cannot read it");

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // The recorders first: they wait for the slot's last submissions, which use the buffers.
        PreRecorder?.Dispose();
        PostRecorder?.Dispose();
        Input?.Dispose();
        Network?.Dispose();
        LightMap?.Dispose();
        ThumbnailBuffer?.Dispose();
        Output?.Dispose();
        MotionBuffer?.Dispose();
        MapMotionBuffer?.Dispose();
    }
}
