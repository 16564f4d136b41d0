namespace ClipLit.Bench.Measurement;

/// <summary>
/// What a benchmark that runs the paper's network and a student on the shared clips (<see cref="TeacherAndStudent"/>)
/// and scores the outputs with the Python references needs: bench denoise and bench motion take this as it is.
/// </summary>
/// <param name="Root">The checkout (the scripts).</param>
/// <param name="Shared">The shared data folder (photos, clips).</param>
/// <param name="Checkpoint">The paper's model.</param>
/// <param name="Student">The student that gives fast quality its light maps.</param>
/// <param name="Python">Python with numpy and OpenCV (the warping error).</param>
/// <param name="Threads">ONNX Runtime's threads.</param>
/// <param name="Quick">Fewer frames (each benchmark says how many).</param>
public sealed record TeacherStudentBenchSettings(string Root, string Shared, string Checkpoint, string Student, string Python, int Threads, bool Quick);
