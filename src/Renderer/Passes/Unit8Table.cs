using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// The 256 values (float)(v / 255.0) in a device buffer: shaders convert 8-bit channels through
/// it so their results equal the paper's numpy conversion exactly (a shader division would not be
/// correctly rounded).
/// Thread-safety: immutable once constructed (written once here; shaders only read it).
/// Ownership: owns the buffer; Dispose frees it (safe twice).
/// </summary>
public sealed class Unit8Table : IDisposable
{
    public Unit8Table(VkComputeDevice device)
    {
        Buffer = new VkHostBuffer(device, 256 * sizeof(float), "unit8 table");
        var values = Buffer.AsSpan<float>();
        for (int v = 0; v < 256; v++) values[v] = (float)(v / 255.0);
    }

    public VkHostBuffer Buffer { get; }

    public void Dispose() => Buffer.Dispose();
}
