using System.Runtime.CompilerServices;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Vulkan;

/// <summary>
/// One compute shader as a pipeline: its storage buffers are bindings 0..n-1 of set 0, its push
/// constants one <typeparamref name="TPush"/> struct (mirroring the shader's push-constant block),
/// dispatched over a 2-D grid of work groups of <see cref="LocalSize"/>. A shader may come in
/// variants, compiled from one module with its specialization constant 0 set to the variant's
/// number: code a variant does not need is left out at compile time (a branch on a push constant is
/// not: on a CPU Vulkan device it made the whole pass twice as slow), and the variants share the
/// layout, so a binding set serves them all.
/// Thread-safety: <see cref="Bind"/> is thread-safe; recording follows the command buffer's rules.
/// Ownership: owns its shader module, layouts, pipeline and descriptor pool (and with it every
/// descriptor set from <see cref="Bind"/>); Dispose destroys them (safe twice).
/// </summary>
public sealed unsafe class VkComputePass<TPush> : IDisposable where TPush : unmanaged
{
    private const uint MaxBindingSets = 64;
    private readonly VkComputeDevice _device;
    private readonly int _bufferCount;
    private readonly ShaderModule _module;
    private readonly DescriptorSetLayout _setLayout;
    private readonly PipelineLayout _layout;
    private readonly Pipeline[] _pipelines;
    private readonly DescriptorPool _pool;
    private readonly object _poolLock = new();
    private bool _disposed;

    /// <remarks>variants: how many pipelines; variant v has specialization constant 0 (a uint) = v; 1 sets none.</remarks>
    public VkComputePass(VkComputeDevice device, ReadOnlySpan<byte> spirv, int bufferCount, (uint X, uint Y) localSize, string name, int variants = 1)
    {
        _pipelines = new Pipeline[variants];
        _device = device;
        _bufferCount = bufferCount;
        LocalSize = localSize;
        Name = name;
        var vk = device.Vk;
        var dev = device.Device;
        try
        {
            fixed (byte* code = spirv)
            {
                var moduleInfo = new ShaderModuleCreateInfo
                {
                    SType = StructureType.ShaderModuleCreateInfo,
                    CodeSize = (nuint)spirv.Length,
                    PCode = (uint*)code,
                };
                vk.CreateShaderModule(dev, &moduleInfo, null, out _module).Check();
            }

            var bindings = stackalloc DescriptorSetLayoutBinding[bufferCount];
            for (int i = 0; i < bufferCount; i++)
                bindings[i] = new DescriptorSetLayoutBinding
                {
                    Binding = (uint)i,
                    DescriptorType = DescriptorType.StorageBuffer,
                    DescriptorCount = 1,
                    StageFlags = ShaderStageFlags.ComputeBit,
                };
            var setInfo = new DescriptorSetLayoutCreateInfo
            {
                SType = StructureType.DescriptorSetLayoutCreateInfo,
                BindingCount = (uint)bufferCount,
                PBindings = bindings,
            };
            vk.CreateDescriptorSetLayout(dev, &setInfo, null, out _setLayout).Check();

            var pushRange = new PushConstantRange { StageFlags = ShaderStageFlags.ComputeBit, Offset = 0, Size = (uint)sizeof(TPush) };
            var setLayout = _setLayout;
            var layoutInfo = new PipelineLayoutCreateInfo
            {
                SType = StructureType.PipelineLayoutCreateInfo,
                SetLayoutCount = 1,
                PSetLayouts = &setLayout,
                PushConstantRangeCount = sizeof(TPush) > 0 ? 1u : 0u,
                PPushConstantRanges = &pushRange,
            };
            vk.CreatePipelineLayout(dev, &layoutInfo, null, out _layout).Check();

            byte* entry = stackalloc byte[] { (byte)'m', (byte)'a', (byte)'i', (byte)'n', 0 };
            var mapEntry = new SpecializationMapEntry { ConstantID = 0, Offset = 0, Size = sizeof(uint) };
            for (uint variant = 0; variant < (uint)variants; variant++)
            {
                var value = variant;
                var specialization = new SpecializationInfo { MapEntryCount = 1, PMapEntries = &mapEntry, DataSize = sizeof(uint), PData = &value };
                var pipelineInfo = new ComputePipelineCreateInfo
                {
                    SType = StructureType.ComputePipelineCreateInfo,
                    Stage = new PipelineShaderStageCreateInfo
                    {
                        SType = StructureType.PipelineShaderStageCreateInfo,
                        Stage = ShaderStageFlags.ComputeBit,
                        Module = _module,
                        PName = entry,
                        PSpecializationInfo = variants > 1 ? &specialization : null,
                    },
                    Layout = _layout,
                };
                vk.CreateComputePipelines(dev, default, 1, &pipelineInfo, null, out _pipelines[variant]).Check();
                device.SetName(ObjectType.Pipeline, _pipelines[variant].Handle, variants > 1 ? $"{name} variant {variant}" : name);
            }

            var poolSize = new DescriptorPoolSize { Type = DescriptorType.StorageBuffer, DescriptorCount = MaxBindingSets * (uint)bufferCount };
            var poolInfo = new DescriptorPoolCreateInfo
            {
                SType = StructureType.DescriptorPoolCreateInfo,
                Flags = DescriptorPoolCreateFlags.FreeDescriptorSetBit,
                MaxSets = MaxBindingSets,
                PoolSizeCount = 1,
                PPoolSizes = &poolSize,
            };
            vk.CreateDescriptorPool(dev, &poolInfo, null, out _pool).Check();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }

    /// <summary>The shader's local_size_x and local_size_y.</summary>
    public (uint X, uint Y) LocalSize { get; }

    /// <summary>A descriptor set binding <paramref name="buffers"/> to bindings 0..n-1, in order.</summary>
    public VkBindingSet Bind(params IVkStorageBuffer[] buffers)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffers.Length != _bufferCount) throw new ArgumentException($"{Name} takes {_bufferCount} buffers, got {buffers.Length}");
        var vk = _device.Vk;
        var layout = _setLayout;
        var allocate = new DescriptorSetAllocateInfo
        {
            SType = StructureType.DescriptorSetAllocateInfo,
            DescriptorPool = _pool,
            DescriptorSetCount = 1,
            PSetLayouts = &layout,
        };
        DescriptorSet set;
        lock (_poolLock) vk.AllocateDescriptorSets(_device.Device, &allocate, &set).Check();

