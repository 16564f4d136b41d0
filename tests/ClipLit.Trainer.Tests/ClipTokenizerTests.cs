using System.Text.Json;
using ClipLit.TestSupport;
using ClipLit.Trainer.Clip;

namespace ClipLit.Trainer.Tests;

/// <summary>CLIP's BPE tokenizer against OpenAI's, on the texts of ../shared/golden/clip (ids exactly equal).</summary>
[TestFixture]
public sealed class ClipTokenizerTests
{
    private static readonly ClipTokenizer Tokenizer = ClipTokenizer.Load(SharedData.Path("clip", "bpe_simple_vocab_16e6.txt.gz"));

    private static JsonElement Manifest() => JsonDocument.Parse(File.ReadAllText(SharedData.Path("golden", "clip", "manifest.json"))).RootElement;

    [Test]
    public void TheVocabularyHasClipsSizeAndSpecialTokens()
    {
        Assert.That(Tokenizer.VocabularySize, Is.EqualTo(49408));
        Assert.That((Tokenizer.StartToken, Tokenizer.EndToken), Is.EqualTo((49406, 49407)));
    }

    [Test]
    public void EveryTokenizerCaseGivesOpenAIsIds()
    {
        string[] cases = Manifest().GetProperty("tokenizer_cases").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var expected = Npy.ReadInt64(SharedData.Path("golden", "clip", "tokenizer.tokens.npy"));
        Assert.That(expected.Shape, Is.EqualTo(new long[] { cases.Length, ClipTokenizer.ContextLength }));
        for (int i = 0; i < cases.Length; i++)
        {
            var row = expected.Values.Skip(i * ClipTokenizer.ContextLength).Take(ClipTokenizer.ContextLength).Select(v => (int)v);
            Assert.That(Tokenizer.Tokenize(cases[i]), Is.EqualTo(row), $"'{cases[i]}'");
        }
    }

    [Test]
    public void ThePromptTextsGiveOpenAIsIds()
    {
        string[] texts = Manifest().GetProperty("texts").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var expected = Npy.ReadInt64(SharedData.Path("golden", "clip", "inputs.tokens.npy"));
        for (int i = 0; i < texts.Length; i++)
            Assert.That(Tokenizer.Tokenize(texts[i]), Is.EqualTo(expected.Values.Skip(i * 77).Take(77).Select(v => (int)v)), $"'{texts[i]}'");
    }

    [Test]
    public void ATooLongTextIsCutAndStillEnds()
    {
        int[] ids = Tokenizer.Tokenize(string.Join(' ', Enumerable.Repeat("backlit", 200)));
        Assert.That(ids, Has.Length.EqualTo(77));
        Assert.That((ids[0], ids[^1]), Is.EqualTo((Tokenizer.StartToken, Tokenizer.EndToken)));
    }

    [Test]
    public void AFileThatIsNotAMergesFileIsNamed()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "#version: 0.2\nnot-a-merge\n");
            var error = Assert.Throws<InvalidDataException>(() => ClipTokenizer.Load(path));
            Assert.That(error!.Message, Does.StartWith(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
