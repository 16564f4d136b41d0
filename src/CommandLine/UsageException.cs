namespace ClipLit.Cli.CommandLine;

/// <summary>The command line was wrong; the message says how. Exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
