using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Tests;

/// <summary>
/// One validated Vulkan device per test class: created with VK_LAYER_KHRONOS_validation, and every
/// test ends by asserting the layer reported no error.
/// </summary>
public abstract class DeviceFixture
{
    protected VkComputeDevice Device { get; private set; } = null!;

    [OneTimeSetUp]
    public void CreateDevice()
    {
        try
        {
            Device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Required, PreferredDevice: null));
        }
        catch (VulkanException e)
        {
            Assert.Ignore($"no usable Vulkan device with validation layers: {e.Message} (install mesa-vulkan-drivers and vulkan-validationlayers)");
        }
        TestContext.Out.WriteLine($"Vulkan device: {Device.Name} (CPU: {Device.IsCpu})");
    }

    [TearDown]
    public void NoValidationErrors()
    {
        if (Device is null) return;
        var messages = Device.ValidationMessages;
        foreach (var message in messages) TestContext.Out.WriteLine(message);
        Assert.That(Device.ValidationErrorCount, Is.Zero, string.Join("\n", messages));
    }

    [OneTimeTearDown]
    public void DisposeDevice() => Device?.Dispose();
}
