using ClipLit.Inference.Student;
using ClipLit.Trainer.Training;

namespace ClipLit.Trainer.Distillation;

/// <summary>
/// Where a training view is cropped before it is pooled to the student's input size: an offset of
/// 0 to jitter - 1 source pixels on each axis, drawn per iteration and view, the far side cropped
/// by the rest so every draw has the same size. Why: a moving video brings the same edge to the
/// student at every phase of the pooling grid and of its own stride-2 levels, while a student that
/// saw each view at one phase learnt that phase: on the fast pan its output flickered twice as far
/// above what a perfect map of its size gives as its error alone explains (docs/benchmarks.md,
/// issue 23). The teacher's full-resolution map is cropped the same way, so the label stays exact.
/// Thread-safety: stateless.
/// </summary>
public static class PhaseJitter
{
    /// <summary>
    /// One step of the student's coarsest level in source pixels (2^(levels - 1) / scale: 40 for
    /// 16,32,48,64 at 0.2), so the draws cover every phase the student can tell apart.
    /// </summary>
    public static int Auto(StudentArchitecture architecture) =>
        (int)Math.Ceiling((1 << (architecture.Widths.Count - 1)) / architecture.InputScale - 1e-9);

    /// <summary>
    /// The jitter a view of this size takes: at most an eighth of its short side, so a small view
    /// keeps most of its picture; 1 (no crop) for a view too small to shift.
    /// </summary>
    public static int For(int jitter, int width, int height) => Math.Max(1, Math.Min(jitter, Math.Min(width, height) / 8));

    /// <summary>
    /// The student's input and log target for a crop of <paramref name="view"/> at an offset drawn from
    /// <paramref name="random"/> (returned with them): both pooled from full resolution as the labels
    /// were. A view too small to shift (or jitter 1 or less) gives its own pooled tensors at offset 0.
    /// </summary>
    public static JitteredView Draw(LabelledView view, int jitter, StudentArchitecture architecture, ref KeyedRandom random)
    {
        int span = For(jitter, view.Width, view.Height);
        if (span <= 1) return new JitteredView(view.Input.alias(), view.LogTarget.alias(), 0, 0);
        int dx = random.Next(span), dy = random.Next(span);
        int width = view.Width - (span - 1), height = view.Height - (span - 1);
        var (inputWidth, inputHeight) = architecture.InputSize(width, height);
        using var scope = NewDisposeScope();
        var image = view.FullView[.., .., dy..(dy + height), dx..(dx + width)].to(float32) / 255f;
        var input = functional.adaptive_avg_pool2d(image, [inputHeight, inputWidth]);
        var light = functional.adaptive_avg_pool2d(view.FullLightMap[.., .., dy..(dy + height), dx..(dx + width)], [inputHeight, inputWidth]);
        var logTarget = light.clamp_min(1e-3).log();
        return new JitteredView(input.MoveToOuterDisposeScope(), logTarget.MoveToOuterDisposeScope(), dx, dy);
    }
}

/// <summary>A training view as <see cref="PhaseJitter.Draw"/> cropped it: the student's input, its log target, and the crop's offset in source pixels.</summary>
public readonly record struct JitteredView(Tensor Input, Tensor LogTarget, int OffsetX, int OffsetY);
