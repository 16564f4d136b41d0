using ClipLit.Core;
using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace ClipLit.Renderer.Vulkan;

/// <summary>
/// A storage buffer in host-visible, coherent memory, mapped for its whole life: the CPU (decoder,
/// encoder, ONNX Runtime) reads and writes it directly, shaders read and write it on the device.
/// On lavapipe this is ordinary host memory, so nothing is ever copied.
/// Thread-safety: the handle is immutable; synchronizing access to the contents is the caller's job
/// (fences between GPU work and CPU access). Ownership: owns the buffer and its memory; Dispose
/// unmaps and frees them (safe twice). Memory handed out by <see cref="AsMemory{T}"/> must not be
/// used after Dispose.
/// </summary>
public sealed unsafe class VkHostBuffer : IVkStorageBuffer, IDisposable
{
    private readonly VkComputeDevice _device;
    private readonly DeviceMemory _memory;
    private void* _mapped;

    public VkHostBuffer(VkComputeDevice device, ulong sizeBytes, string name)
    {
        _device = device;
        Size = Math.Max(sizeBytes, 4);
        Name = name;
        var vk = device.Vk;
        var buffer = device.CreateStorageBuffer(Size);
        Handle = buffer;
        try
        {
            vk.GetBufferMemoryRequirements(device.Device, buffer, out var requirements);
            uint type;
            try
            {
                // Cached host memory reads back fast; coherent memory needs no flushes.
                type = device.FindMemoryType(requirements.MemoryTypeBits,
                    MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit | MemoryPropertyFlags.HostCachedBit);
            }
            catch (VulkanException)
            {
                type = device.FindMemoryType(requirements.MemoryTypeBits, MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit);
            }
            var allocate = new MemoryAllocateInfo
            {
                SType = StructureType.MemoryAllocateInfo,
                AllocationSize = requirements.Size,
                MemoryTypeIndex = type,
            };
            vk.AllocateMemory(device.Device, &allocate, null, out _memory).Check();
            vk.BindBufferMemory(device.Device, buffer, _memory, 0).Check();
            void* mapped;
            vk.MapMemory(device.Device, _memory, 0, Size, 0, &mapped).Check();
            _mapped = mapped;
            device.SetName(ObjectType.Buffer, buffer.Handle, name);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public Buffer Handle { get; }

    public ulong Size { get; }

    public string Name { get; }

    /// <summary>Only this device and the host use the memory: no ownership transfers.</summary>
    public bool SharedExternally => false;

    /// <summary>The mapped contents as <typeparamref name="T"/> values.</summary>
    public Span<T> AsSpan<T>() where T : unmanaged => new(Mapped, checked((int)(Size / (ulong)sizeof(T))));

    /// <summary>The mapped contents as Memory (for APIs such as ONNX Runtime's tensors), first <paramref name="length"/> values.</summary>
    public Memory<T> AsMemory<T>(int length) where T : unmanaged
    {
        if ((ulong)length * (ulong)sizeof(T) > Size) throw new ArgumentOutOfRangeException(nameof(length), $"{Name} holds {Size} bytes");
        return new NativeMemoryManager<T>(Mapped, length).Memory;
    }

    private void* Mapped => _mapped != null ? _mapped : throw new ObjectDisposedException(Name);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        var vk = _device.Vk;
        var device = _device.Device;
        if (_mapped != null) vk.UnmapMemory(device, _memory);
        _mapped = null;
        if (Handle.Handle != 0) vk.DestroyBuffer(device, Handle, null);
        if (_memory.Handle != 0) vk.FreeMemory(device, _memory, null);
    }

    private bool _disposed;
}
