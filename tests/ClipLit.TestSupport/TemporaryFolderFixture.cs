using NUnit.Framework;

namespace ClipLit.TestSupport;

/// <summary>Base for test classes that need a fresh temporary folder per test, deleted afterwards.</summary>
public abstract class TemporaryFolderFixture
{
    /// <summary>This test's folder.</summary>
    protected string Folder { get; private set; } = "";

    [SetUp]
    public void CreateTemporaryFolder() => Folder = Directory.CreateTempSubdirectory($"cliplit-{GetType().Name}-").FullName;

    [TearDown]
    public void DeleteTemporaryFolder()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}
