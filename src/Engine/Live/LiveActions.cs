using ClipLit.Renderer;
using ClipLit.Renderer.Presentation;

namespace ClipLit.Engine.Live;

/// <summary>
/// Carries out what the keys and the mouse ask (<see cref="LiveControls"/>): split view and its
/// divider, side by side, the heads-up display, pause, quality, fullscreen, reload, screenshots and the correction's strength.
/// Thread-safety: the window thread. Ownership: nothing; the window, presenter and lanes are the loop's.
/// </summary>
/// <param name="window">The window.</param>
/// <param name="presenter">Presents into it (screenshots read back from it).</param>
/// <param name="lanes">The lanes (split, side by side, quality).</param>
/// <param name="routing">The model the user runs (reloaded with R).</param>
/// <param name="swapper">Hot reload.</param>
/// <param name="hud">The heads-up display.</param>
/// <param name="outputs">Writes screenshots.</param>
/// <param name="compose">Presents the shown picture again, with the heads-up display, and returns what was presented when asked for a screenshot.</param>
/// <param name="log">The lines a user reads.</param>
public sealed class LiveActions(GlfwWindow window, VkPresenter presenter, LiveLanes lanes, LightMapRouting routing, ModelSwapper swapper,
    LiveHud hud, LiveOutputs outputs, Func<bool, byte[]?> compose, TextWriter log)
{
    /// <summary>How far [ and ] move the strength.</summary>
    public const float StrengthStep = 0.1f;

    private readonly LiveControls _controls = new(window);

    /// <summary>Paused (space): the picture holds, no new light map.</summary>
    public bool Paused { get; private set; }

    /// <summary>Handles the keys pressed and the divider dragged since the last frame.</summary>
    public void Handle(LiveInput info)
    {
        foreach (var action in _controls.Pressed())
        {
            switch (action)
            {
                case LiveAction.Split:
                    lanes.Split = lanes.Split is null || lanes.SideBySide ? 0.5 : null;
                    lanes.SetSideBySide(false);
                    break;
                case LiveAction.SideBySide when lanes.LeftModel is null:
                    hud.Message("side by side needs a second model: --compare PATH, or a swap (--watch, R)");
                    break;
                case LiveAction.SideBySide:
                    lanes.SetSideBySide(!lanes.SideBySide);
                    lanes.Split = lanes.SideBySide ? 0.5 : null;
                    // The right is the model the user runs (its student may give it its light maps in fast quality).
                    log.WriteLine(lanes.SideBySide ? $"side by side: {lanes.LeftModel!.Name} | {routing.Main.Name}" : "side by side off");
                    break;
                case LiveAction.Hud:
                    hud.Visible = !hud.Visible;
                    break;
                case LiveAction.Pause:
                    Paused = !Paused;
                    break;
                case LiveAction.Quality:
                    lanes.ToggleQuality();
                    break;
                case LiveAction.Fullscreen:
                    ToggleFullscreen();
                    break;
                case LiveAction.Reload:
                    // The model the user runs, not the lane's: in fast quality that may be the student serving it.
                    string message = swapper.Reload(routing.Main.Path) ? $"reloading {routing.Main.Path}" : "a model is loading already";
                    log.WriteLine($"note: {message}");
                    hud.Message(message);
                    break;
                case LiveAction.Weaker or LiveAction.Stronger:
                    lanes.Strength = CorrectionStrength.Step(lanes.Strength, action == LiveAction.Weaker ? -StrengthStep : StrengthStep);
                    log.WriteLine($"strength {CorrectionStrength.Describe(lanes.Strength)}");
                    hud.Message($"strength {CorrectionStrength.Describe(lanes.Strength)}");
                    break;
                case LiveAction.Screenshot:
                    string path = Path.GetFullPath($"cliplit-{DateTime.Now:yyyyMMdd-HHmmss-fff}.png");
                    outputs.SaveScreenshot(compose(true), presenter, path);
                    hud.Message($"screenshot {Path.GetFileName(path)}");
                    break;
            }
        }
        if (lanes.Split is not null && _controls.DividerFraction(info.Width, info.Height, presenter) is { } dragged) lanes.Split = dragged;
        lanes.ApplySplit();
    }

    private void ToggleFullscreen()
    {
        try
        {
            window.ToggleFullscreen();
            log.WriteLine(window.IsFullscreen ? "fullscreen" : "windowed");
        }
        catch (PresentationException e)
        {
            hud.Message(e.Message);
        }
    }
}
