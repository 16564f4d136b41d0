using ClipLit.Engine.Models;
using ClipLit.Inference.Graph;
using ClipLit.Inference.Model;
using ClipLit.TestSupport;
using Microsoft.ML.OnnxRuntime;

namespace ClipLit.Cli.Tests;

/// <summary>Where models come from: export, the default model lookup, and provisioning.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ModelCommandTests
{
    private Workspace _workspace = null!;
    private readonly Dictionary<string, string?> _savedEnvironment = new();

    [SetUp]
    public void CreateWorkspace()
    {
        _workspace = new Workspace();
        foreach (var name in new[] { ModelStore.ModelVariable, ModelStore.SourceVariable, "XDG_DATA_HOME", "CLIPLIT_SHARED" })
            _savedEnvironment[name] = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable("XDG_DATA_HOME", _workspace.PathOf("data"));
        Environment.SetEnvironmentVariable(ModelStore.ModelVariable, null);
        Environment.SetEnvironmentVariable(ModelStore.SourceVariable, null);
    }

    [TearDown]
    public void Restore()
    {
        foreach (var (name, value) in _savedEnvironment) Environment.SetEnvironmentVariable(name, value);
        _workspace.Dispose();
    }

    [Test]
    public void ExportWritesAGraphThatRunsAloneInOnnxRuntime()
    {
        string model = _workspace.PathOf("fixed.onnx");
        Assert.That(Cli.Run("export", "--checkpoint", SharedData.EnhancementCheckpoint, "-o", model, "--size", "40x30").ExitCode, Is.EqualTo(0));

        using var session = new InferenceSession(model);
        Assert.That(session.InputMetadata.Keys, Is.EquivalentTo(new[] { EnhancementGraphBuilder.ImageInput }));
        Assert.That(session.InputMetadata[EnhancementGraphBuilder.ImageInput].Dimensions, Is.EqualTo(new[] { 1, 3, 30, 40 }));
        Assert.That(session.OutputMetadata.Keys, Is.EquivalentTo(new[] { EnhancementGraphBuilder.LightMapOutput }));
        var weights = ModelLoader.Load(model);
        var original = ModelLoader.Load(SharedData.EnhancementCheckpoint);
        foreach (var (name, tensor) in original.All) Assert.That(weights[name].Values, Is.EqualTo(tensor.Values), name);
    }

    [Test]
    public void DynamicExportHasSymbolicSize()
    {
        string model = _workspace.PathOf("any.onnx");
        Assert.That(Cli.Run("export", "--checkpoint", SharedData.EnhancementCheckpoint, "-o", model).ExitCode, Is.EqualTo(0));
        using var session = new InferenceSession(model);
        Assert.That(session.InputMetadata[EnhancementGraphBuilder.ImageInput].Dimensions, Is.EqualTo(new[] { 1, 3, -1, -1 }));
    }

    [Test]
    public void WithoutAModelTheErrorSaysHowToGetOne()
    {
        var result = Cli.Run("enhance", _workspace.Photo("p.png"), "-o", _workspace.PathOf("out.png"));
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("no default model").And.Contain("./setup"));
    }

    [Test]
    public void ModelVariableNamesTheDefaultModel()
    {
        Environment.SetEnvironmentVariable(ModelStore.ModelVariable, SharedData.EnhancementCheckpoint);
        var result = Cli.Run("enhance", _workspace.Photo("p.png"), "-o", _workspace.PathOf("out.png"));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Error, Does.Contain($"model {SharedData.EnhancementCheckpoint}"));
    }

    [Test]
    public void InstallProvisionsFromTheSourceVariableThenUsesIt()
    {
        Environment.SetEnvironmentVariable(ModelStore.SourceVariable, Path.GetDirectoryName(SharedData.EnhancementCheckpoint));
        var install = Cli.Run("models", "install");
        Assert.That(install.ExitCode, Is.EqualTo(0), install.ToString());
        Assert.That(install.Error, Does.Contain("$CLIPLIT_MODEL_SOURCE"));
        string installed = Path.Combine(_workspace.PathOf("data"), "cliplit", "models", ModelStore.DefaultModelFileName);
        Assert.That(File.ReadAllBytes(installed), Is.EqualTo(File.ReadAllBytes(SharedData.EnhancementCheckpoint)));

        // The default student comes with it: a student of the very checkpoint installed.
        string student = Path.Combine(StudentStore.UserStudentFolder, StudentStore.DefaultStudentFileName);
        Assert.That(install.Error, Does.Contain($"installed the default student").And.Contain(student));
        Assert.That(ModelFile.LoadStudent(student).IsStudentOf(ModelFile.Load(installed)), "the student names the installed checkpoint as its teacher");
        Assert.That(Cli.Run("models").Out, Does.Contain($"student (fast quality): {student}"));

        var again = Cli.Run("models", "install");
        Assert.That(again.Error, Does.Contain("already installed").And.Contain("default student already installed"));

        // An earlier version's default student (another student of the same checkpoint): install brings the shipped one, as the note says.
        byte[] shipped = File.ReadAllBytes(student);
        TestStudents.Write(student, installed);
        var update = Cli.Run("models", "install");
        Assert.That(update.Error, Does.Contain("installed the default student"), update.ToString());
        Assert.That(File.ReadAllBytes(student), Is.EqualTo(shipped), "the installed copy is the shipped student again");

        var result = Cli.Run("enhance", _workspace.Photo("p.png"), "-o", _workspace.PathOf("out.png"));
        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Error, Does.Contain($"model {installed}"));
    }

    [Test]
    public void InstallFailsClearlyWhenNoSourceHasTheModelAndTheDownloadFails()
    {
        string empty = Directory.CreateDirectory(_workspace.PathOf("empty")).FullName;
        Environment.SetEnvironmentVariable("CLIPLIT_SHARED", empty);
        Environment.SetEnvironmentVariable(ModelStore.SourceVariable, empty);
        // A local URL that refuses connections stands in for the unreachable internet.
        var result = Cli.Run("models", "install", "--url", "http://127.0.0.1:9/enhancement_model.pth");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("cannot provision the default model").And.Contain(empty).And.Contain("download from http://127.0.0.1:9"));
        string models = Path.Combine(_workspace.PathOf("data"), "cliplit", "models");
        Assert.That(!Directory.Exists(models) || Directory.GetFiles(models).Length == 0, "no partial download is left");
    }

    [Test]
    public void ASourceThatFailsIsAnErrorNeverAnotherSource()
    {
        // The shared folder (found beside the repository) holds a valid model: asked for another source, it must not be taken.
        string installed = ModelStore.UserDefaultModel;
        string missing = _workspace.PathOf("missing");
        var absent = Cli.Run("models", "install", "--source", missing);
        Assert.That(absent.ExitCode, Is.EqualTo(1), absent.ToString());
        Assert.That(absent.ErrorLines, Is.EqualTo(new[] { $"error: {missing}: --source: no such folder" }));

        string broken = Directory.CreateDirectory(_workspace.PathOf("broken")).FullName;
        File.WriteAllBytes(Path.Combine(broken, ModelStore.DefaultModelFileName), [1, 2, 3, 4, 5]);
        var invalid = Cli.Run("models", "install", "--source", broken);
        Assert.That(invalid.ExitCode, Is.EqualTo(1), invalid.ToString());
        Assert.That(invalid.ErrorLines.Single(), Does.StartWith($"error: {Path.Combine(broken, ModelStore.DefaultModelFileName)}: --source: "));
        Assert.That(File.Exists(installed), Is.False, "nothing installed from elsewhere");

        // A valid source replaces an installed model of other content: what was asked for is what is installed.
        string other = Directory.CreateDirectory(_workspace.PathOf("other")).FullName;
        File.Copy(SharedData.InitialEnhancementCheckpoint, Path.Combine(other, ModelStore.DefaultModelFileName));
        Assert.That(Cli.Run("models", "install").ExitCode, Is.Zero);
        var replaced = Cli.Run("models", "install", "--source", other);
        Assert.That(replaced.ExitCode, Is.Zero, replaced.ToString());
        Assert.That(File.ReadAllBytes(installed), Is.EqualTo(File.ReadAllBytes(SharedData.InitialEnhancementCheckpoint)));
    }
}
