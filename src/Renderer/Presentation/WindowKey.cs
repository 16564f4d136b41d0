namespace ClipLit.Renderer.Presentation;

/// <summary>The keys the live window acts on (values are GLFW key codes).</summary>
public enum WindowKey
{
    /// <summary>Pause and resume.</summary>
    Space = GlfwNative.KeySpace,

    /// <summary>Screenshot.</summary>
    P = GlfwNative.KeyP,

    /// <summary>Split view before|after.</summary>
    S = GlfwNative.KeyS,
}
