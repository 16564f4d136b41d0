using ClipLit.Renderer.Vulkan;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Presentation;

/// <summary>
/// A device image holding one RGBA8 frame for presentation: the composed frame is copied into it
/// from its buffer, then blitted (scaled, format-converted) into the swapchain image.
/// Ownership: owns the image and its memory; Dispose frees them (safe twice; the caller ensures the GPU is done with it).
/// </summary>
internal sealed unsafe class VkFrameImage : IDisposable
{
    private readonly VkComputeDevice _device;
    private readonly DeviceMemory _memory;
    private bool _disposed;

    public VkFrameImage(VkComputeDevice device, int width, int height)
    {
        _device = device;
        Width = width;
        Height = height;
        var vk = device.Vk;
        var info = new ImageCreateInfo
        {
            SType = StructureType.ImageCreateInfo,
            ImageType = ImageType.Type2D,
            Format = Format.R8G8B8A8Unorm,
            Extent = new Extent3D((uint)width, (uint)height, 1),
            MipLevels = 1,
            ArrayLayers = 1,
            Samples = SampleCountFlags.Count1Bit,
            Tiling = ImageTiling.Optimal,
            Usage = ImageUsageFlags.TransferDstBit | ImageUsageFlags.TransferSrcBit,
            SharingMode = SharingMode.Exclusive,
            InitialLayout = ImageLayout.Undefined,
        };
        vk.CreateImage(device.Device, &info, null, out var image).Check();
        Image = image;
        try
        {
            vk.GetImageMemoryRequirements(device.Device, image, out var requirements);
            var allocate = new MemoryAllocateInfo
            {
                SType = StructureType.MemoryAllocateInfo,
                AllocationSize = requirements.Size,
                MemoryTypeIndex = device.FindMemoryType(requirements.MemoryTypeBits, MemoryPropertyFlags.DeviceLocalBit),
            };
            vk.AllocateMemory(device.Device, &allocate, null, out _memory).Check();
            vk.BindImageMemory(device.Device, image, _memory, 0).Check();
            device.SetName(ObjectType.Image, image.Handle, "presented frame");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public Image Image { get; }

    public int Width { get; }

    public int Height { get; }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _device.Vk.DestroyImage(_device.Device, Image, null);
        if (_memory.Handle != 0) _device.Vk.FreeMemory(_device.Device, _memory, null);
    }
}
