using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace ClipLit.Trainer.Clip;

/// <summary>
/// CLIP's byte-level BPE tokenizer, as OpenAI's <c>SimpleTokenizer</c>: text is HTML-unescaped,
/// whitespace-collapsed and lower-cased, split by CLIP's pattern, each piece's UTF-8 bytes mapped to
/// printable characters, merged by the BPE ranks of <c>bpe_simple_vocab_16e6.txt.gz</c> (the last
/// symbol of a word carries <c>&lt;/w&gt;</c>), then looked up in the 49408-entry vocabulary.
/// <see cref="Tokenize"/> wraps the ids in start/end tokens and pads to the 77-token context.
/// (OpenAI also runs ftfy's mojibake repair first; for well-formed text it changes nothing.)
/// Thread-safety: immutable after construction except the word cache, which is locked.
/// </summary>
public sealed partial class ClipTokenizer
{
    public const int ContextLength = 77;
    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";

    /// <summary>Merges used from the file: OpenAI's 49152-entry vocabulary less the 256 bytes, their 256 word-end forms and the two specials.</summary>
    private const int MergeCount = 49152 - 256 - 2;

    private readonly Dictionary<string, int> _encoder = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), int> _ranks = new();
    private readonly string[] _byteToChar = BytesToUnicode();
    private readonly Dictionary<string, string[]> _cache = new(StringComparer.Ordinal);

    private ClipTokenizer(IReadOnlyList<(string First, string Second)> merges)
    {
        // OpenAI's order: the printable bytes' characters first, then the shifted ones (its dict's insertion order).
        var bytes = Enumerable.Range(0, 256).OrderBy(b => IsPrintable(b) ? 0 : 1).Select(b => _byteToChar[b]).ToList();
        var vocabulary = new List<string>(bytes);
        vocabulary.AddRange(bytes.Select(c => c + "</w>"));
        vocabulary.AddRange(merges.Select(m => m.First + m.Second));
        vocabulary.Add(StartOfText);
        vocabulary.Add(EndOfText);
        for (int i = 0; i < vocabulary.Count; i++) _encoder[vocabulary[i]] = i;
        for (int i = 0; i < merges.Count; i++) _ranks[merges[i]] = i;
        foreach (string special in new[] { StartOfText, EndOfText }) _cache[special] = [special];
    }

    public int VocabularySize => _encoder.Count;

    public int StartToken => _encoder[StartOfText];

    public int EndToken => _encoder[EndOfText];

    /// <summary>Reads the merges file (gzip, as OpenAI ships it, or plain text).</summary>
    /// <exception cref="InvalidDataException">The file is not a CLIP BPE merges file.</exception>
    public static ClipTokenizer Load(string path)
    {
        using var file = File.OpenRead(path);
        using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        reader.ReadLine(); // "#version: 0.2"
        var merges = new List<(string, string)>(MergeCount);
        while (merges.Count < MergeCount && reader.ReadLine() is { } line)
        {
            int space = line.IndexOf(' ');
            if (space <= 0 || space == line.Length - 1) throw new InvalidDataException($"{path}: line {merges.Count + 2} is not a BPE merge ('{line}')");
            merges.Add((line[..space], line[(space + 1)..]));
        }
        if (merges.Count < MergeCount) throw new InvalidDataException($"{path}: {merges.Count} merges, CLIP's vocabulary needs {MergeCount}");
        return new ClipTokenizer(merges);
    }

    /// <summary>The BPE token ids of <paramref name="text"/>, without start and end tokens.</summary>
    public List<int> Encode(string text)
    {
        var ids = new List<int>();
        string cleaned = WhitespaceRun().Replace(WebUtility.HtmlDecode(WebUtility.HtmlDecode(text)), " ").Trim().ToLowerInvariant();
        foreach (Match piece in Pattern().Matches(cleaned))
        {
            string symbols = string.Concat(Encoding.UTF8.GetBytes(piece.Value).Select(b => _byteToChar[b]));
            foreach (string token in Bpe(symbols)) ids.Add(_encoder[token]);
        }
        return ids;
    }

    /// <summary>
    /// Start token, the text's ids, end token, zero-padded to <see cref="ContextLength"/>; a longer
    /// text is cut and ends with the end token (OpenAI's <c>truncate=True</c>).
    /// </summary>
    public int[] Tokenize(string text)
    {
        var ids = new List<int> { StartToken };
        ids.AddRange(Encode(text));
        ids.Add(EndToken);
        if (ids.Count > ContextLength)
        {
            ids.RemoveRange(ContextLength, ids.Count - ContextLength);
            ids[^1] = EndToken;
        }
        var padded = new int[ContextLength];
        ids.CopyTo(padded);
        return padded;
    }

    /// <summary>A word's symbols merged pair by pair, lowest rank first, until no known pair is left.</summary>
    private string[] Bpe(string word)
    {
        lock (_cache)
        {
            if (_cache.TryGetValue(word, out var cached)) return cached;
        }
        var symbols = word.EnumerateRunes().Select(r => r.ToString()).ToList();
        symbols[^1] += "</w>";
        while (symbols.Count > 1)
        {
            int best = -1, bestRank = int.MaxValue;
            for (int i = 0; i + 1 < symbols.Count; i++)
                if (_ranks.TryGetValue((symbols[i], symbols[i + 1]), out int rank) && rank < bestRank)
                    (best, bestRank) = (i, rank);
            if (best < 0) break;
            // Merge every occurrence of the best pair, left to right, as OpenAI's loop does.
            var (first, second) = (symbols[best], symbols[best + 1]);
            var merged = new List<string>(symbols.Count);
            for (int i = 0; i < symbols.Count; i++)
            {
                if (i + 1 < symbols.Count && symbols[i] == first && symbols[i + 1] == second)
                {
                    merged.Add(first + second);
                    i++;
                }
                else merged.Add(symbols[i]);
            }
            symbols = merged;
        }
        var result = symbols.ToArray();
        lock (_cache) _cache[word] = result;
        return result;
    }

    /// <summary>
    /// OpenAI's reversible byte -> printable character table: printable Latin-1 bytes stand for
    /// themselves, the rest are shifted to code points from 256 up, in byte order.
    /// </summary>
    private static string[] BytesToUnicode()
    {
        var table = new string[256];
        int shifted = 0;
        for (int b = 0; b < 256; b++)
        {
            table[b] = char.ConvertFromUtf32(IsPrintable(b) ? b : 256 + shifted++);
        }
        return table;
    }

    private static bool IsPrintable(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;

    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRun();
}
