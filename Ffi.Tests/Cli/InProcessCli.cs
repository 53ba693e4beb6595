namespace Ffi.Tests.Cli;

/// <summary>Runs the <c>ffi</c> command line in this process, as the CLI tests and the docs tests do.</summary>
internal static class InProcessCli
{
    /// <summary>Runs <c>ffi ARGS</c> (<c>batch</c> reads <paramref name="stdin"/>): the exit code, stdout and stderr as written.</summary>
    public static (int Code, string Out, string Err) Run(string[] args, string stdin = "")
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = args.Length > 0 && args[0] == "batch"
            ? Demo.Cli.Batch(args[1..], new StringReader(stdin), stdout, stderr)
            : Demo.Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The same with stdout and stderr trimmed.</summary>
    public static (int Code, string Out, string Err) Trimmed(string[] args)
    {
        var (code, stdout, stderr) = Run(args);
        return (code, stdout.Trim(), stderr.Trim());
    }
}
