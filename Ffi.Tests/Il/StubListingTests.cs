using Ffi.Shapes;
using Ffi.Binding;
using Ffi.Downcalls;
using Ffi.Il;
using Ffi.Spec;

namespace Ffi.Tests.Il;

/// <summary>
/// Golden IL: the listings of a few stubs, written from what each emitter is meant to do (the recipe run forwards,
/// the liveness check, the pending-callback check), compared as text.
/// </summary>
[TestFixture]
public sealed class StubListingTests
{
    private const string Libc = """
        { "version": "1", "lib": "libc.so.6",
          "types": { "div_t": { "kind": "struct", "fields": [ {"name":"quot","type":"int"}, {"name":"rem","type":"int"} ] },
                     "s24": { "kind": "struct", "fields": [ {"name":"a","type":"long"}, {"name":"b","type":"double"}, {"name":"c","type":"long"} ] } },
          "functions": [
            { "name": "abs", "ret": "int", "params": ["int"] },
            { "name": "ldexp", "ret": "double", "params": ["double", "int"] },
            { "name": "div", "ret": "div_t", "params": ["int", "int"] } ] }
        """;

    private static Dictionary<string, string> Listings(Action<NativeModule> use)
    {
        var listings = new Dictionary<string, string>();
        using var m = NativeModule.Open(FfiSpec.Parse(Libc));
        using (StubListings.Listen((name, text) => listings[name] = text)) use(m);
        return listings;
    }

    [Test]
    public void RawStubLoadsEachArgumentFromTheBufferAndStoresTheResult()
    {
        var l = Listings(m => Assert.That(m.Invoke("ldexp", 1.5, 3), Is.EqualTo(12.0)));
        Assert.That(l["ffi_raw_ldexp"], Is.EqualTo("""
              ldarg.1
              ldobj Double
              ldarg.1
              ldc.i4 8
              add
              ldobj Int32
              ldarg.0
              calli unmanaged cdecl Double(Double, Int32)
              stloc V0 (Double)
              ldarg.2
              ldloca V0 (Double)
              ldc.i4 8
              cpblk
              ret
            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void RawStubOfAStructInRaxUsesTheEightbyteCarrier()
    {
        var l = Listings(m => m.Invoke("div", 7, 2));
        Assert.That(l["ffi_raw_div"], Does.Contain("calli unmanaged cdecl EightbytesI(Int32, Int32)\n  stloc V0 (EightbytesI)\n  ldarg.2\n  ldloca V0 (EightbytesI)\n  ldc.i4 8\n  cpblk"));
    }

    [Test]
    public void RawStubOfAMemoryStructPassesTheHiddenPointerAndTheStackImage()
    {
        var types = FfiSpec.Parse(Libc).Types;
        var shape = new CallShapes("x").For(types["s24"], [types["s24"]], null, "f");
        var listings = new Dictionary<string, string>();
        using (StubListings.Listen((name, text) => listings[name] = text)) RawCallStub.Emit(shape, "f");
        Assert.That(listings["ffi_raw_f"], Is.EqualTo("""
              ldarg.2
              ldloca V0 (StackImage24)
              initobj StackImage24
              ldloca V0 (StackImage24)
              ldarg.1
              ldc.i4 24
              cpblk
              ldloc V0 (StackImage24)
              ldarg.0
              calli unmanaged cdecl IntPtr(IntPtr, StackImage24)
              pop
              ret
            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void TypedStubChecksLivenessInlineCallsAndChecksPendingCallbackFailures()
    {
        var l = Listings(m => Assert.That(m.GetFunction<Func<int, int>>("abs")(-3), Is.EqualTo(3)));
        Assert.That(l["ffi_typed"], Is.EqualTo("""
              ldarg.0
              ldfld TypedTarget.Lifetime
              volatile.
              ldfld ModuleLifetime.Disposed
              brfalse L0
              ldarg.0
              call TypedTarget.CheckNotDisposed
            L0:
              ldarg 1
              ldarg.0
              ldfld TypedTarget.Address
              calli unmanaged cdecl Int32(Int32)
              ldarg.0
              call GC.KeepAlive
              stloc V0 (Int32)
              ldsfld CallbackFrames.PendingCount
              brfalse L1
              ldarg.0
              ldfld TypedTarget.Name
              call CallbackFrames.ThrowPending
            L1:
              ldloc V0 (Int32)
              ret
            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void ObjectInvokerFallsBackToTheGeneralPathThroughItsTarget()
    {
        var l = Listings(m => Assert.That(m.Invoke("abs", -9), Is.EqualTo(9)));
        var listing = l["ffi_objects"];
        Assert.That(listing, Does.StartWith("  ldarg.0\n  ldfld DynamicTarget.Lifetime\n  volatile.\n  ldfld ModuleLifetime.Disposed\n  brtrue L0\n"));
        Assert.That(listing, Does.Contain("  ldarg.0\n  ldfld DynamicTarget.Address\n  calli unmanaged cdecl Int32(Int32)\n  ldarg.0\n  call GC.KeepAlive\n"));
        Assert.That(listing, Does.EndWith("L0:\n  ldarg.0\n  ldarg.1\n  call DynamicTarget.GeneralObjects\n  ret"));
    }
}
