using Ffi.Tests.Cli;
using System.Runtime.InteropServices;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Values;

namespace Ffi.Tests.Downcalls;

/// <summary>The examples of the README's "Calls" and "Callbacks" sections, docs/callbacks.md and docs/cli.md, run as written against examples/libc.json.</summary>
[TestFixture]
public sealed class CallDocsExamplesTests
{
    private static string LibcSpec => Path.Combine(TestContext.CurrentContext.TestDirectory, "examples", "libc.json");

    [Test]
    public void ReadmeCallsSection()
    {
        using var libc = NativeModule.Open(FfiSpec.Load(LibcSpec));

        var strlen = libc.GetFunction<Func<string, ulong>>("strlen");
        Assert.That(strlen("h\u00e9llo"), Is.EqualTo(6));

        FfiValue r = libc.Function("abs").Invoke([-42]);
        var d = (StructValue)libc.Invoke("div", 17, 5)!;
        Assert.That($"{r.ToInt64()} {d["quot"]} {d["rem"]}", Is.EqualTo("42 3 2"));
        var buf = libc.Memory.Malloc(32);
        libc.Invoke("snprintf", buf, 32UL, "%s %.2f", new object?[] { "pi", 3.14159 });
        Assert.That(libc.Memory.String(buf), Is.EqualTo("pi 3.14"));
    }

    [StructLayout(LayoutKind.Sequential)]
    private record struct DivT(int Quot, int Rem);

    [Test]
    public void CallsPageStructResultsSection()
    {
        using var libc = NativeModule.Open(FfiSpec.Load(LibcSpec));
        int blocks = libc.Memory.LiveBlockCount;

        var divFn = libc.Function("div");
        FfiValue dv = divFn.Invoke([17, 5]);
        Assert.That(dv.Kind, Is.EqualTo(FfiValueKind.Aggregate));
        Assert.That(libc.Memory.Get(dv, "quot"), Is.EqualTo(3));
        Assert.That(dv.ToStruct<DivT>(), Is.EqualTo(new DivT(3, 2)));

        var sv = (StructValue)libc.Invoke("div", 17, 5)!;
        Assert.That(sv.InStorage, Is.False);
        Assert.That(libc.Memory.LiveBlockCount, Is.EqualTo(blocks), "nothing in module storage so far");
        NativePointer storage = sv.Pointer;
        Assert.That(libc.Memory.Get(storage, "rem"), Is.EqualTo(2));
        Assert.That(libc.Memory.LiveBlockCount, Is.EqualTo(blocks + 1), "Pointer moved it into module storage");

        var reused = libc.Memory.New("div_t");
        divFn.InvokeInto([17, 5], reused);
        Assert.That(libc.Memory.Get(reused, "quot"), Is.EqualTo(3));
    }

    [Test]
    public void ReadmeCallbacksSection()
    {
        using var libc = NativeModule.Open(FfiSpec.Load(LibcSpec));

        var qsort = libc.GetFunction<Action<int[], nuint, nuint, Func<nint, nint, int>>>("qsort");
        int[] data = [5, 3, 9, 1];
        qsort(data, (nuint)data.Length, sizeof(int), (a, b) => Marshal.ReadInt32(a).CompareTo(Marshal.ReadInt32(b)));
        Assert.That(string.Join(" ", data), Is.EqualTo("1 3 5 9"));

        libc.Invoke("qsort", data, (nuint)data.Length, (nuint)sizeof(int), (FfiCallbackHandler)(args =>
            Marshal.ReadInt32(((NativePointer)args[1]!).Address).CompareTo(Marshal.ReadInt32(((NativePointer)args[0]!).Address))));
        Assert.That(string.Join(" ", data), Is.EqualTo("9 5 3 1"));

        string? message = null;
        try { qsort(data, 4, 4, (a, b) => throw new InvalidOperationException("no")); }
        catch (FfiCallbackException e) { message = e.InnerException!.Message; }
        Assert.That(message, Is.EqualTo("no"));

        using var cmp = libc.Callbacks.Register("cmp_fn", (Func<nint, nint, int>)((a, b) => Marshal.ReadInt32(a).CompareTo(Marshal.ReadInt32(b))));
        Assert.That(cmp.IsAlive, Is.True);

        // docs/callbacks.md: the FfiValue form and bsearch with the registered comparator.
        Func<nint, nint, int> ascending = (a, b) => Marshal.ReadInt32(a).CompareTo(Marshal.ReadInt32(b));
        libc.Function("qsort").Invoke([FfiValue.FromObject(data), 4UL, 4UL, FfiValue.FromObject(ascending)]);
        Assert.That(string.Join(" ", data), Is.EqualTo("1 3 5 9"));
        var bsearch = libc.GetFunction<Func<int[], int[], nuint, nuint, NativePointer, nint>>("bsearch");
        var key = new[] { 5 };
        nint found = bsearch(key, data, 4, sizeof(int), cmp);
        Assert.That(found, Is.Not.EqualTo((nint)0));
        Assert.That(Marshal.ReadInt32(found), Is.EqualTo(5));
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => InProcessCli.Trimmed(args);

    [Test]
    public void CliCallExamples()
    {
        Assert.That(Run("call", LibcSpec, "abs", "-42"), Is.EqualTo((0, "42", "")));
        Assert.That(Run("call", LibcSpec, "div", "17", "5").Out, Is.EqualTo("""{"quot":3,"rem":2}"""));
        Assert.That(Run("call", LibcSpec, "strlen", "\"h\\u00e9llo\"").Out, Is.EqualTo("6"));
        Assert.That(Run("call", LibcSpec, "snprintf", "null", "0", "\"%d-%s\"", "[42, \"x\"]").Out, Is.EqualTo("4"));
        var denied = Run("call", LibcSpec, "unlink", "\"/tmp/nope\"");
        Assert.That(denied.Code, Is.EqualTo(1));
        Assert.That(denied.Err, Does.StartWith("ffi call: unlink: capability \"fs\" was not granted"));
    }

    [Test]
    public void CliBatchExample()
    {
        var stdout = new StringWriter();
        int code = Demo.Cli.Batch([LibcSpec], new StringReader("{\"fn\":\"div\",\"args\":[17,5]}\n{\"fn\":\"abs\",\"args\":[1.5]}\n"), stdout, new StringWriter());
        Assert.That(code, Is.Zero);
        Assert.That(stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            """{"ok":true,"ret":{"quot":3,"rem":2}}""",
            """{"ok":false,"error":"abs: param[0] (int): non-integral float to int: Double 1.5 for int","type":"FfiArgumentException"}""",
        }));
        var readme = new StringWriter();
        Demo.Cli.Batch([LibcSpec], new StringReader("{\"fn\":\"abs\",\"args\":[-42]}\n"), readme, new StringWriter());
        Assert.That(readme.ToString().Trim(), Is.EqualTo("""{"ok":true,"ret":42}"""));
    }
}
