using System.Runtime.InteropServices;
using System.Text;
using static ClipLit.Inference.Cuda.CudaNative;

namespace ClipLit.Inference.Cuda;

/// <summary>A CUDA device as the driver reports it.</summary>
public sealed record CudaDeviceInfo(int Ordinal, string Name, Guid Uuid);

/// <summary>
/// One CUDA device's primary context (the one ONNX Runtime's CUDA provider also uses) and a stream
/// on it, chosen by the UUID that Vulkan reports for its physical device, so that memory Vulkan
/// exports is imported into the same GPU. Calls that need the context current use <see cref="Use"/>.
/// Thread-safety: Use may be called from any thread (it pushes and pops the context on that thread).
/// Ownership: owns the stream and its reference on the primary context; Dispose releases both (safe
/// twice; Use throws ObjectDisposedException afterwards).
/// </summary>
public sealed class CudaContext : IDisposable
{
    private readonly nint _context;
    private bool _disposed;

    private CudaContext(CudaDeviceInfo device)
    {
        Device = device;
        Check(cuDevicePrimaryCtxRetain(out _context, device.Ordinal));
        try
        {
            using (Use())
            {
                Check(cuStreamCreate(out var stream, StreamNonBlocking));
                Stream = stream;
            }
        }
        catch
        {
            cuDevicePrimaryCtxRelease(device.Ordinal);
            throw;
        }
    }

    public CudaDeviceInfo Device { get; }

    /// <summary>The stream all shared-memory work goes on (ONNX Runtime's user compute stream).</summary>
    public nint Stream { get; }

    /// <summary>
    /// Null when the CUDA driver loads, initializes and has a device; otherwise why not, in one
    /// line (no libcuda.so.1, driver too old for the runtime, no device).
    /// </summary>
    public static string? Problem()
    {
        VerifyLayouts();
        if (!NativeLibrary.TryLoad(Library, out var handle)) return $"no NVIDIA driver ({Library} not found)";
        NativeLibrary.Free(handle);
        try
        {
            Check(cuInit(0));
            Check(cuDeviceGetCount(out int count));
            return count == 0 ? "the NVIDIA driver reports no CUDA device" : null;
        }
        catch (CudaException e)
        {
            return e.Message;
        }
        catch (EntryPointNotFoundException e)
        {
            return $"{Library} is too old: {e.Message}";
        }
    }

    /// <summary>The CUDA driver's version, e.g. 13000 for 13.0.</summary>
    public static int DriverVersion()
    {
        Check(cuDriverGetVersion(out int version));
        return version;
    }

    /// <summary>Every CUDA device (after <see cref="Problem"/> returned null).</summary>
    public static unsafe IReadOnlyList<CudaDeviceInfo> Devices()
    {
        Check(cuInit(0));
        Check(cuDeviceGetCount(out int count));
        var devices = new List<CudaDeviceInfo>();
        var name = stackalloc byte[256];
        for (int ordinal = 0; ordinal < count; ordinal++)
        {
            Check(cuDeviceGet(out int device, ordinal));
            Check(cuDeviceGetName(name, 256, device));
            Check(cuDeviceGetUuid(out var raw, device));
            devices.Add(new CudaDeviceInfo(device, Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name)), FromBytes(raw)));
        }
        return devices;
    }

    /// <summary>The device whose UUID is <paramref name="uuid"/> (Vulkan's VkPhysicalDeviceIDProperties.deviceUUID).</summary>
    /// <exception cref="CudaException">No CUDA device has it (the Vulkan device is another GPU); the message lists the CUDA devices.</exception>
    public static CudaContext ForUuid(Guid uuid)
    {
        var devices = Devices();
        var device = devices.FirstOrDefault(d => d.Uuid == uuid)
                     ?? throw new CudaException($"no CUDA device is the Vulkan device {uuid} (CUDA devices: {string.Join(", ", devices.Select(d => $"{d.Name} {d.Uuid}"))})");
        return new CudaContext(device);
    }

    /// <summary>Makes the context current on this thread until disposed.</summary>
    public IDisposable Use()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Check(cuCtxPushCurrent(_context));
        return new PopOnDispose();
    }

    /// <summary>
    /// Blocks until all work queued in the context is done: the stream's, and any ONNX Runtime queued
    /// on streams of its own (the primary context is shared with it).
    /// </summary>
    public void Synchronize()
    {
        using (Use()) Check(cuCtxSynchronize());
    }

    /// <summary>
    /// <see cref="Synchronize"/> on a path that is already failing: true when it succeeded; false when
    /// CUDA itself is what broke (a sticky error), which the caller's exception already reports.
    /// </summary>
    public bool TrySynchronize()
    {
        if (_disposed) return false;
        try
        {
            Synchronize();
            return true;
        }
        catch (CudaException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        try
        {
            using (Use()) cuStreamDestroy(Stream);
        }
        finally
        {
            // Marked only now (Use refuses a disposed context), and released even when the stream could not be destroyed.
            _disposed = true;
            cuDevicePrimaryCtxRelease(Device.Ordinal);
        }
    }

    /// <summary>CUuuid is 16 bytes in the order Vulkan's deviceUUID has them; Guid reads them big-endian, as VkComputeDevice does.</summary>
    private static Guid FromBytes(Guid raw)
    {
        Span<byte> bytes = stackalloc byte[16];
        MemoryMarshal.Write(bytes, in raw);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Pops the context Use pushed, once: a second Dispose must not pop the thread's next context.</summary>
    private sealed class PopOnDispose : IDisposable
    {
        private bool _popped;

        public void Dispose()
        {
            if (_popped) return;
            _popped = true;
            Check(cuCtxPopCurrent(out _));
        }
    }
}
