using ClipLit.Renderer.Vulkan;
using Silk.NET.Core;
using Silk.NET.Vulkan;
using Semaphore = Silk.NET.Vulkan.Semaphore;

namespace ClipLit.Renderer.Presentation;

/// <summary>
/// VK_KHR_surface and VK_KHR_swapchain entry points, loaded through vkGetInstanceProcAddr and
/// vkGetDeviceProcAddr (NuGet here has no Silk.NET.Vulkan.Extensions.KHR; the structs are in
/// Silk.NET.Vulkan). Loading fails with a clear error when the device was created without them.
/// </summary>
internal sealed unsafe class VkSurfaceFunctions
{
    public VkSurfaceFunctions(VkComputeDevice device)
    {
        GetSurfaceSupport = (delegate* unmanaged[Cdecl]<PhysicalDevice, uint, SurfaceKHR, Bool32*, Result>)Instance(device, "vkGetPhysicalDeviceSurfaceSupportKHR");
        GetSurfaceCapabilities = (delegate* unmanaged[Cdecl]<PhysicalDevice, SurfaceKHR, SurfaceCapabilitiesKHR*, Result>)Instance(device, "vkGetPhysicalDeviceSurfaceCapabilitiesKHR");
        GetSurfaceFormats = (delegate* unmanaged[Cdecl]<PhysicalDevice, SurfaceKHR, uint*, SurfaceFormatKHR*, Result>)Instance(device, "vkGetPhysicalDeviceSurfaceFormatsKHR");
        GetPresentModes = (delegate* unmanaged[Cdecl]<PhysicalDevice, SurfaceKHR, uint*, PresentModeKHR*, Result>)Instance(device, "vkGetPhysicalDeviceSurfacePresentModesKHR");
        DestroySurface = (delegate* unmanaged[Cdecl]<Instance, SurfaceKHR, AllocationCallbacks*, void>)Instance(device, "vkDestroySurfaceKHR");
        CreateSwapchain = (delegate* unmanaged[Cdecl]<Device, SwapchainCreateInfoKHR*, AllocationCallbacks*, SwapchainKHR*, Result>)OnDevice(device, "vkCreateSwapchainKHR");
        DestroySwapchain = (delegate* unmanaged[Cdecl]<Device, SwapchainKHR, AllocationCallbacks*, void>)OnDevice(device, "vkDestroySwapchainKHR");
        GetSwapchainImages = (delegate* unmanaged[Cdecl]<Device, SwapchainKHR, uint*, Image*, Result>)OnDevice(device, "vkGetSwapchainImagesKHR");
        AcquireNextImage = (delegate* unmanaged[Cdecl]<Device, SwapchainKHR, ulong, Semaphore, Fence, uint*, Result>)OnDevice(device, "vkAcquireNextImageKHR");
        QueuePresent = (delegate* unmanaged[Cdecl]<Queue, PresentInfoKHR*, Result>)OnDevice(device, "vkQueuePresentKHR");
    }

    public delegate* unmanaged[Cdecl]<PhysicalDevice, uint, SurfaceKHR, Bool32*, Result> GetSurfaceSupport { get; }

    public delegate* unmanaged[Cdecl]<PhysicalDevice, SurfaceKHR, SurfaceCapabilitiesKHR*, Result> GetSurfaceCapabilities { get; }

    public delegate* unmanaged[Cdecl]<PhysicalDevice, SurfaceKHR, uint*, SurfaceFormatKHR*, Result> GetSurfaceFormats { get; }

    public delegate* unmanaged[Cdecl]<PhysicalDevice, SurfaceKHR, uint*, PresentModeKHR*, Result> GetPresentModes { get; }

    public delegate* unmanaged[Cdecl]<Instance, SurfaceKHR, AllocationCallbacks*, void> DestroySurface { get; }

    public delegate* unmanaged[Cdecl]<Device, SwapchainCreateInfoKHR*, AllocationCallbacks*, SwapchainKHR*, Result> CreateSwapchain { get; }

    public delegate* unmanaged[Cdecl]<Device, SwapchainKHR, AllocationCallbacks*, void> DestroySwapchain { get; }

    public delegate* unmanaged[Cdecl]<Device, SwapchainKHR, uint*, Image*, Result> GetSwapchainImages { get; }

    public delegate* unmanaged[Cdecl]<Device, SwapchainKHR, ulong, Semaphore, Fence, uint*, Result> AcquireNextImage { get; }

    public delegate* unmanaged[Cdecl]<Queue, PresentInfoKHR*, Result> QueuePresent { get; }

    private static void* Instance(VkComputeDevice device, string name) =>
        device.InstanceProcedure(name) is var p && p != null ? p : throw new PresentationException($"{name} is missing: the Vulkan instance was created without surface extensions");

    private static void* OnDevice(VkComputeDevice device, string name) =>
        device.DeviceProcedure(name) is var p && p != null ? p : throw new PresentationException($"{name} is missing: the Vulkan device was created without VK_KHR_swapchain");
}
