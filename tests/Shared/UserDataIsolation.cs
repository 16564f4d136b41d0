using ClipLit.TestSupport;

/// <summary>
/// Before any test of this assembly (a set-up fixture outside every namespace applies to all of
/// them): the user's own data folder is replaced by one of this run (<see cref="IsolatedUserData"/>).
/// Linked into every test project by tests/Directory.Build.props.
/// </summary>
[SetUpFixture]
public sealed class UserDataIsolation
{
    [OneTimeSetUp]
    public void Isolate() => IsolatedUserData.Apply();

    [OneTimeTearDown]
    public void Remove() => IsolatedUserData.Remove();
}
