using ClipLit.Renderer.Vulkan;
using Silk.NET.Core;
using Silk.NET.Vulkan;
using Semaphore = Silk.NET.Vulkan.Semaphore;

namespace ClipLit.Renderer.Presentation;

/// <summary>
/// Shows composed RGBA8 frames in a window: each frame is copied into the presenter's own upload
/// buffer (so no caller's buffer is in use by the GPU after Present returns), then straight into
/// the swapchain image when it fits 1:1 (in the swapchain's channel order), or else into a frame
/// image and blitted with its aspect ratio kept (black bars around it),
/// optionally overlaid with the heads-up display (copied over the top-left corner), and presented.
/// Commands are recorded and submitted through a <see cref="VkCommandRecorder"/>. One frame is in
/// flight: the recorder's fence is waited on before the next is recorded, so the loop never calls
/// vkDeviceWaitIdle. The swapchain is rebuilt when the window's size changes or the surface
/// reports it out of date; a minimized window presents nothing.
/// Thread-safety: one thread (the window's). Ownership: owns the surface, swapchain, frame image,
/// semaphores and recorder; not the device or the window. Dispose waits for the last frame (safe
/// twice; Present afterwards throws ObjectDisposedException).
/// </summary>
public sealed unsafe class VkPresenter : IDisposable
{
    private readonly VkComputeDevice _device;
    private readonly GlfwWindow _window;
    private readonly VkSurfaceFunctions _khr;
    private readonly SurfaceKHR _surface;
    private readonly VkCommandRecorder _recorder = null!;
    private readonly Semaphore _imageAvailable;
    private Semaphore[] _renderFinished = [];
    private SwapchainKHR _swapchain;
    private Image[] _images = [];
    private Format _format;
    private Extent2D _extent;
    private VkFrameImage? _frameImage;
    private VkHostBuffer? _screenshot;
    private VkHostBuffer? _upload;
    private VkHostBuffer? _overlayUpload;
    private bool _rebuild;
    private bool _disposed;

