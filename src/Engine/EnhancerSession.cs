using ClipLit.Engine.Gpu;
using ClipLit.Engine.Models;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Engine;

/// <summary>
/// One model ready to enhance frames, and everything that decides where it runs: the ONNX Runtime
/// provider (decided once: CPU, or CUDA), the Vulkan device (created on first use; sharing memory
/// with CUDA when the network runs there), the network's tensors per network size (in Vulkan memory
/// CUDA imports when that chain works, else host-mapped, with the reason in <see cref="FallbackReason"/>
/// and a note), and a photo renderer. Photos, videos, the live view and the benchmarks all run the
/// network through a session: photos with <see cref="Stills"/>, frames with <see cref="TensorsFor"/>
/// and a <see cref="FramePath"/>. Another model on the same device (a compared or hot-reloaded one)
/// is a sibling session (<see cref="OpenSibling"/>): it runs where this one does.
/// Thread-safety: open tensors and photos from one thread at a time; the tensors themselves are
/// thread-safe. Ownership: owns its estimators, tensors and photo renderer, and the Vulkan device
/// unless it is a sibling's (the first session owns it and must be disposed last).
/// </summary>
public sealed class EnhancerSession : IDisposable
{
    /// <summary>What the note and the heads-up display say when frames cannot take the zero-copy path meant for them.</summary>
    public const string RoundTrip = "frames take a round trip through host memory, not zero-copy on CUDA";

    private readonly EnhancerOptions _options;
    private readonly VkDeviceOptions _deviceOptions;
    private readonly Action<string> _note;
    private readonly bool _ownsDevice;
    private readonly bool _tryCuda;
    private readonly ILightMapEstimator _frames;
    private VkComputeDevice? _device;
    private IEnhancerTensors? _frameTensors;
    private readonly HostMappedTensors _hostTensors;
    private readonly HashSet<(int Width, int Height)> _sizesOffGpu = [];
    private string? _sharingProblem;
    private ILightMapEstimator? _stills;
    private HostMappedTensors? _stillTensors;
    private PhotoRenderer? _photos;
    private bool _disposed;

    /// <summary>Starts ONNX Runtime for <paramref name="model"/>; the Vulkan device and the tensors follow on first use.</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">Provider, threads and memory budget. Frames keep their memory between runs (same size); photos return it.</param>
    /// <param name="deviceOptions">How the Vulkan device is created (a window's extensions, validation).</param>
    /// <param name="note">Receives a line whenever frames cannot take the zero-copy CUDA path that was meant for them.</param>
    /// <exception cref="InvalidOperationException">CUDA was asked for explicitly and cannot be used.</exception>
    public EnhancerSession(LightMapModel model, EnhancerOptions options, VkDeviceOptions deviceOptions, Action<string>? note = null)
        : this(model, options, deviceOptions, note, device: null, tryCuda: null)
    {
    }

    private EnhancerSession(LightMapModel model, EnhancerOptions options, VkDeviceOptions deviceOptions, Action<string>? note,
        VkComputeDevice? device, bool? tryCuda)
    {
        Model = model;
        _options = options with { KeepMemoryBetweenImages = true };
        _deviceOptions = deviceOptions;
        _note = note ?? (_ => { });
        _frames = model.OpenEstimator(_options);
        _hostTensors = new HostMappedTensors(_frames);
        _device = device;
        _ownsDevice = device is null;
        // CUDA-imported tensors are worth trying only where the network runs on CUDA (and, for a sibling, where the first model's work).
        _tryCuda = tryCuda ?? _frames.Device.Device == ExecutionDevice.Cuda;
    }

    public LightMapModel Model { get; }

    /// <summary>Where ONNX Runtime runs the network (and, under Auto, why not on CUDA).</summary>
    public OrtSessionFactory Provider => _frames.Device;

    /// <summary>The network runs on CUDA (zero-copy or not): full quality is the natural default there.</summary>
    public bool RunsOnCuda => Provider.Device == ExecutionDevice.Cuda;

    /// <summary>Why frames take the host round trip though the network runs on CUDA; null when they do not (or on the CPU).</summary>
    public string? FallbackReason { get; private set; }

    /// <summary>Time spent building graphs and starting ONNX Runtime sessions for the host path so far.</summary>
    public TimeSpan GraphLoadTime => _frames.LoadTime + (_stills?.LoadTime ?? TimeSpan.Zero);

