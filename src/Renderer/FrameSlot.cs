using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer;

/// <summary>
/// The buffers one frame in flight uses, all host-visible and mapped: the decoder writes
/// <see cref="InputBytes"/>, ONNX Runtime reads <see cref="NetworkInput"/> and writes
/// <see cref="NetworkLightMap"/> in place (the boundary the CUDA path will replace), the encoder
/// reads <see cref="OutputBytes"/>. A fixed number of slots circulate, so memory does not grow with
/// video length.
/// Thread-safety: one stage owns a slot at a time (the pipeline hands them over through queues).
/// Ownership: owned by its <see cref="FrameRenderer"/>, which disposes it.
/// </summary>
public sealed class FrameSlot : IDisposable
{
    internal FrameSlot(VkComputeDevice device, FrameLayout layout, int index)
    {
        Layout = layout;
        SlotIndex = index;
        Input = new VkHostBuffer(device, (ulong)layout.FrameBytes, $"slot {index} input");
        // Full quality: R, G, B planes. Fast: R, G, B and the guidance plane of the small frame.
        int planes = layout.IsDownscaled ? 4 : 3;
        Network = new VkHostBuffer(device, (ulong)(planes * layout.NetworkPixels) * sizeof(float), $"slot {index} network input");
        LightMap = new VkHostBuffer(device, (ulong)layout.NetworkPixels * sizeof(float), $"slot {index} light map");
        Output = new VkHostBuffer(device, (ulong)layout.FrameBytes, $"slot {index} output");
        PreRecorder = new VkCommandRecorder(device, $"slot {index} pre-process");
        PostRecorder = new VkCommandRecorder(device, $"slot {index} compose");
    }

    public FrameLayout Layout { get; }

    public int SlotIndex { get; }

    /// <summary>Index of the frame the slot carries now.</summary>
    public int FrameIndex { get; set; }

    /// <summary>Timestamp of the frame the slot carries now, in microseconds.</summary>
    public long Timestamp { get; set; }

    /// <summary>Weight of this frame's light map in the temporal average (1 restarts it: first frame or scene cut).</summary>
    public float TemporalWeight { get; set; } = 1f;

    /// <summary>The decoded frame, RGBA at the layout's bits per channel.</summary>
    public Memory<byte> InputBytes => Input.AsMemory<byte>(Layout.FrameBytes);

    /// <summary>The network's input: planar RGB at the network's size.</summary>
    public Memory<float> NetworkInput => Network.AsMemory<float>(3 * Layout.NetworkPixels);

    /// <summary>The network's output: the light map at the network's size.</summary>
    public Memory<float> NetworkLightMap => LightMap.AsMemory<float>(Layout.NetworkPixels);

    /// <summary>The enhanced frame, RGBA at the layout's bits per channel.</summary>
    public ReadOnlyMemory<byte> OutputBytes => Output.AsMemory<byte>(Layout.FrameBytes);

    internal VkHostBuffer Input { get; }

    internal VkHostBuffer Network { get; }

    internal VkHostBuffer LightMap { get; }

    internal VkHostBuffer Output { get; }

    internal VkCommandRecorder PreRecorder { get; }

    internal VkCommandRecorder PostRecorder { get; }

    public void Dispose()
    {
        PreRecorder.Dispose();
        PostRecorder.Dispose();
        Input.Dispose();
        Network.Dispose();
        LightMap.Dispose();
        Output.Dispose();
    }
}
