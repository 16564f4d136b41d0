namespace ClipLit.Renderer.Presentation;

/// <summary>
/// A window or its presentation could not be set up; the message says why and what to install or try.
/// Thread-safety: immutable once thrown.
/// </summary>
public sealed class PresentationException(string message) : Exception(message);
