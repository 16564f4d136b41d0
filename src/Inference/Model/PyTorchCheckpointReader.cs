using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ClipLit.Inference.Model;

/// <summary>
/// Reads the tensors of a PyTorch state dict saved with <c>torch.save</c> in the zip format
/// (PyTorch 1.6 and later) without loading libtorch: the archive's <c>data.pkl</c> is interpreted by
/// <see cref="PickleReader"/> and each storage is read from <c>data/&lt;key&gt;</c>.
/// Thread-safety: stateless; safe from any thread. Ownership: the returned tensors belong to the caller.
/// </summary>
public static class PyTorchCheckpointReader
{
    private sealed record StorageRef(string DType, string Key, long ElementCount);

    /// <summary>The most elements a tensor may have (a gigabyte of floats): a checkpoint asking for more is refused, not allocated.</summary>
    private const long MaxElements = 1L << 28;

    /// <summary>The most bytes an archive entry is read into memory (what a zip's header claims is not believed).</summary>
    private const long MaxEntryBytes = 4L * MaxElements;

    /// <summary>How deep wrappers ({"state_dict": {...}}) are looked into; a dictionary that holds itself ends there.</summary>
    private const int MaxWrapperDepth = 4;

    /// <summary>Reads every tensor of the state dict in <paramref name="path"/>, keyed by its name in the file.</summary>
    /// <exception cref="ModelLoadException">The file is not a readable PyTorch state dict.</exception>
    public static IReadOnlyDictionary<string, TensorData> Read(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var pickleEntry = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal))
                ?? throw new ModelLoadException(path, "not a PyTorch checkpoint: the zip archive has no data.pkl");
            string prefix = pickleEntry.FullName[..^"data.pkl".Length];

            var reader = new PickleReader(
                ReadAll(pickleEntry),
                (callable, args) => ResolveCall(zip, prefix, callable, args),
                ResolvePersistentId);
            return CollectTensors(path, reader.Load(), depth: 0);
        }
        catch (InvalidDataException e)
        {
            throw new ModelLoadException(path, $"not a readable PyTorch checkpoint ({e.Message})", e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or OverflowException or IndexOutOfRangeException or KeyNotFoundException
                                      or NotSupportedException or EndOfStreamException)
        {
            // Whatever else a damaged archive or pickle leads to is the same answer: not a checkpoint this reader can read.
            throw new ModelLoadException(path, $"not a readable PyTorch checkpoint ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    private static IReadOnlyDictionary<string, TensorData> CollectTensors(string path, object? root, int depth)
    {
        if (root is not Dictionary<object, object?> dict)
            throw new ModelLoadException(path, "not a state dict: the checkpoint does not hold a dictionary of tensors");

        // Training scripts often wrap the state dict: {"state_dict": {...}} or {"model": {...}}.
        if (!dict.Values.OfType<TensorData>().Any() && depth < MaxWrapperDepth)
        {
            foreach (var wrapper in new[] { "state_dict", "model", "params" })
                if (dict.TryGetValue(wrapper, out var inner) && inner is Dictionary<object, object?>)
                    return CollectTensors(path, inner, depth + 1);
        }

        var tensors = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (var (key, value) in dict)
        {
            if (key is string name && value is TensorData tensor) tensors[name] = tensor;
        }
        if (tensors.Count == 0) throw new ModelLoadException(path, "not a state dict: the checkpoint holds no tensors");
        return tensors;
    }

    private static object? ResolvePersistentId(object? pid)
    {
        // ('storage', <storage type global>, key, location, element count)
        if (pid is object?[] { Length: >= 5 } t && t[0] is "storage" && t[1] is PickleGlobal type && t[2] is string key && t[4] is long count)
            return new StorageRef(type.Name, key, count);
        throw new InvalidDataException("unsupported persistent id (not a tensor storage)");
    }

    private static object? ResolveCall(ZipArchive zip, string prefix, PickleGlobal callable, object?[] args)
    {
        switch (callable.ToString())
        {
            case "collections.OrderedDict":
                return new Dictionary<object, object?>();
            case "torch._utils._rebuild_parameter":
                return args.Length > 0 ? args[0] : throw new InvalidDataException("_rebuild_parameter without data");
            case "torch._utils._rebuild_tensor_v2":
                return RebuildTensor(zip, prefix, args);
            default:
                return new PickleCall(callable, args);
        }
    }

    private static TensorData RebuildTensor(ZipArchive zip, string prefix, object?[] args)
    {
        // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        if (args.Length < 4 || args[0] is not StorageRef storage || args[1] is not long offset
            || args[2] is not object?[] sizeTuple || args[3] is not object?[] strideTuple)
            throw new InvalidDataException("malformed _rebuild_tensor_v2 arguments");

        long[] shape = sizeTuple.Select(v => v is long l ? l : throw new InvalidDataException("tensor size is not an integer")).ToArray();
        long[] stride = strideTuple.Select(v => v is long l ? l : throw new InvalidDataException("tensor stride is not an integer")).ToArray();
        var entry = zip.GetEntry(prefix + "data/" + storage.Key)
            ?? throw new InvalidDataException($"storage data/{storage.Key} is missing from the archive");
        float[] storageValues = DecodeStorage(storage, ReadAll(entry));

        if (shape.Any(d => d < 0) || shape.Length > 8) throw new InvalidDataException("tensor size is not a shape");
        long count = 1;
        foreach (long dimension in shape)
        {
            count *= dimension;
            if (count > MaxElements) throw new InvalidDataException($"a tensor of {string.Join('x', shape)} elements is larger than any network ClipLit reads");
        }
        if (stride.Length != shape.Length) throw new InvalidDataException("tensor stride does not match its size");
        var values = new float[count];
        CopyStrided(storageValues, offset, shape, stride, values);
        return new TensorData(shape, values);
    }

    private static float[] DecodeStorage(StorageRef storage, byte[] bytes) => storage.DType switch
    {
        "FloatStorage" => Widen<float>(storage, bytes, v => v),
        "DoubleStorage" => Widen<double>(storage, bytes, v => (float)v),
        "HalfStorage" => Widen<Half>(storage, bytes, v => (float)v),
        "BFloat16Storage" => Widen<ushort>(storage, bytes, v => BitConverter.Int32BitsToSingle(v << 16)),
        // Integer tensors (e.g. BatchNorm's num_batches_tracked) are read as floats: the enhancement
        // network has none, but reading them lets validation name them instead of failing here.
        "LongStorage" => Widen<long>(storage, bytes, v => v),
        "IntStorage" => Widen<int>(storage, bytes, v => v),
        "ShortStorage" => Widen<short>(storage, bytes, v => v),
        "CharStorage" => Widen<sbyte>(storage, bytes, v => v),
        "ByteStorage" or "BoolStorage" => Widen<byte>(storage, bytes, v => v),
        _ => throw new InvalidDataException($"tensors of storage type {storage.DType} are not supported"),
    };

    /// <summary>Reinterprets a storage's little-endian bytes as <typeparamref name="T"/> values and converts them to float.</summary>
    private static float[] Widen<T>(StorageRef storage, byte[] bytes, Func<T, float> toFloat) where T : unmanaged
    {
        if (bytes.LongLength < storage.ElementCount * Unsafe.SizeOf<T>())
            throw new InvalidDataException($"storage data/{storage.Key} is truncated");
        var values = MemoryMarshal.Cast<byte, T>(bytes);
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = toFloat(values[i]);
        return result;
    }

    private static void CopyStrided(float[] source, long offset, long[] shape, long[] stride, float[] destination)
    {
        if (destination.Length == 0) return;
        var index = new long[shape.Length];
        for (long n = 0; n < destination.Length; n++)
        {
            long src = offset;
            for (int d = 0; d < shape.Length; d++) src += index[d] * stride[d];
            if (src < 0 || src >= source.Length) throw new InvalidDataException("tensor view lies outside its storage");
            destination[n] = source[src];
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d]) break;
                index[d] = 0;
            }
        }
    }

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        if (entry.Length > MaxEntryBytes) throw new InvalidDataException($"{entry.FullName} is larger than any network ClipLit reads");
        using var stream = entry.Open();
        using var buffer = new MemoryStream((int)Math.Min(entry.Length, 1 << 20));
        // Read no more than the entry claims (or the limit): a damaged header cannot make it read without end.
        var chunk = new byte[1 << 16];
        for (int read; (read = stream.Read(chunk)) > 0;)
        {
            if (buffer.Length + read > Math.Min(MaxEntryBytes, entry.Length)) throw new InvalidDataException($"{entry.FullName} holds more than its header says");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
