using ClipLit.Core.Files;

namespace ClipLit.VideoIO.Video;

/// <summary>A video file could not be read or written (<see cref="FileProblemException"/>).</summary>
public sealed class VideoFileException(string path, string problem, Exception? inner = null) : FileProblemException(path, problem, inner);
