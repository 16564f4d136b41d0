using System.Runtime.InteropServices;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Presentation;

/// <summary>
/// A desktop window through GLFW with no client API (Vulkan presents into it). GLFW must be used
/// from one thread (the one that created the window), as GLFW requires.
/// Ownership: owns the GLFW window and GLFW's initialization; Dispose destroys both (safe twice).
/// </summary>
public sealed class GlfwWindow : IDisposable
{
    private nint _window;

    /// <exception cref="PresentationException">No display, or GLFW or its Vulkan support is missing.</exception>
    public GlfwWindow(int width, int height, string title)
    {
        try
        {
            if (GlfwNative.Init() != GlfwNative.True)
                throw new PresentationException($"cannot open a window: {GlfwNative.LastError()} (is a display available? for servers use --no-window)");
        }
        catch (DllNotFoundException)
        {
            throw new PresentationException("cannot open a window: GLFW is not installed (Debian/Ubuntu: sudo apt-get install libglfw3)");
        }
        if (GlfwNative.VulkanSupported() != GlfwNative.True)
        {
            GlfwNative.Terminate();
            throw new PresentationException("cannot open a window: GLFW finds no Vulkan loader (Debian/Ubuntu: sudo apt-get install libvulkan1 mesa-vulkan-drivers)");
        }
        GlfwNative.WindowHint(GlfwNative.ClientApi, GlfwNative.NoApi);
        GlfwNative.WindowHint(GlfwNative.Resizable, GlfwNative.True);
        _window = GlfwNative.CreateWindow(width, height, title, 0, 0);
        if (_window == 0)
        {
            string error = GlfwNative.LastError();
            GlfwNative.Terminate();
            throw new PresentationException($"cannot open a window: {error}");
        }
    }

    /// <summary>The instance extensions Vulkan needs to present to GLFW windows on this system.</summary>
    public static unsafe IReadOnlyList<string> RequiredInstanceExtensions()
    {
        byte** names = GlfwNative.GetRequiredInstanceExtensions(out uint count);
        if (names == null) throw new PresentationException($"GLFW cannot present with Vulkan here: {GlfwNative.LastError()}");
        var result = new string[count];
        for (int i = 0; i < count; i++) result[i] = Marshal.PtrToStringUTF8((nint)names[i])!;
        return result;
    }

    /// <summary>The user asked to close it (window button), or <see cref="Close"/> was called.</summary>
    public bool ShouldClose => GlfwNative.WindowShouldClose(Handle) == GlfwNative.True;

    /// <summary>Size of the drawable area in pixels (differs from the window size on HiDPI screens); 0x0 when minimized.</summary>
    public (int Width, int Height) FramebufferSize
    {
        get
        {
            GlfwNative.GetFramebufferSize(Handle, out int width, out int height);
            return (width, height);
        }
    }

    private nint Handle => _window != 0 ? _window : throw new ObjectDisposedException(nameof(GlfwWindow));

    /// <summary>Handles pending window events; Esc asks to close.</summary>
    public void PollEvents()
    {
        GlfwNative.PollEvents();
        if (GlfwNative.GetKey(Handle, GlfwNative.KeyEscape) == GlfwNative.Press) Close();
    }

    public void Close() => GlfwNative.SetWindowShouldClose(Handle, GlfwNative.True);

    /// <summary>A Vulkan surface for this window on <paramref name="instance"/> (the caller destroys it).</summary>
    public unsafe SurfaceKHR CreateSurface(Instance instance)
    {
        ulong surface = 0;
        int result = GlfwNative.CreateWindowSurface(instance.Handle, Handle, null, &surface);
        if (result != (int)Result.Success) throw new PresentationException($"cannot create a Vulkan surface for the window: {(Result)result} ({GlfwNative.LastError()})");
        return new SurfaceKHR(surface);
    }

    public void Dispose()
    {
        if (_window == 0) return;
        GlfwNative.DestroyWindow(_window);
        _window = 0;
        GlfwNative.Terminate();
    }
}
