using ClipLit.Inference.Student;
using ClipLit.Trainer.Training;

namespace ClipLit.Trainer.Distillation;

/// <summary>
/// Everything a distillation run is configured by (saved as the run's options.json, which --resume
/// reuses). Defaults fit a small CPU: a 16,32,48,64 student on the frame at 1/5, three views per
/// photo (as shot, a 1280x720 crop and a 1920x1080 crop), batches of four views, Adam at 1e-3.
/// </summary>
public sealed record DistillationOptions : IRunOptions
{
    /// <summary>The teacher: the paper's network as a .pth checkpoint or .onnx.</summary>
    public required string TeacherPath { get; init; }
    /// <summary>Photo folders (not searched recursively), globs or files.</summary>
    public IReadOnlyList<string> Images { get; init; } = [];
    /// <summary>Video files whose frames (every <see cref="FrameStep"/>th) are source images.</summary>
    public IReadOnlyList<string> Videos { get; init; } = [];
    public required string RunFolder { get; init; }

    /// <summary>Training time budget in minutes (labelling not counted); with <see cref="Iterations"/> the first reached ends the run.</summary>
    public double? Minutes { get; init; }
    /// <summary>Iteration budget; when neither budget is given, <see cref="DistillationBudget.DefaultIterations"/>.</summary>
    public int? Iterations { get; init; }

    public ulong Seed { get; init; } = 1;
    public IReadOnlyList<int> Widths { get; init; } = StudentArchitecture.Default.Widths;
    /// <summary>The student's input is the frame scaled by this (0.2: 1280x720 → 256x144).</summary>
    public double Scale { get; init; } = StudentArchitecture.Default.InputScale;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Views per optimizer step (each runs on its own: views differ in size; gradients are accumulated).</summary>
    public int Batch { get; init; } = 4;
    /// <summary>Views made of each source image: the first as shot at its own size, then crops resized to 1280x720 and 1920x1080 in turn, relit.</summary>
    public int ViewsPerImage { get; init; } = 3;
    /// <summary>Every this many frames of a video is a source image.</summary>
    public int FrameStep { get; init; } = 30;
    /// <summary>Share of source images held out for validation (at least one when there are two or more).</summary>
    public double ValidationFraction { get; init; } = 0.15;
    /// <summary>Number of held-out source images; overrides <see cref="ValidationFraction"/>.</summary>
    public int? ValidationImages { get; init; }
    /// <summary>Validation (and a resume snapshot) every this many iterations.</summary>
    public int ValidateEvery { get; init; } = 100;
    /// <summary>CPU threads for the teacher and the student; null: one per core.</summary>
    public int? Threads { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public StudentArchitecture Architecture => new(Widths, Scale);

    [System.Text.Json.Serialization.JsonIgnore]
    public int EffectiveThreads => Threads ?? Environment.ProcessorCount;

    /// <summary>When the run ends (<see cref="Minutes"/> and <see cref="Iterations"/>, with the default applied).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public DistillationBudget Budget => new(Minutes, Iterations);

    /// <summary>The first problem with the numbers, or null.</summary>
    public string? FindProblem()
    {
        if (Images.Count == 0 && Videos.Count == 0) return "give source images with --images DIR|GLOB|FILE or --videos FILE";
        if (Minutes is { } minutes && !(minutes > 0)) return "--minutes must be positive";
        if (Iterations is < 1) return "--iterations must be at least 1";
        if (!(Scale > 0 && Scale <= 1)) return "--scale must be in (0, 1]";
        if (!(LearningRate > 0)) return "--lr must be positive";
        if (Batch < 1) return "--batch must be at least 1";
        if (ViewsPerImage < 1) return "--views-per-image must be at least 1";
        if (FrameStep < 1) return "--frame-step must be at least 1";
        if (!(ValidationFraction >= 0 && ValidationFraction < 1)) return "--validation-fraction must be in [0, 1)";
        if (ValidationImages is < 0) return "--validation-images must not be negative";
        if (ValidateEvery < 1) return "--validate-every must be at least 1";
        if (Threads is < 1) return "--threads must be at least 1";
        return null;
    }
}
