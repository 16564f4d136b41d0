using System.CommandLine;
using ClipLit.Cli.CommandLine;

namespace ClipLit.Cli.Commands;

/// <summary>
/// <c>cliplit completion bash|zsh</c>: prints a script that makes the shell complete cliplit's
/// commands, options and option values. The script asks cliplit itself, through System.CommandLine's
/// <c>[suggest:POSITION]</c> directive (<c>cliplit "[suggest:11]" "cliplit enh"</c> prints
/// <c>enhance</c>), so completion follows the same definitions as parsing; no global tool is needed.
/// </summary>
public sealed class CompletionCommand : AppCommand
{
    /// <summary>
    /// Bash: asks cliplit for the words at the cursor; options only once a '-' is typed, else
    /// commands and option values, and file names where cliplit has none (-o default).
    /// </summary>
    public const string BashScript = """
        # cliplit completion for bash: commands, options and their values, from cliplit's own
        # definitions (it answers cliplit "[suggest:POSITION]" "LINE"); file names elsewhere.
        # Load it with: source <(cliplit completion bash)
        _cliplit_complete()
        {
            local IFS=$'\n' word=${COMP_WORDS[COMP_CWORD]} suggestions
            suggestions=$("${COMP_WORDS[0]}" "[suggest:$COMP_POINT]" "$COMP_LINE" 2>/dev/null)
            [[ $word == -* ]] || suggestions=$(grep -v '^-' <<<"$suggestions")
            COMPREPLY=($(compgen -W "$suggestions" -- "$word"))
        }
        complete -o default -F _cliplit_complete cliplit
        """;

    /// <summary>Zsh: the same as <see cref="BashScript"/>, with zsh's completion system (compinit).</summary>
    public const string ZshScript = """
        #compdef cliplit
        # cliplit completion for zsh: commands, options and their values, from cliplit's own
        # definitions (it answers cliplit "[suggest:POSITION]" "LINE"); file names elsewhere.
        # Load it with: source <(cliplit completion zsh)   (after compinit)
        _cliplit() {
            local line=${(j: :)words} before=${(j: :)words[1,CURRENT]}
            local -a suggestions
            suggestions=(${(f)"$(${words[1]} "[suggest:${#before}]" "$line" 2>/dev/null)"})
            [[ $PREFIX == -* ]] || suggestions=(${suggestions:#-*})
            if (( $#suggestions )); then
                compadd -a suggestions
            else
                _files
            fi
        }
        if [[ $funcstack[1] == _cliplit ]]; then
            _cliplit "$@"
        else
            compdef _cliplit cliplit
        fi
        """;

    private static readonly Dictionary<string, string> Scripts = new() { ["bash"] = BashScript, ["zsh"] = ZshScript };

    private readonly Argument<string?> _shell = new("shell") { Description = "bash or zsh", Arity = ArgumentArity.ZeroOrOne };

    public CompletionCommand(CliContext context) : base("completion", "print a shell script that completes cliplit's commands and options")
    {
        _shell.CompletionSources.Add([.. Scripts.Keys]);
        Arguments.Add(_shell);
        Validators.Add(result =>
        {
            if (result.GetValue(_shell) is not { } shell) result.AddError("name a shell: bash or zsh");
            else if (!Scripts.ContainsKey(shell)) result.AddError($"the shell must be bash or zsh, got '{shell}'");
        });
        Explain("Setup", """
            bash:  source <(cliplit completion bash)    e.g. in ~/.bashrc
            zsh:   source <(cliplit completion zsh)     in ~/.zshrc, after compinit
            The script asks cliplit for completions (cliplit "[suggest:POSITION]" "LINE",
            System.CommandLine's directive), so it completes exactly the commands and options this
            cliplit has; options appear once a '-' is typed, file names where no command, option or
            value fits.
            """);
        SetAction(result =>
        {
            context.Out.WriteLine(Scripts[result.GetValue(_shell)!]);
            return ExitCodes.Success;
        });
    }
}
