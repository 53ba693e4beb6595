// Build script: dotnet tool restore && dotnet cake [--target=Clean|Build|Test|Pack] [--configuration=Release|Debug]
var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var solution = "./Ffi.sln";
var artifacts = Directory("./artifacts");

Task("Clean")
    .Description("Removes build outputs and artifacts.")
    .Does(() =>
{
    CleanDirectories("./Ffi.*/bin/" + configuration);
    CleanDirectories("./Ffi.*/obj/" + configuration);
    CleanDirectory(artifacts);
});

Task("Build")
    .Description("Restores and builds the solution (warnings are errors).")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration });
});

Task("Test")
    .Description("Runs the NUnit suite (needs gcc: the tests compile C fixtures).")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetTest(solution, new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        Loggers = { "console;verbosity=normal", "trx;LogFileName=results.trx" },
        ResultsDirectory = artifacts + Directory("test-results"),
    });
});

Task("Pack")
    .Description("Packs Ffi.Core, Ffi.Emit (with .snupkg symbols), the Ffi.Tool .NET tool and the Ffi.Build MSBuild package into ./artifacts (docs/packages.md).")
    .IsDependentOn("Test")
    .Does(() =>
{
    DotNetPack(solution, new DotNetPackSettings
    {
        Configuration = configuration,
        NoBuild = true,
        OutputDirectory = artifacts,
    });
});

RunTarget(target);
