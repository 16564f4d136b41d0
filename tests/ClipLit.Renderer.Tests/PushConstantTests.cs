using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using ClipLit.Renderer.Passes;
using ClipLit.TestSupport;

namespace ClipLit.Renderer.Tests;

/// <summary>Each pass's push-constant struct mirrors its shader's block: same fields, same order, same size.</summary>
[TestFixture]
public sealed partial class PushConstantTests
{
    private static readonly Dictionary<string, Type> Mirrors = new()
    {
        ["unpack"] = typeof(FrameFormat),
        ["compose"] = typeof(ComposePush),
        ["downscale"] = typeof(DownscalePush),
        ["temporal"] = typeof(TemporalPush),
        ["guided_coefficients"] = typeof(GuidedCoefficientsPush),
        ["box_mean"] = typeof(BoxMeanPush),
        ["light_range"] = typeof(LightRangePush),
        ["thumbnail"] = typeof(ThumbnailPush),
        ["reproject"] = typeof(ReprojectPush),
    };

    [Test]
    public void EveryShaderHasAMirror()
    {
        var shaders = Directory.GetFiles(Path.Combine(SharedData.RepositoryRoot, "shaders"), "*.comp").Select(Path.GetFileNameWithoutExtension);
        Assert.That(shaders, Is.EquivalentTo(Mirrors.Keys));
    }

    [TestCaseSource(nameof(Shaders))]
    public void StructMatchesTheShadersBlock(string shader)
    {
        string source = File.ReadAllText(Path.Combine(SharedData.RepositoryRoot, "shaders", shader + ".comp"));
        var block = PushBlock().Match(source);
        Assert.That(block.Success, $"{shader}.comp has no push_constant block");
        var fields = Field().Matches(block.Groups[1].Value).Select(m => (Type: m.Groups[1].Value, Name: m.Groups[2].Value)).ToList();

        var mirror = Mirrors[shader];
        var members = mirror.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod!.IsPublic && p.DeclaringType == mirror && p.Name != "Pixels")
            .Select(p => p.Name).ToList();
        Assert.That(members.Select(Camel), Is.EqualTo(fields.Select(f => f.Name)), "field names and order");
        Assert.That(Marshal.SizeOf(mirror), Is.EqualTo(fields.Count * 4), "size (all fields are 4-byte scalars)");
        foreach (var (type, name) in fields)
            Assert.That(type, Is.AnyOf("uint", "int", "float"), $"{shader}.{name} is not a 4-byte scalar");
    }

    private static IEnumerable<string> Shaders() => Mirrors.Keys;

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    [GeneratedRegex(@"layout\(push_constant\)\s*uniform\s+\w+\s*\{([^}]*)\}")]
    private static partial Regex PushBlock();

    [GeneratedRegex(@"(\w+)\s+(\w+)\s*;")]
    private static partial Regex Field();
}
