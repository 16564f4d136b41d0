namespace ClipLit.Bench.Photos;

/// <summary>
/// One photo's network measured three ways in the same run.
/// Thread-safety: immutable.
/// </summary>
/// <param name="PyTorch">PyTorch as installed.</param>
/// <param name="PyTorchHuge">PyTorch with the huge-page allocator setting.</param>
/// <param name="Ours">ClipLit's ONNX Runtime path.</param>
public sealed record PhotoNetworkRow(ReferenceResult PyTorch, ReferenceResult PyTorchHuge, NetworkResult Ours);

/// <summary>
/// What <see cref="PhotoBench"/> measured (data only; <see cref="PhotoReport"/> writes it).
/// Thread-safety: immutable.
/// </summary>
/// <param name="Machine">Where it ran.</param>
/// <param name="Date">When (UTC).</param>
/// <param name="Threads">Threads for both ONNX Runtime and PyTorch.</param>
/// <param name="Repeat">Runs per measurement.</param>
/// <param name="OnnxRuntimeVersion">ONNX Runtime's version.</param>
/// <param name="DotNetVersion">The .NET runtime's version.</param>
/// <param name="Network">Each photo, the large one last.</param>
/// <param name="WholePlan">The large photo with the paper's padding everywhere.</param>
/// <param name="WholeProcess">cliplit enhance on the large photo through the launcher.</param>
/// <param name="Launcher">./cliplit --version.</param>
/// <param name="DirectApp">The built app's --version, called directly.</param>
/// <param name="GemmPeak">ONNX Runtime's float32 matrix multiply in GFLOP/s; null with --quick.</param>
/// <param name="SingleThread">The large photo on one thread; null with --quick.</param>
/// <param name="Profile">Milliseconds per operator, largest first; null with --quick.</param>
public sealed record PhotoBenchResult(MachineDescription Machine, DateTime Date, int Threads, int Repeat, string OnnxRuntimeVersion, Version DotNetVersion,
    IReadOnlyList<PhotoNetworkRow> Network, NetworkResult WholePlan, ProcessResult WholeProcess, ProcessResult Launcher, ProcessResult DirectApp,
    double? GemmPeak, NetworkResult? SingleThread, IReadOnlyList<(string Operator, double Milliseconds)>? Profile);
