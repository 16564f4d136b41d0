namespace ClipLit.Bench.Distill;

/// <summary>
/// Fast quality's ways: the teacher on a 256-pixel copy (no student), the student at its own scale
/// (videos, live), and the student at its still scale (photos).
/// Thread-safety: a value; any thread.
/// </summary>
public enum FastVariant
{
    Teacher256,
    Student,
    StudentStill,
}

/// <summary>
/// The student measured, as its file describes it.
/// Thread-safety: immutable.
/// </summary>
public sealed record StudentInfo(string FileName, string Architecture, string TeacherName, string Training, string Validation);

/// <summary>
/// One material's scores for one way of fast quality, against the teacher at full resolution, picture by picture.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Set">"photos", "golden 512" or "clip".</param>
/// <param name="Variant">Which fast quality.</param>
/// <param name="Scores">Each picture's name and scores.</param>
public sealed record QualityGroup(string Set, FastVariant Variant, IReadOnlyList<(string Name, StillScores Scores)> Scores);

/// <summary>
/// Where the large photo's fast quality errs most at silhouettes: full | teacher at 256 | student.
/// Thread-safety: immutable.
/// </summary>
public sealed record DistillCrop(string Photo, int Width, int Height, int X, int Y, IReadOnlyList<ImageCrop> Crops);

/// <summary>
/// The network alone for a 720p frame.
/// Thread-safety: immutable.
/// </summary>
public sealed record DistillNetworkRate(FastVariant Variant, int Width, int Height, double Gflop, double LightMapsPerSecond);

/// <summary>
/// Fast quality through the video pipeline on the shared clip, smoothing on.
/// Thread-safety: immutable.
/// </summary>
public sealed record DistillVideoRun(FastVariant Variant, int Frames, double FramesPerSecond, double OutputChange, double GainJitter, IReadOnlyList<int> Cuts);

/// <summary>
/// A point of the distillation run's history.
/// Thread-safety: immutable.
/// </summary>
public sealed record CurvePoint(string Iteration, double Minutes, double Mean, double Worst);

/// <summary>
/// The distillation run's validation PSNR against wall time.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Run">The run folder's name.</param>
/// <param name="Points">Its history's points with a validation figure.</param>
public sealed record DistillCurve(string Run, IReadOnlyList<CurvePoint> Points);

/// <summary>
/// What <see cref="DistillBench"/> measured (data only; <see cref="DistillReport"/> writes it).
/// Thread-safety: immutable.
/// </summary>
/// <param name="Machine">Where it ran.</param>
/// <param name="Date">When (UTC).</param>
/// <param name="Section">The report section it goes to.</param>
/// <param name="Threads">ONNX Runtime's and PyTorch's threads.</param>
/// <param name="Student">The student.</param>
/// <param name="RunSources">What the student learnt from, from its run's options.json; null without a run folder.</param>
/// <param name="Quality">Scores per material and fast quality, materials in order.</param>
/// <param name="Crop">The silhouette crop; null when the large photo is missing.</param>
/// <param name="NetworkRates">Teacher at 256, then the student.</param>
/// <param name="VideoRuns">Teacher at 256, then the student.</param>
/// <param name="TranscodeFramesPerSecond">The clip decoded and encoded by ffmpeg alone, as ClipLit encodes: the ceiling of a file-to-file run.</param>
/// <param name="BaselineFrames">Frames the naive baseline ran on.</param>
/// <param name="BaselineFramesPerSecond">The naive baseline's fps.</param>
/// <param name="PhotoProcess">A 2048x1536 photo as a whole process: student, and teacher at full quality.</param>
/// <param name="Curve">The run's curve; null without a run folder or history.</param>
public sealed record DistillBenchResult(MachineDescription Machine, DateTime Date, string Section, int Threads, StudentInfo Student, IReadOnlyList<string>? RunSources,
    IReadOnlyList<QualityGroup> Quality, DistillCrop? Crop, IReadOnlyList<DistillNetworkRate> NetworkRates, IReadOnlyList<DistillVideoRun> VideoRuns,
    double TranscodeFramesPerSecond, int BaselineFrames, double BaselineFramesPerSecond, IReadOnlyList<(string Name, ProcessResult Result)> PhotoProcess, DistillCurve? Curve);
