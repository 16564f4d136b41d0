namespace ClipLit.Renderer.Presentation;

/// <summary>
/// The keys the live window acts on (values are GLFW key codes).
/// Thread-safety: a value; any thread.
/// </summary>
public enum WindowKey
{
    /// <summary>Pause and resume.</summary>
    Space = GlfwNative.KeySpace,

    /// <summary>Screenshot.</summary>
    P = GlfwNative.KeyP,

    /// <summary>Split view before|after.</summary>
    S = GlfwNative.KeyS,

    /// <summary>Side by side: two models.</summary>
    B = GlfwNative.KeyB,

    /// <summary>Heads-up display.</summary>
    H = GlfwNative.KeyH,

    /// <summary>Quality fast/full.</summary>
    Q = GlfwNative.KeyQ,

    /// <summary>Fullscreen.</summary>
    F = GlfwNative.KeyF,

    /// <summary>Reload the model from its file.</summary>
    R = GlfwNative.KeyR,

    /// <summary>A weaker correction.</summary>
    LeftBracket = GlfwNative.KeyLeftBracket,

    /// <summary>A stronger correction.</summary>
    RightBracket = GlfwNative.KeyRightBracket,
}
