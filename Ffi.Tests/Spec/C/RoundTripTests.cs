using Ffi.Demo.Import;
using Ffi.Spec;
using Ffi.Tests.Layout;
using Ffi.Types;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Spec.C;

/// <summary>
/// Spec → C declarations (<see cref="FfiSpec.ToC"/>, <c>ffi header</c>) → spec gives the same types: every name
/// of the first spec means a type of the same kind, size, alignment and members in the second, and every
/// function and variable keeps its signature and options.
/// </summary>
[TestFixture]
public sealed class RoundTripTests
{
    private static FfiSpec ThroughC(FfiSpec spec) => FfiSpec.ParseC(spec.ToC(), spec.Lib, "roundtrip.h");

    private static void AssertSame(FfiSpec a, FfiSpec b)
    {
        var diffs = new List<string>();
        foreach (var name in a.Types.Names)
        {
            if (!b.Types.TryGet(name, out var t)) { diffs.Add($"{name}: missing"); continue; }
            Compare(name, a.Types[name], t, diffs, 0);
        }
        foreach (var f in a.Functions)
        {
            if (!b.TryGetFunction(f.Name, out var g)) { diffs.Add($"function {f.Name}: missing"); continue; }
            if ((f.IsVariadic, f.ReturnsString, f.CapturesErrno, f.IsTrivial, f.Library, f.Doc, string.Join(",", f.Capabilities))
                != (g.IsVariadic, g.ReturnsString, g.CapturesErrno, g.IsTrivial, g.Library, g.Doc, string.Join(",", g.Capabilities)))
                diffs.Add($"function {f.Name}: options differ: {f.Signature} / {g.Signature}");
            Compare($"{f.Name} ret", f.ReturnType, g.ReturnType, diffs, 0);
            if (f.ParameterTypes.Count != g.ParameterTypes.Count) diffs.Add($"function {f.Name}: parameter count");
            else for (int i = 0; i < f.ParameterTypes.Count; i++) Compare($"{f.Name} param {i}", f.ParameterTypes[i], g.ParameterTypes[i], diffs, 0);
        }
        foreach (var v in a.Variables)
        {
            if (!b.TryGetVariable(v.Name, out var w)) diffs.Add($"variable {v.Name}: missing");
            else Compare($"variable {v.Name}", v.Type, w.Type, diffs, 0);
        }
        Assert.That(b.Constants, Is.SupersetOf(a.Constants));
        Assert.That(diffs, Is.Empty);
    }

    private static string Kind(CType t) => t switch
    {
        EnumType e => Kind(e.Base),
        HandleType h => $"handle<{h.Tag}> of {Kind(h.Rep)}",
        IntType i => $"{(i.IsBool ? "bool" : (i.IsSigned ? "int" : "uint") + i.Bits)}",
        _ => t.Kind.ToString(),
    };

