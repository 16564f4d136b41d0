using ClipLit.Renderer.Presentation;

namespace ClipLit.Engine.Live;

/// <summary>
/// What a key asks the live view to do.
/// Thread-safety: a value; any thread.
/// </summary>
public enum LiveAction
{
    /// <summary>S: split view before|after.</summary>
    Split,

    /// <summary>B: two models side by side.</summary>
    SideBySide,

    /// <summary>H: the heads-up display.</summary>
    Hud,

    /// <summary>Space: pause.</summary>
    Pause,

    /// <summary>Q: quality fast|full.</summary>
    Quality,

    /// <summary>F: fullscreen.</summary>
    Fullscreen,

    /// <summary>R: reload the model from its file.</summary>
    Reload,

    /// <summary>P: screenshot.</summary>
    Screenshot,

    /// <summary>[: a weaker correction.</summary>
    Weaker,

    /// <summary>]: a stronger correction.</summary>
    Stronger,
}

/// <summary>
/// The live window's keys and mouse, as actions: S, B, H, Space, Q, F, R, P, [ and ] (Esc is the window's
/// own), and where the user drags the divider, as a fraction of the picture's width.
/// Thread-safety: the window thread. Ownership: none.
/// </summary>
public sealed class LiveControls(GlfwWindow window)
{
    private static readonly (WindowKey Key, LiveAction Action)[] Keys =
    [
        (WindowKey.S, LiveAction.Split), (WindowKey.B, LiveAction.SideBySide), (WindowKey.H, LiveAction.Hud), (WindowKey.Space, LiveAction.Pause),
        (WindowKey.Q, LiveAction.Quality), (WindowKey.F, LiveAction.Fullscreen), (WindowKey.R, LiveAction.Reload), (WindowKey.P, LiveAction.Screenshot),
        (WindowKey.LeftBracket, LiveAction.Weaker), (WindowKey.RightBracket, LiveAction.Stronger),
    ];

    /// <summary>The actions whose keys were pressed since the last look, in a fixed order, each as often as its key was pressed.</summary>
    public IEnumerable<LiveAction> Pressed()
    {
        var actions = new List<LiveAction>();
        foreach (var (key, action) in Keys)
            while (window.WasPressed(key)) actions.Add(action);
        return actions;
    }

    /// <summary>
    /// Where the mouse drags the divider, as a fraction (0..1) of a <paramref name="width"/> x
    /// <paramref name="height"/> picture letterboxed into <paramref name="presenter"/>'s swapchain; null when nothing is dragged.
    /// </summary>
    public double? DividerFraction(int width, int height, VkPresenter presenter)
    {
        if (window.DragPosition is not { } cursor) return null;
        var (x, _, boxWidth, _) = VkPresenter.Letterbox(width, height, presenter.Extent.Width, presenter.Extent.Height);
        return Math.Clamp((cursor.X - x) / boxWidth, 0, 1);
    }
}
