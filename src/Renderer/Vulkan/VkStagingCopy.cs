namespace ClipLit.Renderer.Vulkan;

/// <summary>
/// Host values into and out of a buffer the host cannot map (device-local, e.g. memory shared with
/// CUDA) through a temporary host-visible staging buffer and a copy on the queue. For set-up and
/// checks, not per frame: each call allocates its staging buffer and waits for the copy.
/// Thread-safety: any thread; each call has its own staging buffer and recorder (the device serializes the queue).
/// </summary>
public static class VkStagingCopy
{
    /// <summary>Writes <paramref name="values"/> to the start of <paramref name="target"/> and waits until the copy is done.</summary>
    public static void Upload<T>(VkComputeDevice device, IVkStorageBuffer target, ReadOnlySpan<T> values) where T : unmanaged
    {
        using var staging = new VkHostBuffer(device, target.Size, $"{target.Name} upload");
        values.CopyTo(staging.AsSpan<T>());
        Copy(device, staging, target);
    }

    /// <summary>Reads the first <paramref name="count"/> values of <paramref name="source"/>.</summary>
    public static T[] Download<T>(VkComputeDevice device, IVkStorageBuffer source, int count) where T : unmanaged
    {
        using var staging = new VkHostBuffer(device, source.Size, $"{source.Name} download");
        Copy(device, source, staging);
        return staging.AsSpan<T>()[..count].ToArray();
    }

    /// <summary>Copies one buffer into another on the queue (as much as both hold) and waits until it is done.</summary>
    public static void Copy(VkComputeDevice device, IVkStorageBuffer source, IVkStorageBuffer target)
    {
        using var recorder = new VkCommandRecorder(device, $"{source.Name} to {target.Name}");
        recorder.CopyNow(source, target, Math.Min(source.Size, target.Size));
    }
}
