using Silk.NET.Vulkan;
using Semaphore = Silk.NET.Vulkan.Semaphore;

namespace ClipLit.Renderer.Vulkan;

/// <summary>
/// A reusable command buffer with the fence that tells when its last submission finished:
/// Begin, record passes (with <see cref="Barrier"/> between dependent ones) or any commands on
/// <see cref="CommandBuffer"/>, Submit (alone, between timeline values, or between a swapchain's
/// binary semaphores), Wait. Passes that use memory shared with another API go between
/// <see cref="AcquireFromExternal"/> and <see cref="ReleaseToExternal"/> (copies do it themselves). Each recorder has its own command pool, so recorders on different
/// threads need no locking.
/// Thread-safety: one thread at a time. Ownership: owns its pool, command buffer and fence, not the
/// semaphores it is given; Dispose waits for the last submission, then frees them (safe twice;
/// recording afterwards throws ObjectDisposedException).
/// </summary>
public sealed unsafe class VkCommandRecorder : IDisposable
{
    private readonly VkComputeDevice _device;
    private readonly CommandPool _pool;
    private readonly CommandBuffer _commandBuffer;
    private readonly Fence _fence;
    private bool _submitted;
    private bool _disposed;

    public VkCommandRecorder(VkComputeDevice device, string name)
    {
        _device = device;
        var vk = device.Vk;
        try
        {
            var poolInfo = new CommandPoolCreateInfo
            {
                SType = StructureType.CommandPoolCreateInfo,
                QueueFamilyIndex = device.QueueFamily,
                Flags = CommandPoolCreateFlags.ResetCommandBufferBit,
            };
            vk.CreateCommandPool(device.Device, &poolInfo, null, out _pool).Check();
            var allocate = new CommandBufferAllocateInfo
            {
                SType = StructureType.CommandBufferAllocateInfo,
                CommandPool = _pool,
                Level = CommandBufferLevel.Primary,
                CommandBufferCount = 1,
            };
            vk.AllocateCommandBuffers(device.Device, &allocate, out _commandBuffer).Check();
            var fenceInfo = new FenceCreateInfo { SType = StructureType.FenceCreateInfo };
            vk.CreateFence(device.Device, &fenceInfo, null, out _fence).Check();
            device.SetName(ObjectType.CommandBuffer, (ulong)_commandBuffer.Handle, name);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The command buffer to record into between <see cref="Begin"/> and Submit.</summary>
    public CommandBuffer CommandBuffer => _disposed ? throw new ObjectDisposedException(nameof(VkCommandRecorder)) : _commandBuffer;

    /// <summary>Starts recording; waits for the previous submission first.</summary>
    public void Begin()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Wait();
        var vk = _device.Vk;
        vk.ResetCommandBuffer(_commandBuffer, 0).Check();
        var begin = new CommandBufferBeginInfo { SType = StructureType.CommandBufferBeginInfo, Flags = CommandBufferUsageFlags.OneTimeSubmitBit };
        vk.BeginCommandBuffer(_commandBuffer, &begin).Check();
    }

    /// <summary>Makes earlier shader and copy writes visible to later shader reads, copies and the host.</summary>
    public void Barrier()
    {
        var barrier = new MemoryBarrier
        {
            SType = StructureType.MemoryBarrier,
            SrcAccessMask = AccessFlags.ShaderWriteBit | AccessFlags.HostWriteBit | AccessFlags.TransferWriteBit,
            DstAccessMask = AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit | AccessFlags.HostReadBit | AccessFlags.TransferReadBit | AccessFlags.TransferWriteBit,
        };
        const PipelineStageFlags stages = PipelineStageFlags.ComputeShaderBit | PipelineStageFlags.HostBit | PipelineStageFlags.TransferBit;
        _device.Vk.CmdPipelineBarrier(CommandBuffer, stages, stages, 0, 1, &barrier, 0, null, 0, null);
    }

    /// <summary>
    /// The acquire half of an ownership transfer: takes those of <paramref name="buffers"/> that are
    /// <see cref="IVkStorageBuffer.SharedExternally"/> from VK_QUEUE_FAMILY_EXTERNAL (where the last
    /// <see cref="ReleaseToExternal"/> left them for CUDA), so the shader and copy reads and writes
    /// recorded next see what the other API wrote. Records nothing when none of them is shared.
    /// </summary>
    public void AcquireFromExternal(params ReadOnlySpan<IVkStorageBuffer> buffers) =>
        // The other API's work is ordered by the host (or a semaphore), not by this barrier: nothing to wait for before it.
        TransferOwnership(buffers, acquire: true, Vk.QueueFamilyExternal, _device.QueueFamily,
            PipelineStageFlags.TopOfPipeBit, 0, ShaderAndCopyStages, ShaderAndCopyAccess);

    /// <summary>
    /// The release half: hands those of <paramref name="buffers"/> that are
    /// <see cref="IVkStorageBuffer.SharedExternally"/> to VK_QUEUE_FAMILY_EXTERNAL after the shader
    /// and copy accesses recorded before it, making their writes available to the other API.
    /// Records nothing when none of them is shared.
    /// </summary>
    public void ReleaseToExternal(params ReadOnlySpan<IVkStorageBuffer> buffers) =>
        // Later commands here do not touch the buffers until the next acquire: nothing waits on this barrier.
        TransferOwnership(buffers, acquire: false, _device.QueueFamily, Vk.QueueFamilyExternal,
            ShaderAndCopyStages, ShaderAndCopyAccess, PipelineStageFlags.BottomOfPipeBit, 0);

    private const PipelineStageFlags ShaderAndCopyStages = PipelineStageFlags.ComputeShaderBit | PipelineStageFlags.TransferBit;

    private const AccessFlags ShaderAndCopyAccess =
        AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit | AccessFlags.TransferReadBit | AccessFlags.TransferWriteBit;

    private void TransferOwnership(ReadOnlySpan<IVkStorageBuffer> buffers, bool acquire, uint fromFamily, uint toFamily,
        PipelineStageFlags sourceStages, AccessFlags sourceAccess, PipelineStageFlags destinationStages, AccessFlags destinationAccess)
    {
        var commands = CommandBuffer;
        int shared = 0;
        foreach (var buffer in buffers)
            if (buffer.SharedExternally) shared++;
        if (shared == 0) return;
        var barriers = stackalloc BufferMemoryBarrier[shared];
        int count = 0;
        foreach (var buffer in buffers)
        {
            if (!buffer.SharedExternally) continue;
            barriers[count++] = new BufferMemoryBarrier
            {
                SType = StructureType.BufferMemoryBarrier,
                SrcAccessMask = sourceAccess,
                DstAccessMask = destinationAccess,
                SrcQueueFamilyIndex = fromFamily,
                DstQueueFamilyIndex = toFamily,
                Buffer = buffer.Handle,
                Offset = 0,
                Size = Vk.WholeSize,
            };
        }
        _device.Vk.CmdPipelineBarrier(commands, sourceStages, destinationStages, 0, 0, null, (uint)count, barriers, 0, null);
        _device.CountOwnershipTransfers(acquire, count);
    }

    /// <summary>
    /// Copies the first <paramref name="bytes"/> of one buffer into another, then a barrier. The copy
    /// is a whole use of shared buffers: it takes them from the external queue family before and
    /// hands them back after (so nothing recorded later may use them without its own acquire).
    /// </summary>
    public void Copy(IVkStorageBuffer source, IVkStorageBuffer destination, ulong bytes)
    {
        AcquireFromExternal(source, destination);
        var region = new BufferCopy { SrcOffset = 0, DstOffset = 0, Size = bytes };
        _device.Vk.CmdCopyBuffer(CommandBuffer, source.Handle, destination.Handle, 1, &region);
        ReleaseToExternal(source, destination);
        Barrier();
    }

    /// <summary>Records a copy of the first <paramref name="bytes"/> alone (<see cref="Copy"/>), submits it and waits until it is done.</summary>
    public void CopyNow(IVkStorageBuffer source, IVkStorageBuffer destination, ulong bytes) => RunNow(recorder => recorder.Copy(source, destination, bytes));

    /// <summary>Records <paramref name="commands"/> alone, submits them and waits until they are done.</summary>
    public void RunNow(RecordCommands commands)
    {
        Begin();
        commands(this);
        Submit();
        Wait();
    }

    /// <summary>
    /// Ends recording (with a final barrier to the host) and submits; the work waits until
    /// <paramref name="waitFor"/>'s timeline reaches its value, and signals <paramref name="signal"/>'s when done.
    /// </summary>
    public void Submit(TimelinePoint? waitFor = null, TimelinePoint? signal = null)
    {
        ulong waitValue = waitFor?.Value ?? 0, signalValue = signal?.Value ?? 0;
        var values = new TimelineSemaphoreSubmitInfo
        {
            SType = StructureType.TimelineSemaphoreSubmitInfo,
            WaitSemaphoreValueCount = waitFor is null ? 0u : 1u,
            PWaitSemaphoreValues = &waitValue,
            SignalSemaphoreValueCount = signal is null ? 0u : 1u,
            PSignalSemaphoreValues = &signalValue,
        };
        SubmitCore(waitFor?.Semaphore, PipelineStageFlags.AllCommandsBit, signal?.Semaphore, waitFor is null && signal is null ? null : &values);
    }

    /// <summary>
    /// Ends recording (with a final barrier to the host) and submits between two binary semaphores,
    /// the swapchain's hand-overs: the work waits for <see cref="BinaryHandOver.Wait"/> (image
    /// acquired) before <see cref="BinaryHandOver.WaitStage"/>, and signals <see cref="BinaryHandOver.Signal"/>
    /// (ready to present) when done.
    /// </summary>
    public void Submit(BinaryHandOver handOver) => SubmitCore(handOver.Wait, handOver.WaitStage, handOver.Signal, null);

    private void SubmitCore(Semaphore? wait, PipelineStageFlags waitStage, Semaphore? signal, TimelineSemaphoreSubmitInfo* values)
    {
        Barrier();
        var vk = _device.Vk;
        vk.EndCommandBuffer(_commandBuffer).Check();
        var fence = _fence;
        vk.ResetFences(_device.Device, 1, &fence).Check();
        var commandBuffer = _commandBuffer;
        var waitSemaphore = wait ?? default;
        var signalSemaphore = signal ?? default;
        var submit = new SubmitInfo
        {
            SType = StructureType.SubmitInfo,
            PNext = values,
            WaitSemaphoreCount = wait is null ? 0u : 1u,
            PWaitSemaphores = &waitSemaphore,
            PWaitDstStageMask = &waitStage,
            CommandBufferCount = 1,
            PCommandBuffers = &commandBuffer,
            SignalSemaphoreCount = signal is null ? 0u : 1u,
            PSignalSemaphores = &signalSemaphore,
        };
        _device.Submit(&submit, _fence);
        _submitted = true;
    }

    /// <summary>Blocks until the last submission has finished (returns at once when none is pending).</summary>
    public void Wait()
    {
        if (!_submitted) return;
        var fence = _fence;
        _device.Vk.WaitForFences(_device.Device, 1, &fence, true, ulong.MaxValue).Check();
        _submitted = false;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Wait();
        var vk = _device.Vk;
        if (_fence.Handle != 0) vk.DestroyFence(_device.Device, _fence, null);
        // Destroying the pool frees its command buffer.
        if (_pool.Handle != 0) vk.DestroyCommandPool(_device.Device, _pool, null);
    }
}

/// <summary>
/// Commands recorded into another owner's command buffer (between its Begin and Submit), so that
/// work of several owners goes to the GPU in one submission: e.g. a network worker's input and
/// light-map copies recorded ahead of a frame's compose passes.
/// Thread-safety: invoked synchronously on the thread recording into the recorder, between its Begin and Submit.
/// </summary>
public delegate void RecordCommands(VkCommandRecorder recorder);

/// <summary>
/// A value on a timeline semaphore: what a submission waits for or signals.
/// Thread-safety: immutable.
/// </summary>
public readonly record struct TimelinePoint(Semaphore Semaphore, ulong Value);

/// <summary>
/// Binary semaphores around one submission (swapchain presentation): it waits for
/// <paramref name="Wait"/> before <paramref name="WaitStage"/> and signals <paramref name="Signal"/> when done.
/// Thread-safety: immutable.
/// </summary>
public readonly record struct BinaryHandOver(Semaphore Wait, PipelineStageFlags WaitStage, Semaphore Signal);
