using System.Buffers;

namespace ClipLit.Renderer.Cpu;

internal sealed partial class ComposeCpu
{
    /// <summary>
    /// The motion field's vectors in whole frame pixels, one field row at a time, for the denoise's
    /// vector path in one band of rows (a field row serves <see cref="FrameLayout.MotionFactor"/>
    /// frame rows): it looks them up rather than rounding vectors pixel by pixel.
    /// Thread-safety: one band's, on its thread. Ownership: pooled arrays, returned by Dispose.
    /// </summary>
    private sealed class MotionShifts : IDisposable
    {
        private readonly ComposeCpu _owner;
        private readonly int[] _dx;
        private readonly int[] _dy;
        private int _fieldRow = -1;

        public MotionShifts(ComposeCpu owner)
        {
            _owner = owner;
            _dx = ArrayPool<int>.Shared.Rent(owner._layout.MotionWidth);
            _dy = ArrayPool<int>.Shared.Rent(owner._layout.MotionWidth);
        }

        /// <summary>The whole-pixel vectors of the motion field row that frame row <paramref name="y"/> lies in.</summary>
        public (int[] Dx, int[] Dy) For(int y, ReadOnlySpan<float> motion)
        {
            var layout = _owner._layout;
            int fieldRow = Math.Min(y / layout.MotionFactor, layout.MotionHeight - 1);
            if (fieldRow != _fieldRow)
            {
                for (int mx = 0; mx < layout.MotionWidth; mx++)
                    (_dx[mx], _dy[mx]) = _owner.Displacement(motion, 2 * (fieldRow * layout.MotionWidth + mx));
                _fieldRow = fieldRow;
            }
            return (_dx, _dy);
        }

        public void Dispose()
        {
            ArrayPool<int>.Shared.Return(_dx);
            ArrayPool<int>.Shared.Return(_dy);
        }
    }
}
