using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Presentation;

/// <summary>
/// A desktop window through GLFW with no client API (Vulkan presents into it). GLFW must be used
/// from one thread (the one that created the window), as GLFW requires.
/// Thread-safety: the window thread only; GLFW documents it as the process's main thread.
/// Ownership: owns the GLFW window and GLFW's initialization; Dispose destroys both (safe twice).
/// </summary>
public sealed unsafe class GlfwWindow : IDisposable
{
    // The windows whose key events the callback records (GLFW calls it with the window's handle).
    private static readonly Dictionary<nint, GlfwWindow> Open = [];
    private readonly List<WindowKey> _pressed = [];
    private bool _escapePressed;
    private nint _window;
    private (int X, int Y, int Width, int Height) _windowedPlace;

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
        // Every press, from GLFW's key events: two taps between two frames (a slow frame, a key
        // tapped quickly, as [ and ] are) act twice, where polling the key's state saw one or none.
        lock (Open) Open[_window] = this;
        GlfwNative.SetKeyCallback(_window, &OnKey);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnKey(nint window, int key, int scancode, int action, int mods)
    {
        if (action != GlfwNative.Press) return;
        lock (Open)
        {
            if (!Open.TryGetValue(window, out var owner)) return;
            if (key == GlfwNative.KeyEscape) owner._escapePressed = true;
            else if (Enum.IsDefined((WindowKey)key)) owner._pressed.Add((WindowKey)key);
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

    /// <summary>Handles pending window events; Esc asks to close. Keys pressed since the last call are then in <see cref="WasPressed"/>.</summary>
    public void PollEvents()
    {
        GlfwNative.PollEvents();
        if (_escapePressed) Close();
    }

    /// <summary>Whether <paramref name="key"/> went down since it was last asked about; a key pressed twice answers true twice.</summary>
    public bool WasPressed(WindowKey key) => _pressed.Remove(key);

    /// <summary>Where the cursor is, in framebuffer pixels, while the left mouse button is down; else null.</summary>
    public (double X, double Y)? DragPosition
    {
        get
        {
            if (GlfwNative.GetMouseButton(Handle, GlfwNative.MouseButtonLeft) != GlfwNative.Press) return null;
            GlfwNative.GetCursorPos(Handle, out double x, out double y);
            // The cursor is in screen coordinates; on HiDPI screens the framebuffer has more pixels.
            GlfwNative.GetWindowSize(Handle, out int windowWidth, out int windowHeight);
            var (width, height) = FramebufferSize;
            return windowWidth > 0 && windowHeight > 0 ? (x * width / windowWidth, y * height / windowHeight) : (x, y);
        }
    }

    /// <summary>Pixels per screen unit (2 on a typical HiDPI screen): how much to enlarge drawn text.</summary>
    public float ContentScale
    {
        get
        {
            GlfwNative.GetWindowContentScale(Handle, out float x, out float y);
            return Math.Max(1f, Math.Max(x, y));
        }
    }

    public bool IsFullscreen => GlfwNative.GetWindowMonitor(Handle) != 0;

    /// <summary>
    /// Fullscreen on the primary monitor at its current mode, or back to the window's place and
    /// size before; the presenter rebuilds its swapchain for the new size on the next frame.
    /// </summary>
    public unsafe void ToggleFullscreen()
    {
        if (IsFullscreen)
        {
            var (x, y, width, height) = _windowedPlace;
            GlfwNative.SetWindowMonitor(Handle, 0, x, y, width, height, 0);
            return;
        }
        nint monitor = GlfwNative.GetPrimaryMonitor();
        var mode = monitor == 0 ? null : GlfwNative.GetVideoMode(monitor);
        if (mode is null) throw new PresentationException($"cannot go fullscreen: no monitor ({GlfwNative.LastError()})");
        GlfwNative.GetWindowPos(Handle, out int left, out int top);
        GlfwNative.GetWindowSize(Handle, out int windowWidth, out int windowHeight);
        _windowedPlace = (left, top, windowWidth, windowHeight);
        GlfwNative.SetWindowMonitor(Handle, monitor, 0, 0, mode->Width, mode->Height, mode->RefreshRate);
    }

    public string Title
    {
        set => GlfwNative.SetWindowTitle(Handle, value);
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
        lock (Open) Open.Remove(_window);
        GlfwNative.DestroyWindow(_window);
        _window = 0;
        GlfwNative.Terminate();
    }
}
