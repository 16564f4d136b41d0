using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ClipLit.Renderer.Cpu;

/// <summary>
/// shaders/downscale.comp on the CPU: each cell of the frame (PyTorch's adaptive average pooling
/// cells) to the mean of its R, G, B and max(R, G, B), four planes at the network's size. Columns
/// are summed as integers over a cell's rows first (one pass over the frame, 8 pixels a vector),
/// then along the cells' columns; integer sums make the means exact where the shader adds floats.
/// Thread-safety: stateless; bands of cell rows run in parallel.
/// </summary>
internal static class DownscaleCpu
{
    public static void Run(ReadOnlyMemory<uint> frame, FrameLayout layout, Memory<float> planes)
    {
        int width = layout.Width;
        RowBands.For(layout.NetworkHeight, (first, end) =>
        {
            var sums = ArrayPool<int>.Shared.Rent(4 * width);
            try
            {
                for (int sy = first; sy < end; sy++) CellRow(frame.Span, layout, sy, sums.AsSpan(0, 4 * width), planes.Span);
            }
            finally
            {
                ArrayPool<int>.Shared.Return(sums);
            }
        });
    }

    private static void CellRow(ReadOnlySpan<uint> frame, FrameLayout layout, int sy, Span<int> sums, Span<float> planes)
    {
        int width = layout.Width, height = layout.Height, smallWidth = layout.NetworkWidth, smallHeight = layout.NetworkHeight;
        int y0 = sy * height / smallHeight, y1 = ((sy + 1) * height + smallHeight - 1) / smallHeight;
        sums.Clear();
        var red = sums[..width];
        var green = sums.Slice(width, width);
        var blue = sums.Slice(2 * width, width);
        var most = sums.Slice(3 * width, width);
        bool deep = layout.BitsPerChannel == 16;
        int wordsPerPixel = deep ? 2 : 1;
        for (int y = y0; y < y1; y++)
        {
            var row = frame.Slice(y * width * wordsPerPixel, width * wordsPerPixel);
            if (deep) AddRow16(row, red, green, blue, most);
            else AddRow8(row, red, green, blue, most);
        }
        double unit = deep ? 65535.0 : 255.0;
        int n = smallWidth * smallHeight;
        for (int sx = 0; sx < smallWidth; sx++)
        {
            int x0 = sx * width / smallWidth, x1 = ((sx + 1) * width + smallWidth - 1) / smallWidth;
            long r = 0, g = 0, b = 0, m = 0;
            for (int x = x0; x < x1; x++)
            {
                r += red[x];
                g += green[x];
                b += blue[x];
                m += most[x];
            }
            double scale = unit * (x1 - x0) * (y1 - y0);
            int i = sy * smallWidth + sx;
            planes[i] = (float)(r / scale);
            planes[n + i] = (float)(g / scale);
            planes[2 * n + i] = (float)(b / scale);
            planes[3 * n + i] = (float)(m / scale);
        }
    }

    private static void AddRow8(ReadOnlySpan<uint> row, Span<int> red, Span<int> green, Span<int> blue, Span<int> most)
    {
        int x = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var mask = Vector256.Create(0xFFu);
            ref uint pixels = ref MemoryMarshal.GetReference(row);
            ref int r = ref MemoryMarshal.GetReference(red);
            ref int g = ref MemoryMarshal.GetReference(green);
            ref int b = ref MemoryMarshal.GetReference(blue);
            ref int m = ref MemoryMarshal.GetReference(most);
            for (; x <= row.Length - 8; x += 8)
            {
                var v = Vector256.LoadUnsafe(ref pixels, (nuint)x);
                var cr = (v & mask).AsInt32();
                var cg = (Vector256.ShiftRightLogical(v, 8) & mask).AsInt32();
                var cb = (Vector256.ShiftRightLogical(v, 16) & mask).AsInt32();
                (Vector256.LoadUnsafe(ref r, (nuint)x) + cr).StoreUnsafe(ref r, (nuint)x);
                (Vector256.LoadUnsafe(ref g, (nuint)x) + cg).StoreUnsafe(ref g, (nuint)x);
                (Vector256.LoadUnsafe(ref b, (nuint)x) + cb).StoreUnsafe(ref b, (nuint)x);
                (Vector256.LoadUnsafe(ref m, (nuint)x) + Vector256.Max(cr, Vector256.Max(cg, cb))).StoreUnsafe(ref m, (nuint)x);
            }
        }
        for (; x < row.Length; x++)
        {
            uint v = row[x];
            int cr = (int)(v & 255), cg = (int)((v >> 8) & 255), cb = (int)((v >> 16) & 255);
            red[x] += cr;
            green[x] += cg;
            blue[x] += cb;
            most[x] += Math.Max(cr, Math.Max(cg, cb));
        }
    }

    private static void AddRow16(ReadOnlySpan<uint> row, Span<int> red, Span<int> green, Span<int> blue, Span<int> most)
    {
        for (int x = 0; x < red.Length; x++)
        {
            uint rg = row[2 * x], ba = row[2 * x + 1];
            int cr = (int)(rg & 0xFFFF), cg = (int)(rg >> 16), cb = (int)(ba & 0xFFFF);
            red[x] += cr;
            green[x] += cg;
            blue[x] += cb;
            most[x] += Math.Max(cr, Math.Max(cg, cb));
        }
    }
}
