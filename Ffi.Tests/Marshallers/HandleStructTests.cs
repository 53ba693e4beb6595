using Ffi.Spec;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Marshallers;

/// <summary>
/// A struct wrapping a handle's representation stands for the handle in the typed API (what compiled bindings'
/// strongly typed handles are): passed and returned in the representation's register, a pointer handle and an
/// integer one, in both directions (a typed callback receives and returns handle structs), and a struct of another
/// size is refused when the delegate is bound.
/// </summary>
[TestFixture]
public sealed class HandleStructTests
{
    private const string C = """
        static int slots[4];
        void *open_conn(int i) { return &slots[i]; }
        int conn_index(void *c) { return (int)((int *)c - slots); }
        typedef void *(*pick_fn)(void *a, void *b);
        void *pick(void *a, void *b, pick_fn f) { return f(a, b); }
        int fd_plus(int fd, int n) { return fd + n; }
        """;

    // Filled by the stubs (as compiled bindings' handles are: a readonly struct the user never writes).
    private readonly struct Conn(nint value)
    {
        public readonly nint Value = value;
    }

    private struct Fd
    {
        public int Value;
    }

    private readonly struct TooBig(nint value, nint more)
    {
        public readonly nint Value = value, More = more;
    }

    private delegate Conn PickFn(Conn a, Conn b);

    private static NativeModule Open() => NativeModule.Open(FfiSpec.Parse($$"""
        { "version": "1", "lib": "{{Gcc.Compile(C, "handle_structs", "-shared -fPIC")}}",
          "types": { "conn": {"kind":"handle","tag":"conn","rep":"pointer"}, "fd": {"kind":"handle","tag":"fd","rep":"int"},
                     "pick_fn": {"kind":"funcptr","ret":"conn","params":["conn","conn"]} },
          "functions": [
            { "name": "open_conn", "ret": "conn", "params": ["int"] },
            { "name": "conn_index", "ret": "int", "params": ["conn"] },
            { "name": "pick", "ret": "conn", "params": ["conn", "conn", "pick_fn"] },
            { "name": "fd_plus", "ret": "fd", "params": ["fd", "int"] } ] }
        """));

    [Test]
    public void PointerAndIntegerHandlesTravelAsTheirRepresentation()
    {
        using var m = Open();
        var open = m.GetFunction<Func<int, Conn>>("open_conn");
        var index = m.GetFunction<Func<Conn, int>>("conn_index");
        var c2 = open(2);
        Assert.That(c2.Value, Is.Not.EqualTo((nint)0));
        Assert.That(index(c2), Is.EqualTo(2));
        Assert.That(index(open(3)), Is.EqualTo(3));
        Assert.That(m.GetFunction<Func<Fd, int, Fd>>("fd_plus")(new Fd { Value = 5 }, 3).Value, Is.EqualTo(8));
    }

    [Test]
    public void ATypedCallbackTakesAndReturnsHandleStructs()
    {
        using var m = Open();
        var open = m.GetFunction<Func<int, Conn>>("open_conn");
        var pick = m.GetFunction<Func<Conn, Conn, PickFn, Conn>>("pick");
        var index = m.GetFunction<Func<Conn, int>>("conn_index");
        Conn c1 = open(1), c3 = open(3);
        nint seenA = 0;
        var picked = pick(c1, c3, (a, b) => { seenA = a.Value; return b; });
        Assert.That((seenA, index(picked)), Is.EqualTo((c1.Value, 3)));
    }

    [Test]
    public void AStructOfAnotherSizeIsRefused()
    {
        using var m = Open();
        var e = Assert.Throws<FfiBindException>(() => m.GetFunction<Func<TooBig, int>>("conn_index"))!;
        Assert.That(e.Message, Does.Contain("param[0]: TooBig does not map to conn"));
    }
}