        var infos = stackalloc DescriptorBufferInfo[buffers.Length];
        var writes = stackalloc WriteDescriptorSet[buffers.Length];
        for (int i = 0; i < buffers.Length; i++)
        {
            infos[i] = new DescriptorBufferInfo { Buffer = buffers[i].Handle, Offset = 0, Range = Vk.WholeSize };
            writes[i] = new WriteDescriptorSet
            {
                SType = StructureType.WriteDescriptorSet,
                DstSet = set,
                DstBinding = (uint)i,
                DescriptorCount = 1,
                DescriptorType = DescriptorType.StorageBuffer,
                PBufferInfo = &infos[i],
            };
        }
        vk.UpdateDescriptorSets(_device.Device, (uint)buffers.Length, writes, 0, null);
        return new VkBindingSet(this, set);
    }

    /// <summary>Records binding the pipeline (of <paramref name="variant"/>) and buffers, the push constants, and a dispatch covering width x height invocations.</summary>
    public void Record(CommandBuffer commandBuffer, VkBindingSet bindings, in TPush push, uint width, uint height, int variant = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!ReferenceEquals(bindings.Owner, this)) throw new ArgumentException($"the binding set belongs to another pass than {Name}");
        var vk = _device.Vk;
        vk.CmdBindPipeline(commandBuffer, PipelineBindPoint.Compute, _pipelines[variant]);
        var set = bindings.Set;
        vk.CmdBindDescriptorSets(commandBuffer, PipelineBindPoint.Compute, _layout, 0, 1, &set, 0, null);
        if (sizeof(TPush) > 0)
        {
            var copy = push;
            vk.CmdPushConstants(commandBuffer, _layout, ShaderStageFlags.ComputeBit, 0, (uint)sizeof(TPush), Unsafe.AsPointer(ref copy));
        }
        vk.CmdDispatch(commandBuffer, (width + LocalSize.X - 1) / LocalSize.X, (height + LocalSize.Y - 1) / LocalSize.Y, 1);
    }

    internal void Free(DescriptorSet set)
    {
        if (_disposed) return; // freed with the pool
        lock (_poolLock) _device.Vk.FreeDescriptorSets(_device.Device, _pool, 1, &set).Check();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        var vk = _device.Vk;
        var dev = _device.Device;
        if (_pool.Handle != 0) vk.DestroyDescriptorPool(dev, _pool, null);
        foreach (var pipeline in _pipelines ?? [])
            if (pipeline.Handle != 0) vk.DestroyPipeline(dev, pipeline, null);
        if (_layout.Handle != 0) vk.DestroyPipelineLayout(dev, _layout, null);
        if (_setLayout.Handle != 0) vk.DestroyDescriptorSetLayout(dev, _setLayout, null);
        if (_module.Handle != 0) vk.DestroyShaderModule(dev, _module, null);
    }

    /// <summary>
    /// A descriptor set of one pass.
    /// Thread-safety: the set is immutable; Dispose from one thread (it frees the set under the pass's lock).
    /// Ownership: owned by whoever called Bind; Dispose frees it (safe twice).
    /// </summary>
    public sealed class VkBindingSet : IDisposable
    {
        private bool _disposed;

        internal VkBindingSet(VkComputePass<TPush> owner, DescriptorSet set)
        {
            Owner = owner;
            Set = set;
        }

        internal VkComputePass<TPush> Owner { get; }

        internal DescriptorSet Set { get; }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            Owner.Free(Set);
        }
    }
}
