namespace Ffi.Demo;

/// <summary>The <c>ffi</c> program's entry point.</summary>
public static class Program
{
    /// <summary>Runs the command line; see <see cref="Cli"/>.</summary>
    public static int Main(string[] args) => Cli.Run(args, Console.Out, Console.Error);
}
