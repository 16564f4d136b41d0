using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ClipLit.Inference.Cuda;

/// <summary>
/// The few CUDA driver API entry points (libcuda.so.1, installed with the NVIDIA driver) that
/// sharing Vulkan memory needs, and <see cref="Check"/>, the one check every call goes through.
/// Struct layouts follow cuda.h (CUDA 11+; unchanged in 13).
/// </summary>
internal static unsafe partial class CudaNative
{
    public const string Library = "libcuda.so.1";

    public const int ExternalMemoryOpaqueFd = 1; // CU_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD
    public const uint ExternalMemoryDedicated = 1; // CUDA_EXTERNAL_MEMORY_DEDICATED
    public const int ExternalSemaphoreTimelineFd = 9; // CU_EXTERNAL_SEMAPHORE_HANDLE_TYPE_TIMELINE_SEMAPHORE_FD
    public const uint StreamNonBlocking = 1; // CU_STREAM_NON_BLOCKING

    /// <summary>Checks the structs against cuda.h's sizes and offsets on x86-64 (a wrong layout would corrupt memory silently).</summary>
    public static void VerifyLayouts()
    {
        (string Field, long Offset, long Expected)[] offsets =
        [
            ("handle.fd", Marshal.OffsetOf<ExternalHandle>(nameof(ExternalHandle.Fd)), 8),
            ("memory size", Marshal.OffsetOf<ExternalMemoryHandleDesc>(nameof(ExternalMemoryHandleDesc.Size)), 24),
            ("memory flags", Marshal.OffsetOf<ExternalMemoryHandleDesc>(nameof(ExternalMemoryHandleDesc.Flags)), 32),
            ("semaphore flags", Marshal.OffsetOf<ExternalSemaphoreHandleDesc>(nameof(ExternalSemaphoreHandleDesc.Flags)), 24),
        ];
        foreach (var (field, offset, expected) in offsets)
            if (offset != expected) throw new InvalidOperationException($"CUDA struct layouts do not match cuda.h: {field} at byte {offset}, not {expected}");
        if (sizeof(ExternalMemoryHandleDesc) != 104 || sizeof(ExternalMemoryBufferDesc) != 88
            || sizeof(ExternalSemaphoreHandleDesc) != 96 || sizeof(ExternalSemaphoreParams) != 144)
            throw new InvalidOperationException($"CUDA struct layouts do not match cuda.h: {sizeof(ExternalMemoryHandleDesc)}, {sizeof(ExternalMemoryBufferDesc)}, {sizeof(ExternalSemaphoreHandleDesc)}, {sizeof(ExternalSemaphoreParams)} bytes");
    }

    /// <summary>Throws a <see cref="CudaException"/> naming the call and the error unless it succeeded.</summary>
    public static void Check(int result, [CallerArgumentExpression(nameof(result))] string call = "")
    {
        if (result == 0) return;
        string name = "unknown error";
        if (cuGetErrorName(result, out nint text) == 0 && text != 0) name = Marshal.PtrToStringAnsi(text) ?? name;
        throw new CudaException($"CUDA call failed with {name} ({result}): {call}", result);
    }

    /// <summary>
    /// What both external handle descriptions begin with: the handle's type, then a 16-byte union at
    /// offset 8 whose first member is the file descriptor (its pointers make it, and the structs, 8-aligned).
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ExternalHandle(int type, int fd)
    {
        public int Type = type;
        private readonly int _padding;
        public int Fd = fd;
        private readonly int _fdPadding;
        private readonly ulong _unionRest;
    }

    /// <summary>CUDA_EXTERNAL_MEMORY_HANDLE_DESC.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ExternalMemoryHandleDesc
    {
        public ExternalHandle Handle;
        public ulong Size;
        public uint Flags;
        public fixed uint Reserved[16];
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct ExternalMemoryBufferDesc
    {
        public ulong Offset;
        public ulong Size;
        public uint Flags;
        public fixed uint Reserved[16];
    }

    /// <summary>CUDA_EXTERNAL_SEMAPHORE_HANDLE_DESC.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ExternalSemaphoreHandleDesc
    {
        public ExternalHandle Handle;
        public uint Flags;
        public fixed uint Reserved[16];
    }

    /// <summary>CUDA_EXTERNAL_SEMAPHORE_SIGNAL_PARAMS and _WAIT_PARAMS share this layout: the fence value first.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ExternalSemaphoreParams
    {
        public ulong FenceValue;
        public ulong NvSciSync;
        public ulong KeyedMutexKey;
        public ulong KeyedMutexTimeout; // wait: timeoutMs and padding; signal: the first reserved words
        public fixed uint Params[10];
        public uint Flags;
        public fixed uint Reserved[16];
    }

    /// <summary>libc's close(2): a descriptor an import refused is still the caller's to close.</summary>
    [LibraryImport("libc", EntryPoint = "close")] public static partial int CloseDescriptor(int descriptor);

    [LibraryImport(Library)] public static partial int cuInit(uint flags);
    [LibraryImport(Library)] public static partial int cuDriverGetVersion(out int version);
    [LibraryImport(Library)] public static partial int cuGetErrorName(int error, out nint name);
    [LibraryImport(Library)] public static partial int cuDeviceGetCount(out int count);
    [LibraryImport(Library)] public static partial int cuDeviceGet(out int device, int ordinal);
    [LibraryImport(Library)] public static partial int cuDeviceGetName(byte* name, int length, int device);
    [LibraryImport(Library, EntryPoint = "cuDeviceGetUuid_v2")] public static partial int cuDeviceGetUuid(out Guid uuid, int device);
    [LibraryImport(Library)] public static partial int cuDevicePrimaryCtxRetain(out nint context, int device);
    [LibraryImport(Library, EntryPoint = "cuDevicePrimaryCtxRelease_v2")] public static partial int cuDevicePrimaryCtxRelease(int device);
    [LibraryImport(Library, EntryPoint = "cuCtxPushCurrent_v2")] public static partial int cuCtxPushCurrent(nint context);
    [LibraryImport(Library, EntryPoint = "cuCtxPopCurrent_v2")] public static partial int cuCtxPopCurrent(out nint context);
    [LibraryImport(Library)] public static partial int cuStreamCreate(out nint stream, uint flags);
    [LibraryImport(Library, EntryPoint = "cuStreamDestroy_v2")] public static partial int cuStreamDestroy(nint stream);
    [LibraryImport(Library)] public static partial int cuCtxSynchronize();
    [LibraryImport(Library)] public static partial int cuImportExternalMemory(out nint memory, ExternalMemoryHandleDesc* description);
    [LibraryImport(Library)] public static partial int cuExternalMemoryGetMappedBuffer(out ulong pointer, nint memory, ExternalMemoryBufferDesc* description);
    [LibraryImport(Library)] public static partial int cuDestroyExternalMemory(nint memory);
    [LibraryImport(Library, EntryPoint = "cuMemFree_v2")] public static partial int cuMemFree(ulong pointer);
    [LibraryImport(Library)] public static partial int cuImportExternalSemaphore(out nint semaphore, ExternalSemaphoreHandleDesc* description);
    [LibraryImport(Library)] public static partial int cuSignalExternalSemaphoresAsync(nint* semaphores, ExternalSemaphoreParams* parameters, uint count, nint stream);
    [LibraryImport(Library)] public static partial int cuWaitExternalSemaphoresAsync(nint* semaphores, ExternalSemaphoreParams* parameters, uint count, nint stream);
    [LibraryImport(Library)] public static partial int cuDestroyExternalSemaphore(nint semaphore);
}
