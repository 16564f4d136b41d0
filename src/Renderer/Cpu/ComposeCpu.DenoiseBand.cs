using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ClipLit.Renderer.Cpu;

internal sealed unsafe partial class ComposeCpu
{
    /// <summary>
    /// What the denoise's vector path keeps while one band of 8-bit rows is composed: the histories
    /// pinned once (not looked up per vector), the motion field row in whole pixels, and the frame's
    /// rows around the current one unpacked to float planes (R, G, B, luma), three at a time and
    /// rolled down the band, so each input pixel is unpacked once rather than by each of the 3x3
    /// taps that read it (profiled: per-vector lookups and unpackings, not the filter's arithmetic,
    /// were most of the denoise's cost).
    /// Thread-safety: one band's, on its thread. Ownership: native rows and pins, released by Dispose (safe twice).
    /// </summary>
    private sealed class DenoiseBand : IDisposable
    {
        private const int Slots = 3;
        private const int Margin = 8; // floats before a plane row's first pixel: its column -1 (a vector's alignment kept)
        private readonly ComposeCpu _owner;
        private readonly int[] _rowInSlot = [-1, -1, -1];
        private float* _rows;
        private MemoryHandle _last;
        private MemoryHandle _next;
        private readonly MotionShifts? _shifts;
        private bool _disposed;

        public DenoiseBand(ComposeCpu owner, DenoiseHistory history)
        {
            _owner = owner;
            Stride = Margin + ((owner._layout.Width + Margin + 7) & ~7);
            // The vector path reads and writes the histories through pointers: their size is checked once here.
            int words = 2 * owner._layout.Pixels;
            if (history.Last.Length < words || history.Next.Length < words)
                throw new ArgumentException($"the denoise's histories need {words} words each (got {history.Last.Length} and {history.Next.Length})", nameof(history));
            _last = history.Last.Pin();
            _next = history.Next.Pin();
            _shifts = history.Temporal == TemporalDenoise.Blend && !history.Motion.IsEmpty ? new MotionShifts(owner) : null;
        }

        /// <summary>The last frame's denoised input, whole (the history fetched through motion).</summary>
        public uint* Last => (uint*)_last.Pointer;

        /// <summary>The row being composed.</summary>
        public int Y { get; private set; }

        /// <summary>Row y's pixels in the last frame's denoised input (read) and in this frame's (written); B words a frame's pixels on.</summary>
        public uint* LastRow { get; private set; }

        public uint* NextRow { get; private set; }

        /// <summary>Rows y - 1, y and y + 1 (clamped to the frame) as planes, once <see cref="UnpackAround"/> ran for row y: see there.</summary>
        public float* Up { get; private set; }

        public float* Middle { get; private set; }

        public float* Down { get; private set; }

        /// <summary>Whether <see cref="Up"/>, <see cref="Middle"/> and <see cref="Down"/> hold row y's neighbourhood.</summary>
        public bool Unpacked { get; private set; }

        /// <summary>Floats from one plane's row to the next: the width, a column each side (the frame's edge columns again, as the shader clamps), rounded up to vectors.</summary>
        public int Stride { get; }

        /// <summary>Row y's motion field row in whole pixels, when the history is fetched through motion.</summary>
        public (int[] Dx, int[] Dy) Shifts { get; private set; }

        public bool FollowsMotion => _shifts is not null;

        /// <summary>Row <paramref name="y"/> comes next: its history rows and motion (its planes are unpacked when first needed).</summary>
        public void BeginRow(int y, ReadOnlySpan<float> motion)
        {
            int width = _owner._layout.Width;
            Y = y;
            LastRow = (uint*)_last.Pointer + y * width;
            NextRow = (uint*)_next.Pointer + y * width;
            Unpacked = false;
            if (_shifts is not null) Shifts = _shifts.For(y, motion);
        }

        /// <summary>
        /// Rows y - 1, y and y + 1 of the input as planes: R at each pointer, G one stride on, B two,
        /// luma three, as <see cref="Denoise"/> computes them; each plane's column -1 and column W
        /// repeat its edge pixels, so vectors at the edges need no clamping. Rows already unpacked
        /// for the row above are kept.
        /// </summary>
        public void UnpackAround(ReadOnlySpan<uint> input)
        {
            Up = Row(input, Math.Max(Y - 1, 0));
            Middle = Row(input, Y);
            Down = Row(input, Math.Min(Y + 1, _owner._layout.Height - 1));
            Unpacked = true;
        }

        private float* Row(ReadOnlySpan<uint> input, int y)
        {
            _rows = _rows is not null ? _rows : (float*)NativeMemory.AlignedAlloc((nuint)(Slots * 4 * Stride * sizeof(float)), 32);
            int slot = y % Slots;
            float* planes = _rows + slot * 4 * Stride + Margin;
            if (_rowInSlot[slot] == y) return planes;
            int width = _owner._layout.Width, x = 0;
            var (quarter, half, perLevel, mask) = (Vector256.Create(0.25f), Vector256.Create(0.5f), Vector256.Create(1f / 255), Vector256.Create(0xFFu));
            fixed (uint* row = input.Slice(y * width, width))
            {
                for (; x <= width - 8; x += 8)
                {
                    var v = Avx.LoadVector256(row + x);
                    var r = Avx.ConvertToVector256Single((v & mask).AsInt32()) * perLevel;
                    var g = Avx.ConvertToVector256Single((Vector256.ShiftRightLogical(v, 8) & mask).AsInt32()) * perLevel;
                    var b = Avx.ConvertToVector256Single((Vector256.ShiftRightLogical(v, 16) & mask).AsInt32()) * perLevel;
                    Avx.Store(planes + x, r);
                    Avx.Store(planes + Stride + x, g);
                    Avx.Store(planes + 2 * Stride + x, b);
                    Avx.Store(planes + 3 * Stride + x, quarter * r + half * g + quarter * b);
                }
                // The rest of a row that is not a whole number of vectors: the last full vector's taps read it.
                for (; x < width; x++)
                {
                    uint v = row[x];
                    float r = (v & 255) * (1f / 255), g = ((v >> 8) & 255) * (1f / 255), b = ((v >> 16) & 255) * (1f / 255);
                    (planes[x], planes[Stride + x], planes[2 * Stride + x], planes[3 * Stride + x]) = (r, g, b, 0.25f * r + 0.5f * g + 0.25f * b);
                }
            }
            for (int plane = 0; plane < 4; plane++)
            {
                float* row = planes + plane * Stride;
                (row[-1], row[width]) = (row[0], row[width - 1]);
            }
            _rowInSlot[slot] = y;
            return planes;
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            if (_rows is not null) NativeMemory.AlignedFree(_rows);
            _rows = null;
            _last.Dispose();
            _next.Dispose();
            _shifts?.Dispose();
        }
    }
}
