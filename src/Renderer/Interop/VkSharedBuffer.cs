using ClipLit.Renderer.Vulkan;
using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace ClipLit.Renderer.Interop;

/// <summary>
/// A device-local storage buffer whose memory another API or device also sees: allocated here with
/// export as an opaque POSIX file descriptor (a dedicated allocation, as CUDA's import wants), or
/// imported from such a descriptor. CUDA maps exported memory to a device pointer (CudaSharedBuffer),
/// so the pre-process shader writes the network's input where ONNX Runtime reads it, and the compose
/// shader reads the light map where ONNX Runtime wrote it, without a copy.
/// The buffer is exclusive to one queue family and <see cref="SharedExternally"/>: recorders take it
/// from VK_QUEUE_FAMILY_EXTERNAL before each use and hand it back after (VkCommandRecorder).
/// Thread-safety: the handle is immutable; ordering access to the contents is the caller's job
/// (timeline semaphores or fences). Ownership: owns the buffer and its memory (Dispose frees them,
/// safe twice); descriptors from <see cref="ExportDescriptor"/> belong to the caller until an import
/// takes them.
/// </summary>
public sealed unsafe class VkSharedBuffer : IVkStorageBuffer, IDisposable
{
    private const ExternalMemoryHandleTypeFlags OpaqueFd = ExternalMemoryHandleTypeFlags.OpaqueFDBit;
    private readonly VkComputeDevice _device;
    private readonly DeviceMemory _memory;
    private readonly delegate* unmanaged[Cdecl]<Device, MemoryGetFdInfoKHR*, int*, Result> _getMemoryFd;
    private bool _disposed;

    private VkSharedBuffer(VkComputeDevice device, ulong sizeBytes, string name, int? importedDescriptor)
    {
        if (!device.SharesMemory) throw new VulkanException($"{device.Name} was not created to share memory (VkDeviceOptions.ExternalMemory)");
        _device = device;
        Size = Math.Max(sizeBytes, 4);
        Name = name;
        _getMemoryFd = (delegate* unmanaged[Cdecl]<Device, MemoryGetFdInfoKHR*, int*, Result>)device.DeviceProcedure("vkGetMemoryFdKHR");
        if (_getMemoryFd == null) throw new VulkanException("vkGetMemoryFdKHR is not available");
        var vk = device.Vk;
        var external = new ExternalMemoryBufferCreateInfo { SType = StructureType.ExternalMemoryBufferCreateInfo, HandleTypes = OpaqueFd };
        var buffer = device.CreateStorageBuffer(Size, &external);
        Handle = buffer;
        try
        {
            vk.GetBufferMemoryRequirements(device.Device, buffer, out var requirements);
            AllocationSize = requirements.Size;
            var dedicated = new MemoryDedicatedAllocateInfo { SType = StructureType.MemoryDedicatedAllocateInfo, Buffer = buffer };
            var export = new ExportMemoryAllocateInfo { SType = StructureType.ExportMemoryAllocateInfo, PNext = &dedicated, HandleTypes = OpaqueFd };
            var import = new ImportMemoryFdInfoKHR { SType = StructureType.ImportMemoryFDInfoKhr, PNext = &dedicated, HandleType = OpaqueFd, Fd = importedDescriptor ?? -1 };
            var allocate = new MemoryAllocateInfo
            {
                SType = StructureType.MemoryAllocateInfo,
                PNext = importedDescriptor is null ? &export : &import,
                AllocationSize = requirements.Size,
                MemoryTypeIndex = device.FindMemoryType(requirements.MemoryTypeBits, MemoryPropertyFlags.DeviceLocalBit),
            };
            // On success an import takes ownership of the descriptor; on failure it stays the caller's.
            vk.AllocateMemory(device.Device, &allocate, null, out _memory).Check();
            vk.BindBufferMemory(device.Device, buffer, _memory, 0).Check();
            device.SetName(ObjectType.Buffer, buffer.Handle, name);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Allocates a buffer whose memory can be exported.</summary>
    public static VkSharedBuffer Allocate(VkComputeDevice device, ulong sizeBytes, string name) => new(device, sizeBytes, name, null);

    /// <summary>
    /// A buffer over memory exported elsewhere (<see cref="ExportDescriptor"/> of another device or
    /// process); the descriptor's <paramref name="sizeBytes"/> must match the exporter's buffer.
    /// Takes ownership of <paramref name="descriptor"/> when it succeeds.
    /// </summary>
    public static VkSharedBuffer Import(VkComputeDevice device, int descriptor, ulong sizeBytes, string name) => new(device, sizeBytes, name, descriptor);

    public Buffer Handle { get; }

    /// <summary>Bytes the buffer holds.</summary>
    public ulong Size { get; }

    /// <summary>Bytes of the memory behind it (vkGetBufferMemoryRequirements), what an importer maps.</summary>
    public ulong AllocationSize { get; }

    public string Name { get; }

    /// <summary>Whoever holds an exported descriptor may use the memory, so every use here is bracketed by ownership transfers.</summary>
    public bool SharedExternally => true;

    /// <summary>A new file descriptor for the buffer's memory; the caller owns it (an import takes it, or close it).</summary>
    public int ExportDescriptor()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var info = new MemoryGetFdInfoKHR { SType = StructureType.MemoryGetFDInfoKhr, Memory = _memory, HandleType = OpaqueFd };
        int descriptor;
        _getMemoryFd(_device.Device, &info, &descriptor).Check();
        return descriptor;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        var vk = _device.Vk;
        if (Handle.Handle != 0) vk.DestroyBuffer(_device.Device, Handle, null);
        if (_memory.Handle != 0) vk.FreeMemory(_device.Device, _memory, null);
    }
}
