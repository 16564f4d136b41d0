namespace ClipLit.Inference.Model;

/// <summary>
/// A dense float32 tensor held in managed memory, row-major (C order).
/// Thread-safety: immutable after construction apart from the data array, which callers must not
/// mutate while it is shared. Ownership: owns its array.
/// </summary>
public sealed class TensorData
{
    public TensorData(long[] shape, float[] values)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension in shape [{string.Join(", ", shape)}]");
            count *= d;
        }
        if (count != values.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] needs {count} values, got {values.Length}");
        Shape = shape;
        Values = values;
    }

    public long[] Shape { get; }

    public float[] Values { get; }

    public string ShapeText => "[" + string.Join("x", Shape) + "]";

    public bool HasShape(IReadOnlyList<long> shape) => Shape.AsSpan().SequenceEqual(shape.ToArray());
}
