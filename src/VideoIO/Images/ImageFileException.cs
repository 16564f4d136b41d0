using ClipLit.Core.Files;

namespace ClipLit.VideoIO.Images;

/// <summary>An image file could not be read or written (<see cref="FileProblemException"/>).</summary>
public sealed class ImageFileException(string path, string problem, Exception? inner = null) : FileProblemException(path, problem, inner);
