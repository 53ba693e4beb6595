using System.Text.RegularExpressions;
using Ffi.Compile;
using Ffi.Il;
using Ffi.Spec;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Compile;

/// <summary>
/// "Same recipe": the listing of a compiled function's body and of the run-time typed stub of the same function (bound
/// with the same CLR types, the compiled ones) agree on everything but the target. What is compared is each listing
/// without the lines that say where the function and its per-function state come from — the run-time stub's liveness
/// check, <c>ldarg.0; ldfld TypedTarget.Address</c>, the <c>GC.KeepAlive</c> of the target and the pending-callback
/// check after the call; the compiled method's cell and <c>&lt;Bind&gt;</c> — and with the run-time stub's argument
/// numbers lowered by one (its argument 0 is the target). What remains is the recipe: every marshaller stage, each
/// carrier pushed, the stack image, the <c>calli</c> signature, errno, the result's unmarshalling and the cleanup.
/// </summary>
[TestFixture]
public sealed partial class CompiledRecipeTests
{
    private const string C = """
        #include <string.h>
        typedef struct { int quot, rem; } div_t2;
        typedef struct { long a; double b; long c; } s24;
        typedef struct { double d; int i; } mix;
        int iabs(int x) { return x < 0 ? -x : x; }
        div_t2 idiv(int a, int b) { div_t2 r = { a / b, a % b }; return r; }
        s24 mem(s24 x, int y) { x.a += y; return x; }
        mix mixf(mix m, float f, _Bool b) { m.d += f; m.i += b; return m; }
        size_t text(const char *s) { return strlen(s); }
        double many(int a, int b, int c, int d, int e, int f, int g, double h, double i, double j, double k, double l, double m, double n, double o, double p)
        { return a + b + c + d + e + f + g + h + i + j + k + l + m + n + o + p; }
        """;

    private const string Spec = """
        { "version": "1", "lib": "LIB",
          "types": { "div_t2": { "kind": "struct", "fields": [ {"name":"quot","type":"int"}, {"name":"rem","type":"int"} ] },
                     "s24": { "kind": "struct", "fields": [ {"name":"a","type":"long"}, {"name":"b","type":"double"}, {"name":"c","type":"long"} ] },
                     "mix": { "kind": "struct", "fields": [ {"name":"d","type":"double"}, {"name":"i","type":"int"} ] } },
          "functions": [
            { "name": "iabs", "ret": "int", "params": ["int"] },
            { "name": "idiv", "ret": "div_t2", "params": ["int", "int"] },
            { "name": "mem", "ret": "s24", "params": ["s24", "int"] },
            { "name": "mixf", "ret": "mix", "params": ["mix", "float", "bool"] },
            { "name": "text", "ret": "size_t", "params": ["string"], "errno": true },
            { "name": "many", "ret": "double", "params": ["int","int","int","int","int","int","int","double","double","double","double","double","double","double","double","double"] } ] }
        """;

    [Test]
    public void CompiledBodiesRunTheRuntimeStubsRecipes()
    {
        var spec = FfiSpec.Parse(Spec.Replace("LIB", Gcc.Compile(C, "recipes", "-shared -fPIC"), StringComparison.Ordinal));
        var compiledListings = new Dictionary<string, string>();
        using (StubListings.Listen((name, text) => compiledListings[name] = text)) BindingCompiler.Compile(spec, new BindingOptions("Recipes"));
        using var compiled = new CompiledAssembly(spec, "Recipes");
        using var m = NativeModule.Open(spec);
        Type T(string name) => compiled.Type(name);
        var delegates = new Dictionary<string, Type>
        {
            ["iabs"] = typeof(Func<int, int>),
            ["idiv"] = typeof(Func<,,>).MakeGenericType(typeof(int), typeof(int), T("div_t2")),
            ["mem"] = typeof(Func<,,>).MakeGenericType(T("s24"), typeof(int), T("s24")),
            ["mixf"] = typeof(Func<,,,>).MakeGenericType(T("mix"), typeof(float), typeof(bool), T("mix")),
            ["text"] = typeof(Func<string, ulong>),
            ["many"] = typeof(Func<int, int, int, int, int, int, int, double, double, double, double, double, double, double, double, double, double>),
        };
        // text(const char *) has a raw form too (text(byte*)): the same recipe with the address passed as it is.
        Assert.That(compiledListings.Keys.Order(), Is.EqualTo(delegates.Keys.Select(k => "compiled_" + k).Append("compiled_text_raw").Order()));
        foreach (var (name, delegateType) in delegates)
        {
            string? runtime = null;
            using (StubListings.Listen((_, text) => runtime = text))
                typeof(NativeModule).GetMethod(nameof(NativeModule.GetFunction))!.MakeGenericMethod(delegateType).Invoke(m, [name]);
            Assert.That(runtime, Is.Not.Null, name);
            Assert.That(Recipe(compiledListings["compiled_" + name], compiled: true), Is.EqualTo(Recipe(runtime!, compiled: false)), name);
            Assert.That(Recipe(runtime!, compiled: false), Does.Contain("calli unmanaged cdecl").And.Not.Contain("TypedTarget"), name);
        }
        // The MEMORY-class call passes its argument, the whole stack area, as its own struct (no stack image:
        // MemoryArgumentPassingTests) and takes its result (alignment 8) into a local of its struct
        // (MemoryResultStorageTests); the register-pressure call pushes its last scalar into a stack image.
        Assert.That(compiledListings["compiled_mem"], Does.Contain("calli unmanaged cdecl IntPtr(IntPtr, Int32, s24)")
            .And.Not.Contain("StackImage").And.Not.Contain("localloc"));
        Assert.That(compiledListings["compiled_many"], Does.Contain("StackImage"));
        Assert.That(compiledListings["compiled_text"], Does.Contain("call LastErrno.Set"));
    }

    // The listing without its target's lines; the run-time stub's argument numbers as the compiled method's.
    private static string Recipe(string listing, bool compiled)
    {
        if (compiled) return BindRegex().Replace(listing, "");
        var recipe = LivenessRegex().Replace(listing, "");
        recipe = recipe.Replace("  ldarg.0\n  ldfld TypedTarget.Address\n", "", StringComparison.Ordinal)
            .Replace("  ldarg.0\n  call GC.KeepAlive\n", "", StringComparison.Ordinal);
        recipe = PendingRegex().Replace(recipe, "");
        return ArgumentRegex().Replace(recipe, a => $"{a.Groups[1].Value} {int.Parse(a.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) - 1}");
    }

    [GeneratedRegex(@"  ldsfld Native\.<fn>\w+\n  dup\n  brtrue L\d+\n  pop\n  ldc\.i4 \d+\n  call Native\.<Bind>\nL\d+:\n")]
    private static partial Regex BindRegex();

    [GeneratedRegex(@"^  ldarg\.0\n  ldfld TypedTarget\.Lifetime\n  volatile\.\n  ldfld ModuleLifetime\.Disposed\n  brfalse L0\n  ldarg\.0\n  call TypedTarget\.CheckNotDisposed\nL0:\n")]
    private static partial Regex LivenessRegex();

    [GeneratedRegex(@"  ldsfld CallbackFrames\.PendingCount\n  brfalse L1\n  ldarg\.0\n  ldfld TypedTarget\.Name\n  call CallbackFrames\.ThrowPending\nL1:\n")]
    private static partial Regex PendingRegex();

    [GeneratedRegex(@"(ldarga?) (\d+)")]
    private static partial Regex ArgumentRegex();
}
