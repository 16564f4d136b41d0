using System.Runtime.InteropServices;

namespace ClipLit.Renderer.Presentation;

/// <summary>
/// The few GLFW 3 calls ClipLit uses (Debian: libglfw3), bound by hand: NuGet here has no
/// Silk.NET.GLFW. Names and constants are GLFW's own (glfw3.h).
/// </summary>
internal static unsafe partial class GlfwNative
{
    private const string Library = "libglfw.so.3";

    public const int ClientApi = 0x00022001;
    public const int NoApi = 0;
    public const int Resizable = 0x00020003;
    public const int Visible = 0x00020004;
    public const int True = 1;
    public const int False = 0;

    public const int KeySpace = 32;
    public const int KeyB = 66;
    public const int KeyF = 70;
    public const int KeyH = 72;
    public const int KeyP = 80;
    public const int KeyQ = 81;
    public const int KeyR = 82;
    public const int KeyS = 83;
    public const int KeyLeftBracket = 91;
    public const int KeyRightBracket = 93;
    public const int KeyEscape = 256;
    public const int MouseButtonLeft = 0;
    public const int Press = 1;

    [LibraryImport(Library, EntryPoint = "glfwInit")]
    public static partial int Init();

    [LibraryImport(Library, EntryPoint = "glfwTerminate")]
    public static partial void Terminate();

    [LibraryImport(Library, EntryPoint = "glfwGetError")]
    public static partial int GetError(byte** description);

    [LibraryImport(Library, EntryPoint = "glfwWindowHint")]
    public static partial void WindowHint(int hint, int value);

    [LibraryImport(Library, EntryPoint = "glfwCreateWindow", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint CreateWindow(int width, int height, string title, nint monitor, nint share);

    [LibraryImport(Library, EntryPoint = "glfwDestroyWindow")]
    public static partial void DestroyWindow(nint window);

    [LibraryImport(Library, EntryPoint = "glfwWindowShouldClose")]
    public static partial int WindowShouldClose(nint window);

    [LibraryImport(Library, EntryPoint = "glfwSetWindowShouldClose")]
    public static partial void SetWindowShouldClose(nint window, int value);

    [LibraryImport(Library, EntryPoint = "glfwPollEvents")]
    public static partial void PollEvents();

    [LibraryImport(Library, EntryPoint = "glfwGetFramebufferSize")]
    public static partial void GetFramebufferSize(nint window, out int width, out int height);

    /// <summary>glfwSetKeyCallback: <paramref name="callback"/> hears every key event while events are polled; returns the callback it replaced.</summary>
    [LibraryImport(Library, EntryPoint = "glfwSetKeyCallback")]
    public static partial nint SetKeyCallback(nint window, delegate* unmanaged[Cdecl]<nint, int, int, int, int, void> callback);

    [LibraryImport(Library, EntryPoint = "glfwGetMouseButton")]
    public static partial int GetMouseButton(nint window, int button);

    [LibraryImport(Library, EntryPoint = "glfwGetCursorPos")]
    public static partial void GetCursorPos(nint window, out double x, out double y);

    [LibraryImport(Library, EntryPoint = "glfwGetWindowSize")]
    public static partial void GetWindowSize(nint window, out int width, out int height);

    [LibraryImport(Library, EntryPoint = "glfwSetWindowTitle", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void SetWindowTitle(nint window, string title);

    [LibraryImport(Library, EntryPoint = "glfwGetWindowContentScale")]
    public static partial void GetWindowContentScale(nint window, out float xScale, out float yScale);

    [LibraryImport(Library, EntryPoint = "glfwGetWindowPos")]
    public static partial void GetWindowPos(nint window, out int x, out int y);

    [LibraryImport(Library, EntryPoint = "glfwGetPrimaryMonitor")]
    public static partial nint GetPrimaryMonitor();

    [LibraryImport(Library, EntryPoint = "glfwGetWindowMonitor")]
    public static partial nint GetWindowMonitor(nint window);

    /// <summary>const GLFWvidmode* glfwGetVideoMode(GLFWmonitor*): the monitor's current mode.</summary>
    [LibraryImport(Library, EntryPoint = "glfwGetVideoMode")]
    public static partial VideoMode* GetVideoMode(nint monitor);

    /// <summary>Fullscreen on <paramref name="monitor"/>, or windowed at the given place and size when it is 0.</summary>
    [LibraryImport(Library, EntryPoint = "glfwSetWindowMonitor")]
    public static partial void SetWindowMonitor(nint window, nint monitor, int x, int y, int width, int height, int refreshRate);

    /// <summary>
    /// GLFWvidmode.
    /// Thread-safety: a value; GLFW's own copy, behind glfwGetVideoMode's pointer, is read on the window thread.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct VideoMode
    {
        public int Width, Height, RedBits, GreenBits, BlueBits, RefreshRate;
    }


    [LibraryImport(Library, EntryPoint = "glfwVulkanSupported")]
    public static partial int VulkanSupported();

    [LibraryImport(Library, EntryPoint = "glfwGetRequiredInstanceExtensions")]
    public static partial byte** GetRequiredInstanceExtensions(out uint count);

    /// <summary>VkResult glfwCreateWindowSurface(VkInstance, GLFWwindow*, const VkAllocationCallbacks*, VkSurfaceKHR*).</summary>
    [LibraryImport(Library, EntryPoint = "glfwCreateWindowSurface")]
    public static partial int CreateWindowSurface(nint instance, nint window, void* allocator, ulong* surface);

    /// <summary>GLFW's last error as one line ("no error" when there is none).</summary>
    public static string LastError()
    {
        byte* description = null;
        int code = GetError(&description);
        return code == 0 ? "no error" : $"{Marshal.PtrToStringUTF8((nint)description)} (GLFW error 0x{code:X})";
    }
}
