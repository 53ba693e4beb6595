using System.Collections.Concurrent;
using System.Text;
using Ffi.Spec;

namespace Ffi.Tests.Adversarial;

/// <summary>
/// What binding does lazily since the cold-start work (docs/benchmarks.md, cold start): <see cref="NativeModule.Open"/>
/// resolves every symbol but makes no per-function object; a function's <see cref="NativeFunction"/>, its call shape and
/// its stubs are made on first use. Sixteen threads racing through first uses see one object per function and right
/// results; what the spec gets wrong is still reported by <see cref="FfiSpec.Parse(string)"/>, and a missing symbol
/// still by <c>Open</c>, never on a later first use.
/// </summary>
[TestFixture]
public sealed class LazyBindingTests
{
    private const int Functions = 300;

    private static string Library()
    {
        var c = new StringBuilder("int counter_0 = 7;\n");
        for (int i = 0; i < Functions; i++) c.Append($"int f_{i}(int a, int b) {{ return a + b + {i}; }}\n");
        return Oracle.Gcc.Compile(c.ToString(), "lazy_binding", "-shared -fPIC");
    }

    private static string Spec(string lib, int functions, string extra = "")
    {
        var f = string.Join(",\n", Enumerable.Range(0, functions).Select(i => $$"""{ "name": "f_{{i}}", "ret": "int", "params": ["int", "int"] }"""));
        return $$"""{ "version": "1", "lib": "{{lib}}", "functions": [{{f}}{{extra}}], "variables": [{ "name": "counter_0", "type": "int" }] }""";
    }

    [Test]
    public void SixteenThreadsRacingFirstUsesSeeOneFunctionObjectEachAndRightResults()
    {
        var lib = Library();
        using var m = NativeModule.Open(FfiSpec.Parse(Spec(lib, Functions)));
        const int threads = 16;
        using var start = new Barrier(threads);
        var functions = new ConcurrentDictionary<(int Thread, int Index), NativeFunction>();
        var variables = new ConcurrentBag<NativeVariable>();
        var errors = new ConcurrentBag<string>();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int k = 0; k < Functions; k++)
            {
                int i = (k * 7 + t * 37) % Functions; // each thread in its own order
                try
                {
                    var name = $"f_{i}";
                    NativeFunction f = t % 2 == 0 ? m.Function(name) : m.TryGetFunction(name, out var found) ? found : throw new InvalidOperationException("not found");
                    functions[(t, i)] = f;
                    long got = (t % 4) switch
                    {
                        0 => f.Invoke([t, 1]).ToInt64(),
                        1 => (int)f.Invoke(t, 1)!,
                        2 => m.GetFunction<Func<int, int, int>>(name)(t, 1),
                        _ => (int)m.Invoke(name, t, 1)!,
                    };
                    if (got != t + 1 + i) errors.Add($"{name} on thread {t}: {got}, not {t + 1 + i}");
                }
                catch (Exception e)
                {
                    errors.Add($"f_{i} on thread {t}: {e.GetType().Name}: {e.Message}");
                }
            }
            variables.Add(m.Variable("counter_0"));
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.That(errors, Is.Empty);
        for (int i = 0; i < Functions; i++)
        {
            var mine = m.Function($"f_{i}");
            for (int t = 0; t < threads; t++)
                Assert.That(functions[(t, i)], Is.SameAs(mine), $"f_{i} on thread {t}");
        }
        Assert.That(variables.Distinct().Count(), Is.EqualTo(1), "one variable object");
        Assert.That(m.Variable("counter_0").Get(), Is.EqualTo(7));
        Assert.That(m.Stubs.RawCount, Is.EqualTo(1), "300 functions of one shape, one raw stub");
    }

    [Test]
    public void TypedDelegatesAreMadeOncePerFunctionAndDelegateType()
    {
        using var m = NativeModule.Open(FfiSpec.Parse(Spec(Library(), 3)));
        var a = m.GetFunction<Func<int, int, int>>("f_1");
        Assert.That(m.GetFunction<Func<int, int, int>>("f_1"), Is.SameAs(a));
        Assert.That(m.GetFunction<Func<int, int, int>>("f_2"), Is.Not.SameAs(a));
        Assert.That(a(2, 3), Is.EqualTo(6));
        Assert.That(m.Stubs.TypedCount, Is.EqualTo(1), "one typed stub for the shape");
    }

    [Test]
    public void AnUnknownNameIsStillAnFfiNameExceptionAndCreatesNothing()
    {
        using var m = NativeModule.Open(FfiSpec.Parse(Spec(Library(), 3)));
        Assert.Throws<FfiNameException>(() => m.Function("f_3"));
        Assert.That(m.TryGetFunction("f_3", out _), Is.False);
        Assert.That(m.TryGetVariable("counter_1", out _), Is.False);
        Assert.That(m.TryGetFunction("f_0", out var f0), Is.True);
        Assert.That(f0, Is.SameAs(m.Function("f_0")));
    }

    [Test]
    public void ABadTypeInTheLastOfManyFunctionsIsReportedWhenTheSpecIsRead()
    {
        var lib = Library();
        var ex = Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(Spec(lib, Functions,
            """, { "name": "g", "ret": "int", "params": ["int", "flaot"] }""")))!;
        Assert.That(ex.Message, Is.EqualTo($"functions[{Functions}] (g): param[1]: unknown type \"flaot\" (did you mean \"float\"?)"));
    }

    [Test]
    public void AMissingSymbolAmongManyIsReportedByOpenNotByAFirstCall()
    {
        var spec = FfiSpec.Parse(Spec(Library(), Functions, """, { "name": "not_there", "ret": "int", "params": [] }"""));
        var ex = Assert.Throws<FfiBindException>(() => NativeModule.Open(spec))!;
        Assert.That(ex.Symbol, Is.EqualTo("not_there"));
    }
}
