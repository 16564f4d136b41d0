using System.CommandLine;
using System.CommandLine.Parsing;
using ClipLit.Cli;
using ClipLit.Cli.CommandLine;
using ClipLit.Engine;
using ClipLit.Engine.Models;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;

namespace ClipLit.Jobs.Options;

/// <summary>
/// The options enhance and live share, defined once: which model, where it runs, and how video
/// frames get their light map (quality, the fast quality's network size, temporal smoothing).
/// Each command builds its own set and adds the options where its help lists them.
/// Thread-safety: build and read on one thread.
/// </summary>
public sealed class NetworkOptions
{
    public Option<string?> Model { get; } = Define.Text("--model", "PATH",
        ".pth checkpoint or .onnx model (default: $CLIPLIT_MODEL, else the model installed by ./setup)", "-m");

    public Option<ExecutionDevice?> Device { get; } = ValueParsers.Device("auto (default: CUDA if usable, else CPU), cpu or cuda");

    public Option<EnhanceQuality?> Quality { get; } = Define.Choice("--quality",
        "full: the paper's network at full resolution (default with CUDA; photos always default to full); fast: a distilled "
        + "student of the model on a downscaled frame (else the network itself on a downscaled copy), its light map upsampled edge-aware (default for videos and live on CPU)",
        [("fast", EnhanceQuality.Fast), ("full", EnhanceQuality.Full)]);

    public Option<string?> FastModel { get; } = Define.Text("--fast-model", "PATH",
        "the student (from 'cliplit distill') that gives fast quality its light maps (default: an installed student distilled from --model)");

    public Option<int?> FastSize { get; } = Define.Integer("--fast-size", "N", 16, 4096,
        $"long side of the network's input in fast quality without a student (default {FrameLayout.DefaultFastLongSide})");

    public Option<SmoothingMode?> Smoothing { get; } = Define.Choice("--smoothing",
        "the light map over time: off (default), each frame's own (live: the newest, carried to the frame shown by its motion); "
        + "plain, a moving average where it lies; motion, a moving average that follows motion",
        [("off", SmoothingMode.Off), ("plain", SmoothingMode.Plain), ("motion", SmoothingMode.Motion)]);

    public Option<bool> NoSmoothing { get; } = Define.Flag("--no-smoothing", "each frame's own light map (--smoothing off)");

    public Option<float?> Strength { get; } = Define.Parsed<float>("--strength", "S",
        $"how strongly to correct: 0 the input, 1 the paper's output (default), in between less, up to {CorrectionStrength.Max} more (the gain 1/L raised to S, so colours keep their ratios)",
        ParseStrength, $"a number from 0 to {CorrectionStrength.Max}");

    public Option<float?> Denoise { get; } = Define.Parsed<float>("--denoise", "auto|off|A",
        "remove the sensor noise that brightening amplifies, where it would show (more than a level), within each frame and, in videos, over "
        + "the frames before it where they agree (following their motion): auto estimates the noise from each frame; "
        + $"a number A scales that estimate (0 is off, up to {GainAwareDenoise.MaxAmount}); off (default) keeps the paper's output",
        ParseDenoise, $"auto, off or a number from 0 to {GainAwareDenoise.MaxAmount}");

    /// <summary>A usage error where --no-smoothing and --smoothing disagree (a command's validator adds it before any work).</summary>
    public void CheckSmoothing(CommandResult result)
    {
        if (result.GetValue(NoSmoothing) && result.GetValue(Smoothing) is { } mode and not SmoothingMode.Off)
            result.AddError($"--no-smoothing contradicts --smoothing {mode.ToString().ToLowerInvariant()}");
    }

    /// <summary>The smoothing asked for: --no-smoothing or --smoothing MODE (<see cref="CheckSmoothing"/> holds them to agree), else the default for files or the live view.</summary>
    public TemporalOptions Temporal(ParseResult result, bool live) =>
        TemporalOptions.For(result.GetValue(NoSmoothing) ? SmoothingMode.Off : result.GetValue(Smoothing) ?? FramePlan.DefaultSmoothing, live);

    /// <summary>The video options chosen; without --quality, full where the network runs on CUDA, else fast.</summary>
    public VideoEnhanceOptions Video(ParseResult result, bool runsOnCuda) => VideoEnhanceOptions.Default with
    {
        Quality = result.GetValue(Quality) ?? FramePlan.DefaultQuality(runsOnCuda),
        FastLongSide = result.GetValue(FastSize) ?? FrameLayout.DefaultFastLongSide,
        Temporal = Temporal(result, live: false),
        Strength = result.GetValue(Strength) ?? CorrectionStrength.Paper,
        Denoise = result.GetValue(Denoise) ?? 0f,
    };

    private static bool ParseDenoise(string text, out float amount)
    {
        amount = text switch { "auto" => GainAwareDenoise.Auto, "off" => 0f, _ => float.NaN };
        if (!float.IsNaN(amount)) return true;
        return float.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out amount)
            && amount is >= 0f and <= GainAwareDenoise.MaxAmount;
    }

    private static bool ParseStrength(string text, out float strength)
    {
        float? parsed = CorrectionStrength.Parse(text);
        strength = parsed ?? CorrectionStrength.Paper;
        return parsed is not null;
    }

    /// <summary>Reads the model (<paramref name="path"/>, else the default); on failure prints the one-line error and returns null.</summary>
    public static LightMapModel? LoadModel(string? path, CliContext context)
    {
        string? modelPath = path;
        if (modelPath is null)
        {
            modelPath = ModelStore.ResolveDefault(out string reason);
            if (modelPath is null)
            {
                context.Error.WriteLine($"error: {reason}");
                return null;
            }
        }
        try
        {
            return ModelFile.Load(modelPath);
        }
        catch (ModelLoadException e)
        {
            context.Error.WriteLine($"error: {e.Message}");
            return null;
        }
    }
}
