using System.Globalization;
using System.Text;

namespace Ffi.Benchmarks;

/// <summary>
/// The source of the NativeAOT app <see cref="AotColdStart"/> publishes: a project that compiles the spec of
/// <c>N</c> functions with an <c>&lt;FfiBinding&gt;</c> item (the Ffi.Build targets of this checkout, running its ffi
/// tool), as a user's project would, and a program that calls each function once, either through the compiled
/// bindings (<c>Cold.Native.f_i</c>) or through <c>[LibraryImport]</c> declarations of the same functions.
/// </summary>
internal static class AotColdStartSource
{
    /// <summary>The project file: NativeAOT, the binding of <paramref name="spec"/>, <c>Ffi.Core</c> from source.</summary>
    public static string Project(string repo, string tool, string spec) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <FfiToolPath>{tool}</FfiToolPath>
          </PropertyGroup>
          <Import Project="{repo}/Ffi.Build/build/Ffi.Build.props" />
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
            <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
            <AssemblyName>aot-cold</AssemblyName>
            <PublishAot>true</PublishAot>
          </PropertyGroup>
          <ItemGroup>
            <ProjectReference Include="{repo}/Ffi.Core/Ffi.Core.csproj" />
            <FfiBinding Include="{spec}" Namespace="Cold" />
          </ItemGroup>
          <Import Project="{repo}/Ffi.Build/build/Ffi.Build.targets" />
        </Project>
        """;

    /// <summary>
    /// <c>Program.cs</c>: <c>aot-cold MODE</c> with MODE <c>compiled</c>, <c>libraryimport</c> or <c>hello</c> prints one
    /// line: the UTC ticks at <c>Main</c> and after the last call (the parent subtracts the moment it started the
    /// process), the milliseconds from <c>Main</c> to the last call and of the first call alone, and the CPU time the main
    /// thread has run, read after the last call (read earlier, the first file read of the process would be measured
    /// too). <c>hello</c> calls nothing: the floor of a NativeAOT process.
    /// </summary>
    public static string Program(string lib, int n)
    {
        var s = new StringBuilder();
        s.Append("""
            using System.Diagnostics;
            using System.Globalization;
            using System.Runtime.InteropServices;

            long main = DateTime.UtcNow.Ticks;
            long start = Stopwatch.GetTimestamp();
            string mode = args[0];
            if (mode == "hello")
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{main} {main} 0 0 {Cpu()}"));
                return 0;
            }
            long sum = mode switch
            {
                "compiled" => Calls.Compiled(),
                "libraryimport" => Calls.Imported(),
                _ => throw new ArgumentException($"unknown mode {mode}"),
            };
            long last = DateTime.UtcNow.Ticks;
            double calls = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            double first = Stopwatch.GetElapsedTime(start, Calls.AfterFirst).TotalMilliseconds;
            double cpu = Cpu();

            """);
        s.Append(CultureInfo.InvariantCulture, $$"""
            long expected = 0;
            for (int i = 0; i < {{n}}; i++) expected += 2L * i + 1;
            if (sum != expected) throw new InvalidOperationException($"wrong results: {sum} != {expected}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{main} {last} {calls} {first} {cpu}"));
            return 0;

            // The first field of /proc/thread-self/schedstat: nanoseconds this thread has run on a CPU.
            static double Cpu() =>
                long.Parse(File.ReadAllText("/proc/thread-self/schedstat").Split(' ')[0], CultureInfo.InvariantCulture) / 1e6;

            internal static partial class Calls
            {
                private const string Lib = "{{lib}}";

                public static long AfterFirst;

            """);
        s.Append("    public static long Compiled()\n    {\n        long s = 0;\n");
        for (int i = 0; i < n; i++) s.Append(CultureInfo.InvariantCulture, $"        s += Cold.Native.f_{i}({i}, 1);\n{(i == 0 ? "        AfterFirst = Stopwatch.GetTimestamp();\n" : "")}");
        s.Append("        return s;\n    }\n\n    public static long Imported()\n    {\n        long s = 0;\n");
        for (int i = 0; i < n; i++) s.Append(CultureInfo.InvariantCulture, $"        s += f_{i}({i}, 1);\n{(i == 0 ? "        AfterFirst = Stopwatch.GetTimestamp();\n" : "")}");
        s.Append("        return s;\n    }\n\n");
        for (int i = 0; i < n; i++) s.Append(CultureInfo.InvariantCulture, $"    [LibraryImport(Lib)] private static partial int f_{i}(int a, int b);\n");
        s.Append("}\n");
        return s.ToString();
    }
}
