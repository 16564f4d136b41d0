namespace ClipLit.Renderer.Cpu;

/// <summary>
/// 8-bit and 16-bit channels as floats the way the shaders read them (shaders/frame_pixels.glsl):
/// (float)(v / 255.0) and (float)(v / 65535.0). A float division of the channel by 255 (or 65535)
/// gives the same float, since a quotient of small integers rounded through double is correctly
/// rounded; the vector stages divide and the scalar ones look up.
/// Thread-safety: immutable.
/// </summary>
internal static class Unit8
{
    public static readonly float[] Values = Enumerable.Range(0, 256).Select(v => (float)(v / 255.0)).ToArray();

    public static float Of16(uint v) => (float)(v / 65535.0);
}