    /// <summary>The Vulkan device, created on first use (sharing memory with CUDA when the network runs there and that works).</summary>
    /// <exception cref="VulkanException">No Vulkan device at all.</exception>
    public VkComputeDevice Device
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // A device that cannot share memory is noted when frames' tensors are chosen (photos alone never need it).
            return _device ??= EnhancerTensorsChoice.SharingDevice(_deviceOptions, _tryCuda, out _sharingProblem);
        }
    }

    /// <summary>Photos through the frame path, on this session's tensors (the CUDA ones where the network runs there).</summary>
    public PhotoRenderer Stills => _photos ??= new PhotoRenderer(Device, StillTensorsFor, (width, height) => Model.LayoutFor(width, height, Renderer.EnhanceQuality.Full));

    /// <summary>
    /// The network's tensors for frames whose network input is <paramref name="networkWidth"/> x
    /// <paramref name="networkHeight"/>, readied for that size. The first call decides: CUDA-imported
    /// when the network runs on CUDA and every link works at that size, else host-mapped (with a note).
    /// A later size that does not work on CUDA (e.g. too large for the GPU) falls back for itself alone.
    /// </summary>
    public IEnhancerTensors TensorsFor(int networkWidth, int networkHeight)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Ready(OpenedTensors((networkWidth, networkHeight)), _hostTensors, networkWidth, networkHeight, "frames");
    }

    /// <summary>The tensors the first call chose: CUDA-imported (proven at <paramref name="networkSize"/>, else by a small probe) or host-mapped, with a note.</summary>
    private IEnhancerTensors OpenedTensors((int Width, int Height)? networkSize)
    {
        if (_frameTensors is not null) return _frameTensors;
        var device = Device;
        var choice = EnhancerTensorsChoice.Open(Model, _hostTensors, device, _tryCuda && _sharingProblem is null, networkSize,
            _options.ProfilePrefix is { } prefix ? $"{prefix}zero-copy-" : null, _options.AllowTf32);
        if ((_sharingProblem ?? choice.FallbackReason) is { } why)
        {
            FallbackReason = why;
            _note($"{RoundTrip}: {why}");
        }
        return _frameTensors = choice.Tensors;
    }

    /// <summary>
    /// <paramref name="tensors"/> readied for a size; where they are CUDA's and that size does not run
    /// on the GPU, <paramref name="host"/> instead, for that size alone (noted once).
    /// </summary>
    private IEnhancerTensors Ready(IEnhancerTensors tensors, IEnhancerTensors host, int width, int height, string what)
    {
        if (tensors.Residence == EnhancerResidence.CudaImported && !_sizesOffGpu.Contains((width, height)))
        {
            try
            {
                // Each new size is run once first: one that does not fit on the GPU falls back for itself alone.
                tensors.Prepare(width, height);
                return tensors;
            }
            catch (Exception e) when (EnhancerTensorsChoice.IsBrokenLink(e))
            {
                _sizesOffGpu.Add((width, height));
                _note($"{width}x{height} {what} take a round trip through host memory, not zero-copy on CUDA: {e.Message}");
            }
        }
        host.Prepare(width, height);
        return host;
    }

    /// <summary>
    /// Host-mapped tensors over this session's frame estimator: what frames run on with the CPU, and
    /// the host round trip on CUDA (benchmarks compare it with the zero-copy tensors).
    /// </summary>
    public IEnhancerTensors HostTensors => _hostTensors;

    /// <summary>
    /// Another model on this session's device, running where this one runs (CUDA-imported tensors
    /// only when this session's are). The sibling does not own the device: dispose it first.
    /// </summary>
    /// <param name="model">The sibling's model.</param>
    /// <param name="threads">ONNX Runtime's intra-op threads for the sibling (default: this session's).</param>
    /// <exception cref="InvalidOperationException">CUDA was asked for explicitly and cannot be used.</exception>
    public EnhancerSession OpenSibling(LightMapModel model, int? threads = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads ?? 1, 1, nameof(threads));
        bool cuda = _frameTensors?.Residence == EnhancerResidence.CudaImported;
        return new EnhancerSession(model, _options with { Device = Provider.Device, Threads = threads ?? _options.Threads }, _deviceOptions, _note, Device, cuda);
    }

    /// <summary>
    /// Photos: an estimator of their own that returns its memory after each photo (sizes vary) and
    /// tiles under the memory budget; on CUDA, photos that fit the budget in one run share the
    /// zero-copy tensors (which never tile), and a size the GPU cannot run stays on the host.
    /// A photo never decides where video frames run.
    /// </summary>
    private IEnhancerTensors StillTensorsFor(int networkWidth, int networkHeight)
    {
        _stills ??= Model.OpenEstimator(_options with { Device = Provider.Device, KeepMemoryBetweenImages = false });
        _stillTensors ??= new HostMappedTensors(_stills);
        if (!_tryCuda || !_stills.RunsWhole(networkWidth, networkHeight))
        {
            _stillTensors.Prepare(networkWidth, networkHeight);
            return _stillTensors;
        }
        return Ready(OpenedTensors(networkSize: null), _stillTensors, networkWidth, networkHeight, "photos");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _photos?.Dispose();
        if (_frameTensors != _hostTensors) _frameTensors?.Dispose();
        _hostTensors.Dispose();
        _stillTensors?.Dispose();
        _stills?.Dispose();
        _frames.Dispose();
        if (_ownsDevice) _device?.Dispose();
    }
}
