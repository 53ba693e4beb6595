using System.Globalization;
using System.Runtime.InteropServices;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Values;

namespace Ffi.Tests.Docs;

/// <summary>
/// docs/getting-started.md, run as written: the spec is the page's JSON block, the code is the page's C# (every
/// statement of the page must appear here), and what the code prints must be what the page's comments show.
/// </summary>
[TestFixture]
[NonParallelizable] // the page loads "libc.json" from the program's folder, AppContext.BaseDirectory
public sealed class GettingStartedTests
{
    private static readonly List<string> Printed = [];

    // The page's code prints with Console.WriteLine; here that goes to a list the test compares with the page.
    private static class Console
    {
        public static void WriteLine(object? value) => Printed.Add(Convert.ToString(value, CultureInfo.CurrentCulture) ?? "");
    }

    private record struct DivT(int Quot, int Rem);

    private static string Page => DocText.Read("docs/getting-started.md");

    [Test]
    public void ThePageRunsAndPrintsWhatItSays()
    {
        Printed.Clear();
        // The page's spec where its build would copy it; run from another directory, as a published program is.
        // (The test output already holds examples/libc.json there, for LibcExample: it is put back afterwards.)
        var spec = Path.Combine(AppContext.BaseDirectory, "libc.json");
        var existing = File.Exists(spec) ? File.ReadAllText(spec) : null;
        File.WriteAllText(spec, DocText.Blocks(Page, "json").Single());
        var elsewhere = Directory.CreateTempSubdirectory("ffi-getting-started-").FullName;
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = elsewhere;
        try
        {
            RunThePage();
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            Directory.Delete(elsewhere, recursive: true);
            if (existing is null) File.Delete(spec);
            else File.WriteAllText(spec, existing);
        }
        Assert.That(Printed, Is.EqualTo(DocText.PromisedOutput(DocText.Blocks(Page, "csharp"))));
    }

    // Sections 2 (the C form) to 7 of the page, in order.
    private static void RunThePage()
    {
        {
            using var fromC = NativeModule.Open("libc.so.6", "size_t strlen(const char *s); int abs(int j);");
            Console.WriteLine(fromC.Invoke("abs", -3));                 // 3
        }

        using var libc = NativeModule.Open(FfiSpec.Load(Path.Combine(AppContext.BaseDirectory, "libc.json")));

        var strlen = libc.GetFunction<Func<string, ulong>>("strlen");
        Console.WriteLine(strlen("hello, world"));                // 12

        var abs = libc.GetFunction<Func<int, int>>("abs");
        Console.WriteLine(abs(-7));                               // 7

        var div = libc.GetFunction<Func<int, int, DivT>>("div");   // a struct by value: any unmanaged struct of the same size
        Console.WriteLine(div(17, 5));                            // DivT { Quot = 3, Rem = 2 }

        NativeFunction absFn = libc.Function("abs");
        FfiValue r = absFn.Invoke([-42]);
        Console.WriteLine(r.ToInt64());                           // 42

        object? n = libc.Invoke("strlen", "h\u00e9llo");          // é is two bytes in UTF-8
        Console.WriteLine(n);                                     // 6

        var d = (StructValue)libc.Invoke("div", 17, 5)!;          // a struct comes back as native storage
        Console.WriteLine($"{d["quot"]} {d["rem"]}");             // 3 2

        var qsort = libc.GetFunction<Action<int[], nuint, nuint, Func<nint, nint, int>>>("qsort");
        int[] data = [5, 3, 9, 1, 7];
        qsort(data, (nuint)data.Length, sizeof(int), (a, b) => Marshal.ReadInt32(a).CompareTo(Marshal.ReadInt32(b)));
        Console.WriteLine(string.Join(" ", data));                // 1 3 5 7 9

        NativePointer box = libc.Memory.Box("div_t", new { quot = 7, rem = 1 });   // zeroed, then initialised
        libc.Memory.Set(box, "rem", 2);
        Console.WriteLine(libc.Memory.Get(box, "rem"));           // 2
        Console.WriteLine(libc.Memory.SizeOf("div_t"));           // 8
        Console.WriteLine(libc.Memory.OffsetOf("div_t", "rem"));  // 4
        libc.Memory.Free(box);

        try
        {
            libc.Invoke("abs", 1.5);
        }
        catch (FfiException e)
        {
            Console.WriteLine(e.Message);                         // abs: param[0] (int): non-integral float to int: Double 1.5 for int
        }

        // The page shows this message in a text block.
        var mismatch = Assert.Throws<FfiBindException>(() => libc.GetFunction<Func<long, long>>("abs"))!;
        Assert.That(mismatch.Message, Is.EqualTo(DocText.Blocks(Page, "text").Single().TrimEnd('\n')));
    }

    [Test]
    public void EveryStatementOfThePageIsRunHere()
    {
        var source = DocText.Read("Ffi.Tests/Docs/GettingStartedTests.cs");
        var missing = DocText.CodeLines(DocText.Blocks(Page, "csharp")).Where(line => !source.Contains(line, StringComparison.Ordinal)).ToList();
        Assert.That(missing, Is.Empty, "statements of docs/getting-started.md that this test does not run");
    }

    [Test]
    public void EveryLinkOfThePageLeadsToAFile()
    {
        var docs = Path.Combine(DocText.RepositoryRoot, "docs");
        var links = System.Text.RegularExpressions.Regex.Matches(Page, @"\]\(([^)#:]+)\)").Select(m => m.Groups[1].Value).Distinct();
        var broken = links.Where(l => !File.Exists(Path.GetFullPath(Path.Combine(docs, l)))).ToList();
        Assert.That(broken, Is.Empty);
    }
}