    private static void Compare(string where, CType x, CType y, List<string> diffs, int depth)
    {
        if ((Kind(x), x.Size, x.Align) != (Kind(y), y.Size, y.Align)) { diffs.Add($"{where}: {Kind(x)} {x.Size}/{x.Align} vs {Kind(y)} {y.Size}/{y.Align}"); return; }
        if (depth > 3) return;
        switch (x, y)
        {
            case (AggregateType p, AggregateType q):
                if (p.Fields.Count != q.Fields.Count) { diffs.Add($"{where}: field count"); return; }
                for (int i = 0; i < p.Fields.Count; i++)
                {
                    var (f, g) = (p.Fields[i], q.Fields[i]);
                    if ((f.Name, f.BitOffset, f.BitWidth) != (g.Name, g.BitOffset, g.BitWidth)) diffs.Add($"{where}.{f.Name}: placement");
                    Compare($"{where}.{f.Name}", f.Type, g.Type, diffs, depth + 1);
                }
                break;
            case (PointerType p, PointerType q):
                Compare($"{where}*", p.Pointee, q.Pointee, diffs, depth + 1);
                break;
            case (FuncPtrType p, FuncPtrType q):
                if (p.Parameters.Count != q.Parameters.Count || p.IsVariadic != q.IsVariadic) { diffs.Add($"{where}: signature"); return; }
                Compare($"{where} ret", p.Return, q.Return, diffs, depth + 1);
                for (int i = 0; i < p.Parameters.Count; i++) Compare($"{where} param {i}", p.Parameters[i], q.Parameters[i], diffs, depth + 1);
                break;
            case (ArrayType p, ArrayType q):
                if (p.Length != q.Length) diffs.Add($"{where}: length");
                Compare($"{where}[]", p.Element, q.Element, diffs, depth + 1);
                break;
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void RandomTypesDeclaredInC(int seed)
    {
        var gen = new RandomLayoutGenerator(seed, $"RT{seed}_");
        gen.Generate(120);
        var spec = FfiSpec.ParseC(gen.Prelude + string.Join("\n", gen.Cases.Select(k => k.CDecl)), "libc.so.6");
        var back = ThroughC(spec);
        AssertSame(spec, back);
        Assert.That(GccLayoutOracle.Diff(GccLayoutOracle.AskEngine(spec, gen.Cases), GccLayoutOracle.AskEngine(back, gen.Cases)), Is.Empty);
    }

    [TestCase(4)]
    [TestCase(5)]
    public void RandomTypesFromJson(int seed)
    {
        var gen = new RandomLayoutGenerator(seed, $"RJ{seed}_");
        gen.Generate(120);
        var spec = FfiSpec.Parse(GccLayoutOracle.SpecJson(gen.Cases, gen.ExtraSpecTypes));
        AssertSame(spec, ThroughC(spec));
    }

    [TestCase("libc.json")]
    [TestCase("libm.json")]
    [TestCase("zlib.json")]
    [TestCase("sqlite3.json")]
    public void ExampleSpecs(string file)
    {
        var spec = FfiSpec.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "..", "examples", file));
        AssertSame(spec, ThroughC(spec));
    }

    [Test]
    public void AnnotationsAndHandles()
    {
        var spec = FfiSpec.ParseC("""
            typedef struct sqlite3 sqlite3;
            /* ffi: tag=conn */ typedef struct other other_t;
            /* ffi: tag=fd doc="a descriptor" */ typedef int fd_t;
            /* ffi: errno caps=fs,net lib=libm.so.6 doc="opens" */ int open_db(const char *name, sqlite3 **db, other_t *o, fd_t fd);
            /* ffi: trivial */ int tiny(int);
            /* ffi: ret_as_str */ char *owned(void);
            const char *version(void);
            char *buffer(void);
            int printf(const char *fmt, ...);
            typedef int (*cb)(void *, int);
            int apply(cb f, void (*g)(int));
            enum mode { READ = 1, WRITE = 2, BIG = -1 };
            #define LIMIT 4096
            /* ffi: caps=env */ extern char **environ;
            """, "libt.so.1");
        var back = ThroughC(spec);
        AssertSame(spec, back);
        Assert.That(back.Constants.Single(c => c.Key == "LIMIT").Value, Is.EqualTo(4096));
    }

    [Test]
    public void ImportedZlib()
    {
        var spec = HeaderImporter.Import(new HeaderImporter.Request(["zlib.h"], "libz.so.1", [], [], null), []);
        AssertSame(spec, ThroughC(spec));
    }

    [Test]
    public void HeaderCommandPrintsTheC()
    {
        var json = Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "..", "examples", "zlib.json");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.That(Demo.Cli.Run(["header", json], stdout, stderr), Is.Zero, stderr.ToString());
        Assert.That(stdout.ToString(), Is.EqualTo(FfiSpec.Load(json).ToC()));
        Assert.That(stdout.ToString(), Does.Contain("crc32("));
    }
}
