using CsCheck;

namespace ClipLit.TestSupport;

/// <summary>
/// Generators of damaged copies of real files, for property tests of readers: a few bytes flipped
/// or set, a piece cut out, repeated or inserted, the end cut off. Small damage keeps most of a
/// file's structure, so the reader gets past its first check and meets the damage deep inside.
/// </summary>
public static class Mutations
{
    /// <summary>Copies of <paramref name="original"/> with one to four pieces of damage.</summary>
    public static Gen<byte[]> Of(byte[] original) =>
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, Math.Max(0, original.Length - 1)], Gen.Int[1, 64], Gen.Byte.Array[1, 16])
            .Array[1, 4]
            .Select(edits => edits.Aggregate(original, (bytes, edit) => Apply(bytes, edit.Item1, edit.Item2, edit.Item3, edit.Item4)));

    private static byte[] Apply(byte[] bytes, int kind, int at, int length, byte[] random)
    {
        if (bytes.Length == 0) return random;
        at = Math.Min(at, bytes.Length - 1);
        length = Math.Min(length, bytes.Length - at);
        var copy = bytes.ToList();
        switch (kind)
        {
            case 0: // flip bits
                copy[at] ^= (byte)(random[0] | 1);
                break;
            case 1: // overwrite with random bytes
                for (int i = 0; i < random.Length && at + i < copy.Count; i++) copy[at + i] = random[i];
                break;
            case 2: // cut a piece out
                copy.RemoveRange(at, length);
                break;
            case 3: // repeat a piece
                copy.InsertRange(at, bytes.AsSpan(at, length).ToArray());
                break;
            case 4: // insert random bytes
                copy.InsertRange(at, random);
                break;
            default: // cut the end off
                copy.RemoveRange(at, copy.Count - at);
                break;
        }
        return copy.ToArray();
    }
}
