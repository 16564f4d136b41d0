using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ClipLit.Inference.Cuda;

namespace ClipLit.Inference.Tests;

/// <summary>
/// The driver API structs ClipLit hands to libcuda, held to cuda.h's x86-64 layout where no GPU is
/// (the same check runs again when a CUDA context opens): a wrong layout would corrupt memory silently.
/// </summary>
[TestFixture]
public sealed class CudaStructLayoutTests
{
    [Test]
    public void TheDriverStructsHaveCudaHsSizesAndOffsets() => Assert.DoesNotThrow(CudaNative.VerifyLayouts);

    [Test]
    public void TheTypeLeadsAndTheDescriptorOpensTheUnionAtByte8InBothHandleDescriptions()
    {
        var memory = new CudaNative.ExternalMemoryHandleDesc { Handle = new CudaNative.ExternalHandle(CudaNative.ExternalMemoryOpaqueFd, 42), Size = 1 << 20, Flags = 1 };
        var memoryBytes = MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref memory, 1));
        Assert.That((Int(memoryBytes, 0), Int(memoryBytes, 8), BinaryPrimitives.ReadUInt64LittleEndian(memoryBytes[24..]), Int(memoryBytes, 32)),
            Is.EqualTo((CudaNative.ExternalMemoryOpaqueFd, 42, 1UL << 20, 1)));

        var semaphore = new CudaNative.ExternalSemaphoreHandleDesc { Handle = new CudaNative.ExternalHandle(CudaNative.ExternalSemaphoreTimelineFd, 43), Flags = 2 };
        var semaphoreBytes = MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref semaphore, 1));
        Assert.That((Int(semaphoreBytes, 0), Int(semaphoreBytes, 8), Int(semaphoreBytes, 24)), Is.EqualTo((CudaNative.ExternalSemaphoreTimelineFd, 43, 2)));
    }

    private static int Int(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadInt32LittleEndian(bytes[offset..]);
}