    /// <exception cref="PresentationException">The device's queue cannot present to this window, or the surface offers nothing usable.</exception>
    public VkPresenter(VkComputeDevice device, GlfwWindow window)
    {
        _device = device;
        _window = window;
        _khr = new VkSurfaceFunctions(device);
        var vk = device.Vk;
        _surface = window.CreateSurface(device.Instance);
        try
        {
            Bool32 supported;
            _khr.GetSurfaceSupport(device.PhysicalDevice, device.QueueFamily, _surface, &supported).Check();
            if (!supported) throw new PresentationException($"{device.Name} cannot present to this window from its compute queue");
            _recorder = new VkCommandRecorder(device, "presenter");
            var semaphoreInfo = new SemaphoreCreateInfo { SType = StructureType.SemaphoreCreateInfo };
            vk.CreateSemaphore(device.Device, &semaphoreInfo, null, out _imageAvailable).Check();
            device.SetName(ObjectType.Semaphore, _imageAvailable.Handle, "swapchain image acquired");
            BuildSwapchain();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Size of the swapchain images (the window's drawable area when last built).</summary>
    public (int Width, int Height) Extent => ((int)_extent.Width, (int)_extent.Height);

    /// <summary>
    /// Presents the RGBA8 frame <paramref name="rgba"/> (<paramref name="width"/> x <paramref name="height"/>).
    /// With <paramref name="screenshot"/>, also reads the presented image back and returns it as RGBA8
    /// at <see cref="Extent"/>. Returns null when nothing was presented (minimized window, or a
    /// swapchain that had to be rebuilt first; the next call presents). <paramref name="overlay"/>,
    /// when given, is drawn over the top-left corner of the window (clipped to it).
    /// </summary>
    public byte[]? Present(ReadOnlySpan<byte> rgba, int width, int height, bool screenshot = false, HudPanel? overlay = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var device = _device.Device;
        // The previous frame's commands finish before its buffers are written again.
        _recorder.Wait();

        var (framebufferWidth, framebufferHeight) = _window.FramebufferSize;
        if (framebufferWidth == 0 || framebufferHeight == 0) return null;
        if (_rebuild || framebufferWidth != _extent.Width || framebufferHeight != _extent.Height)
        {
            BuildSwapchain();
            if (_extent.Width == 0 || _extent.Height == 0) return null;
        }
        var place = Letterbox(width, height, (int)_extent.Width, (int)_extent.Height);
        // At 1:1 (the window is the frame's size, or larger with bars) the frame is copied straight
        // into the swapchain image, in its channel order; otherwise it is scaled by a blit from an image.
        bool direct = place.Width == width && place.Height == height;
        if (!direct && (_frameImage is null || _frameImage.Width != width || _frameImage.Height != height))
        {
            _frameImage?.Dispose();
            _frameImage = new VkFrameImage(_device, width, height);
        }
        int frameBytes = 4 * width * height;
        if (_upload is null || _upload.Size < (ulong)frameBytes)
        {
            _upload?.Dispose();
            _upload = new VkHostBuffer(_device, (ulong)frameBytes, "presented frame upload");
        }
        // The previous frame's commands are done (waited for above), so the buffer is free.
        if (direct && IsBgra) PixelOrder.CopySwappingRedBlue(rgba[..frameBytes], _upload.AsSpan<byte>());
        else rgba[..frameBytes].CopyTo(_upload.AsSpan<byte>());
        var overlayPlace = overlay is null ? default : StageOverlay(overlay);

        uint index;
        var acquired = _khr.AcquireNextImage(device, _swapchain, ulong.MaxValue, _imageAvailable, default, &index);
        if (acquired == Result.ErrorOutOfDateKhr)
        {
            _rebuild = true;
            return null;
        }
        if (acquired != Result.SuboptimalKhr) acquired.Check();

        if (screenshot && (_screenshot is null || _screenshot.Size < (ulong)(4 * _extent.Width * _extent.Height)))
        {
            _screenshot?.Dispose();
            _screenshot = new VkHostBuffer(_device, (ulong)(4 * _extent.Width * _extent.Height), "screenshot");
        }
        Record(_upload, width, height, direct, _images[index], screenshot, overlayPlace);
        // The copies into the image wait until it is acquired; presentation waits until they are done.
        var renderFinished = _renderFinished[index];
        _recorder.Submit(new BinaryHandOver(_imageAvailable, PipelineStageFlags.TransferBit, renderFinished));

        var swapchain = _swapchain;
        var present = new PresentInfoKHR
        {
            SType = StructureType.PresentInfoKhr,
            WaitSemaphoreCount = 1,
            PWaitSemaphores = &renderFinished,
            SwapchainCount = 1,
            PSwapchains = &swapchain,
            PImageIndices = &index,
        };
        var presented = _device.Present(_khr.QueuePresent, &present);
        if (presented is Result.ErrorOutOfDateKhr or Result.SuboptimalKhr) _rebuild = true;
        else presented.Check();

        if (!screenshot) return null;
        _recorder.Wait();
        return ScreenshotPixels();
    }

    /// <summary>
    /// Copies the overlay into its upload buffer in the swapchain's channel order (BGRA swapchains
    /// are common), clipped to the window; returns the region it covers, or an empty one.
    /// </summary>
    private (int X, int Y, int Width, int Height) StageOverlay(HudPanel overlay)
    {
        const int inset = 8;
        int width = Math.Min(overlay.Width, (int)_extent.Width - inset), height = Math.Min(overlay.Height, (int)_extent.Height - inset);
        if (width <= 0 || height <= 0) return default;
        if (_overlayUpload is null || _overlayUpload.Size < (ulong)(4 * width * height))
        {
            _overlayUpload?.Dispose();
            _overlayUpload = new VkHostBuffer(_device, (ulong)(4 * overlay.Width * overlay.Height), "heads-up display upload");
        }
        var target = _overlayUpload.AsSpan<byte>();
        for (int y = 0; y < height; y++)
        {
            var row = overlay.Rgba.AsSpan(4 * y * overlay.Width, 4 * width);
            var into = target.Slice(4 * y * width, 4 * width);
            if (IsBgra) PixelOrder.CopySwappingRedBlue(row, into);
            else row.CopyTo(into);
        }
        return (inset, inset, width, height);
    }

    private bool IsBgra => _format is Format.B8G8R8A8Unorm or Format.B8G8R8A8Srgb;

    /// <summary>Records the frame's commands (bars, frame, overlay, read-back) on the recorder; Submit ends them.</summary>
    private void Record(VkHostBuffer frame, int width, int height, bool direct, Image target, bool screenshot, (int X, int Y, int Width, int Height) overlay)
    {
        var vk = _device.Vk;
        _recorder.Begin();
        // Shader and host writes before the copies read them.
        _recorder.Barrier();

        // Black bars (only where the frame does not cover the window), then the frame.
        var (x, y, w, h) = Letterbox(width, height, (int)_extent.Width, (int)_extent.Height);
        Transition(target, ImageLayout.Undefined, ImageLayout.TransferDstOptimal, 0, AccessFlags.TransferWriteBit);
        if (w != _extent.Width || h != _extent.Height)
        {
            var black = new ClearColorValue(0f, 0f, 0f, 1f);
            var all = new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, 0, 1);
            vk.CmdClearColorImage(_recorder.CommandBuffer, target, ImageLayout.TransferDstOptimal, &black, 1, &all);
            Transition(target, ImageLayout.TransferDstOptimal, ImageLayout.TransferDstOptimal, AccessFlags.TransferWriteBit, AccessFlags.TransferWriteBit);
        }
        if (direct) CopyFrame(frame, target, x, y, width, height);
        else BlitFrame(frame, target, (x, y, w, h));
        RecordOverlayAndReadBack(target, screenshot, overlay);
    }

    /// <summary>The frame (already in the swapchain's channel order) copied 1:1 into the swapchain image at (x, y).</summary>
    private void CopyFrame(VkHostBuffer frame, Image target, int x, int y, int width, int height)
    {
        var copy = new BufferImageCopy
        {
            ImageSubresource = new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, 0, 1),
            ImageOffset = new Offset3D(x, y, 0),
            ImageExtent = new Extent3D((uint)width, (uint)height, 1),
        };
        _device.Vk.CmdCopyBufferToImage(_recorder.CommandBuffer, frame.Handle, target, ImageLayout.TransferDstOptimal, 1, &copy);
    }

    /// <summary>The frame into the frame image, then scaled into <paramref name="place"/> by a linear blit (which also converts the channel order).</summary>
    private void BlitFrame(VkHostBuffer frame, Image target, (int X, int Y, int Width, int Height) place)
    {
        var vk = _device.Vk;
        var source = _frameImage!;
        Transition(source.Image, ImageLayout.Undefined, ImageLayout.TransferDstOptimal, 0, AccessFlags.TransferWriteBit);
        var copy = new BufferImageCopy
        {
            ImageSubresource = new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, 0, 1),
            ImageExtent = new Extent3D((uint)source.Width, (uint)source.Height, 1),
        };
        vk.CmdCopyBufferToImage(_recorder.CommandBuffer, frame.Handle, source.Image, ImageLayout.TransferDstOptimal, 1, &copy);
        Transition(source.Image, ImageLayout.TransferDstOptimal, ImageLayout.TransferSrcOptimal, AccessFlags.TransferWriteBit, AccessFlags.TransferReadBit);
        var (x, y, w, h) = place;
        var blit = new ImageBlit
        {
            SrcSubresource = new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, 0, 1),
            DstSubresource = new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, 0, 1),
        };
        blit.SrcOffsets[0] = new Offset3D(0, 0, 0);
        blit.SrcOffsets[1] = new Offset3D(source.Width, source.Height, 1);
        blit.DstOffsets[0] = new Offset3D(x, y, 0);
        blit.DstOffsets[1] = new Offset3D(x + w, y + h, 1);
        vk.CmdBlitImage(_recorder.CommandBuffer, source.Image, ImageLayout.TransferSrcOptimal, target, ImageLayout.TransferDstOptimal, 1, &blit, Filter.Linear);
    }

    /// <summary>The heads-up display over the corner, then (for screenshots) the image read back; leaves the image ready to present.</summary>
    private void RecordOverlayAndReadBack(Image target, bool screenshot, (int X, int Y, int Width, int Height) overlay)
    {
        var vk = _device.Vk;
        if (overlay.Width > 0)
        {
            Transition(target, ImageLayout.TransferDstOptimal, ImageLayout.TransferDstOptimal, AccessFlags.TransferWriteBit, AccessFlags.TransferWriteBit);
            var hud = new BufferImageCopy
            {
                ImageSubresource = new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, 0, 1),
                ImageOffset = new Offset3D(overlay.X, overlay.Y, 0),
                ImageExtent = new Extent3D((uint)overlay.Width, (uint)overlay.Height, 1),
            };
            vk.CmdCopyBufferToImage(_recorder.CommandBuffer, _overlayUpload!.Handle, target, ImageLayout.TransferDstOptimal, 1, &hud);
        }

        if (screenshot)
        {
            Transition(target, ImageLayout.TransferDstOptimal, ImageLayout.TransferSrcOptimal, AccessFlags.TransferWriteBit, AccessFlags.TransferReadBit);
            var readBack = new BufferImageCopy
            {
                ImageSubresource = new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, 0, 1),
                ImageExtent = new Extent3D(_extent.Width, _extent.Height, 1),
            };
            // The recorder's Submit ends with the barrier that makes this copy visible to the host.
            vk.CmdCopyImageToBuffer(_recorder.CommandBuffer, target, ImageLayout.TransferSrcOptimal, _screenshot!.Handle, 1, &readBack);
            Transition(target, ImageLayout.TransferSrcOptimal, ImageLayout.PresentSrcKhr, AccessFlags.TransferReadBit, 0);
        }
        else
        {
            Transition(target, ImageLayout.TransferDstOptimal, ImageLayout.PresentSrcKhr, AccessFlags.TransferWriteBit, 0);
        }
    }

    /// <summary>The largest rectangle of the frame's aspect ratio inside the target, centred.</summary>
    public static (int X, int Y, int Width, int Height) Letterbox(int frameWidth, int frameHeight, int targetWidth, int targetHeight)
    {
        double scale = Math.Min((double)targetWidth / frameWidth, (double)targetHeight / frameHeight);
        int width = Math.Clamp((int)Math.Round(frameWidth * scale), 1, targetWidth);
        int height = Math.Clamp((int)Math.Round(frameHeight * scale), 1, targetHeight);
        return ((targetWidth - width) / 2, (targetHeight - height) / 2, width, height);
    }

    private void Transition(Image image, ImageLayout from, ImageLayout to, AccessFlags srcAccess, AccessFlags dstAccess)
    {
        var barrier = new ImageMemoryBarrier
        {
            SType = StructureType.ImageMemoryBarrier,
            SrcAccessMask = srcAccess,
            DstAccessMask = dstAccess,
            OldLayout = from,
            NewLayout = to,
            SrcQueueFamilyIndex = Vk.QueueFamilyIgnored,
            DstQueueFamilyIndex = Vk.QueueFamilyIgnored,
            Image = image,
            SubresourceRange = new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, 0, 1),
        };
        _device.Vk.CmdPipelineBarrier(_recorder.CommandBuffer, PipelineStageFlags.TransferBit, PipelineStageFlags.TransferBit | PipelineStageFlags.BottomOfPipeBit,
            0, 0, null, 0, null, 1, &barrier);
    }

    /// <summary>The read-back swapchain image as RGBA8 (swapchain formats may be BGRA).</summary>
    private byte[] ScreenshotPixels()
    {
        int bytes = (int)(4 * _extent.Width * _extent.Height);
        var pixels = new byte[bytes];
        if (IsBgra) PixelOrder.CopySwappingRedBlue(_screenshot!.AsSpan<byte>()[..bytes], pixels);
        else _screenshot!.AsSpan<byte>()[..bytes].CopyTo(pixels);
        return pixels;
    }

    private void BuildSwapchain()
    {
        var vk = _device.Vk;
        var device = _device.Device;
        // As Dispose does: the last frame's commands (the recorder's fence), and its presentation,
        // which may still wait on a "ready" semaphore destroyed below (no fence covers it).
        _recorder.Wait();
        if (_swapchain.Handle != 0) _device.WaitForQueue().Check();
        _rebuild = false;

        SurfaceCapabilitiesKHR capabilities;
        _khr.GetSurfaceCapabilities(_device.PhysicalDevice, _surface, &capabilities).Check();
        var (framebufferWidth, framebufferHeight) = _window.FramebufferSize;
        // 0xFFFFFFFF means the surface takes the swapchain's size; otherwise it dictates it.
        _extent = capabilities.CurrentExtent.Width != uint.MaxValue
            ? capabilities.CurrentExtent
            : new Extent2D(
                Math.Clamp((uint)framebufferWidth, capabilities.MinImageExtent.Width, capabilities.MaxImageExtent.Width),
                Math.Clamp((uint)framebufferHeight, capabilities.MinImageExtent.Height, capabilities.MaxImageExtent.Height));
        if (_extent.Width == 0 || _extent.Height == 0) return; // minimized: build when it comes back

        var needed = ImageUsageFlags.TransferDstBit | ImageUsageFlags.TransferSrcBit;
        if ((capabilities.SupportedUsageFlags & needed) != needed)
            throw new PresentationException($"{_device.Name}'s swapchain images cannot be transfer targets and sources ({capabilities.SupportedUsageFlags})");
        _format = ChooseFormat(out var colorSpace);
        uint imageCount = capabilities.MinImageCount + 1;
        if (capabilities.MaxImageCount != 0) imageCount = Math.Min(imageCount, capabilities.MaxImageCount);

        var old = _swapchain;
        var info = new SwapchainCreateInfoKHR
        {
            SType = StructureType.SwapchainCreateInfoKhr,
            Surface = _surface,
            MinImageCount = imageCount,
            ImageFormat = _format,
            ImageColorSpace = colorSpace,
            ImageExtent = _extent,
            ImageArrayLayers = 1,
            ImageUsage = needed,
            ImageSharingMode = SharingMode.Exclusive,
            PreTransform = capabilities.CurrentTransform,
            CompositeAlpha = ChooseCompositeAlpha(capabilities.SupportedCompositeAlpha),
            PresentMode = ChoosePresentMode(),
            Clipped = true,
            OldSwapchain = old,
        };
        SwapchainKHR swapchain;
        _khr.CreateSwapchain(device, &info, null, &swapchain).Check();
        _swapchain = swapchain;
        if (old.Handle != 0) _khr.DestroySwapchain(device, old, null);

        uint count = 0;
        _khr.GetSwapchainImages(device, _swapchain, &count, null).Check();
        _images = new Image[count];
        fixed (Image* images = _images) _khr.GetSwapchainImages(device, _swapchain, &count, images).Check();

        // One "rendered" semaphore per swapchain image: presentation may still hold the previous one.
        foreach (var semaphore in _renderFinished) vk.DestroySemaphore(device, semaphore, null);
        _renderFinished = new Semaphore[count];
        var semaphoreInfo = new SemaphoreCreateInfo { SType = StructureType.SemaphoreCreateInfo };
        for (int i = 0; i < count; i++)
        {
            vk.CreateSemaphore(device, &semaphoreInfo, null, out _renderFinished[i]).Check();
            _device.SetName(ObjectType.Semaphore, _renderFinished[i].Handle, $"swapchain image {i} ready to present");
        }
    }

    /// <summary>An 8-bit UNORM format: frames are already sRGB-encoded values, so they are copied, not re-encoded.</summary>
    private Format ChooseFormat(out ColorSpaceKHR colorSpace)
    {
        uint count = 0;
        _khr.GetSurfaceFormats(_device.PhysicalDevice, _surface, &count, null).Check();
        var formats = new SurfaceFormatKHR[count];
        fixed (SurfaceFormatKHR* p = formats) _khr.GetSurfaceFormats(_device.PhysicalDevice, _surface, &count, p).Check();
        foreach (var wanted in new[] { Format.B8G8R8A8Unorm, Format.R8G8B8A8Unorm })
            foreach (var format in formats)
                if (format.Format == wanted)
                {
                    colorSpace = format.ColorSpace;
                    return wanted;
                }
        throw new PresentationException($"the window offers no 8-bit UNORM format ({string.Join(", ", formats.Select(f => f.Format))})");
    }

    /// <summary>Mailbox when offered (ClipLit paces frames itself; never blocks on the display), else FIFO, which every device has.</summary>
    private PresentModeKHR ChoosePresentMode()
    {
        uint count = 0;
        _khr.GetPresentModes(_device.PhysicalDevice, _surface, &count, null).Check();
        var modes = new PresentModeKHR[count];
        fixed (PresentModeKHR* p = modes) _khr.GetPresentModes(_device.PhysicalDevice, _surface, &count, p).Check();
        return modes.Contains(PresentModeKHR.MailboxKhr) ? PresentModeKHR.MailboxKhr : PresentModeKHR.FifoKhr;
    }

    private static CompositeAlphaFlagsKHR ChooseCompositeAlpha(CompositeAlphaFlagsKHR supported) =>
        supported.HasFlag(CompositeAlphaFlagsKHR.OpaqueBitKhr) ? CompositeAlphaFlagsKHR.OpaqueBitKhr
        : supported.HasFlag(CompositeAlphaFlagsKHR.InheritBitKhr) ? CompositeAlphaFlagsKHR.InheritBitKhr
        : supported;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        var vk = _device.Vk;
        var device = _device.Device;
        // Waits for the last frame before anything it uses is freed: its commands (the recorder's
        // fence), and its presentation, which waits on a "ready" semaphore that no fence covers.
        _recorder?.Dispose();
        if (_swapchain.Handle != 0) _ = _device.WaitForQueue();
        _frameImage?.Dispose();
        _screenshot?.Dispose();
        _upload?.Dispose();
        _overlayUpload?.Dispose();
        foreach (var semaphore in _renderFinished) vk.DestroySemaphore(device, semaphore, null);
        if (_imageAvailable.Handle != 0) vk.DestroySemaphore(device, _imageAvailable, null);
        if (_swapchain.Handle != 0) _khr.DestroySwapchain(device, _swapchain, null);
        if (_surface.Handle != 0) _khr.DestroySurface(_device.Instance, _surface, null);
    }
}
