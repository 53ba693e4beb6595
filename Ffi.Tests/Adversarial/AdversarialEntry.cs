namespace Ffi.Tests.Adversarial;

/// <summary>
/// The test assembly's entry point (Ffi.Tests.csproj sets <c>GenerateProgramFile</c> to false so that this one is
/// used): <c>dotnet Ffi.Tests.dll --isolated FIXTURE METHOD</c> runs one case for <see cref="Isolated"/>. The test
/// runner loads the assembly as a library and never calls it.
/// </summary>
public static class AdversarialEntry
{
    /// <summary>Runs the case named by the arguments; exit code 0 when it passed, 1 when it failed, 2 on bad usage.</summary>
    public static int Main(string[] args)
    {
        if (args.Length == 3 && args[0] == Isolated.Switch) return Isolated.RunInChild(args[1], args[2]);
        Console.Error.WriteLine($"usage: dotnet Ffi.Tests.dll {Isolated.Switch} FIXTURE METHOD (run by the adversarial tests)");
        return 2;
    }
}
