using System.Text;
using System.Text.RegularExpressions;

namespace ClipLit.TestSupport;

/// <summary>Reads NumPy .npy files holding little-endian float32 or int64 arrays in C order.</summary>
public static partial class Npy
{
    public sealed record Array<T>(long[] Shape, T[] Values);

    public static Array<float> ReadFloat32(string path) => Read<float>(path, "<f4");

    public static Array<long> ReadInt64(string path) => Read<long>(path, "<i8");

    private static Array<T> Read<T>(string path, string dtype) where T : unmanaged
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{path}: not a .npy file");
        int major = bytes[6];
        int headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToInt32(bytes, 8);
        int dataStart = (major == 1 ? 10 : 12) + headerLength;
        string header = Encoding.ASCII.GetString(bytes, major == 1 ? 10 : 12, headerLength);
        if (!header.Contains($"'descr': '{dtype}'")) throw new InvalidDataException($"{path}: dtype is not {dtype}: {header}");
        if (header.Contains("'fortran_order': True")) throw new InvalidDataException($"{path}: Fortran order is not supported");
        var shapeText = ShapePattern().Match(header).Groups[1].Value;
        long[] shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        var values = new T[(bytes.Length - dataStart) / System.Runtime.CompilerServices.Unsafe.SizeOf<T>()];
        Buffer.BlockCopy(bytes, dataStart, values, 0, values.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        long expected = shape.Aggregate(1L, (a, b) => a * b);
        if (values.Length != expected) throw new InvalidDataException($"{path}: holds {values.Length} values, shape needs {expected}");
        return new Array<T>(shape, values);
    }

    [GeneratedRegex(@"'shape': \(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
