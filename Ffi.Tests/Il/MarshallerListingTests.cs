using Ffi.Il;
using Ffi.Spec;

namespace Ffi.Tests.Il;

/// <summary>
/// Golden IL of the marshallers added as "one file plus one rule": a <c>ref</c>/<c>out</c> parameter is a pinned
/// reference whose address the call passes (no copy), and a <c>string</c> for <c>const wchar_t *</c> is a UTF-32 copy
/// into a stack buffer, released after the result is read. Written from what each stage is meant to emit.
/// </summary>
[TestFixture]
public sealed class MarshallerListingTests
{
    public delegate double Frexp(double x, out int exponent);

    private const string Libc = """
        { "version": "1", "lib": "libc.so.6", "functions": [
          { "name": "frexp", "ret": "double", "params": ["double", "int*"] },
          { "name": "wcslen", "ret": "size_t", "params": ["const wchar_t *"] } ] }
        """;

    private const string Liveness = """
          ldarg.0
          ldfld TypedTarget.Lifetime
          volatile.
          ldfld ModuleLifetime.Disposed
          brfalse L0
          ldarg.0
          call TypedTarget.CheckNotDisposed
        L0:

        """;

    private const string PendingCheck = """
          ldsfld CallbackFrames.PendingCount
          brfalse L1
          ldarg.0
          ldfld TypedTarget.Name
          call CallbackFrames.ThrowPending
        L1:

        """;

    private static string Listing(Action<NativeModule> use)
    {
        var listings = new Dictionary<string, string>();
        using var m = NativeModule.Open(FfiSpec.Parse(Libc));
        using (StubListings.Listen((name, text) => listings[name] = text)) use(m);
        return listings["ffi_typed"];
    }

    [Test]
    public void AnOutParameterPinsTheReferenceAndPassesItsAddress()
    {
        var listing = Listing(m =>
        {
            Assert.That(m.GetFunction<Frexp>("frexp")(8.0, out int e), Is.EqualTo(0.5));
            Assert.That(e, Is.EqualTo(4));
        });
        Assert.That(listing, Is.EqualTo((Liveness + """
              ldarg 2
              stloc V0 (Int32&, pinned)
              ldloc V0 (Int32&, pinned)
              conv.u
              stloc V1 (IntPtr)
              ldarg 1
              ldloc V1 (IntPtr)
              ldarg.0
              ldfld TypedTarget.Address
              calli unmanaged cdecl Double(Double, IntPtr)
              ldarg.0
              call GC.KeepAlive
              stloc V2 (Double)

            """ + PendingCheck + """
              ldloc V2 (Double)
              ret
            """).ReplaceLineEndings("\n")));
    }

    [Test]
    public void AWideStringIsAUtf32CopyReleasedAfterTheResultIsRead()
    {
        var listing = Listing(m => Assert.That(m.GetFunction<Func<string, ulong>>("wcslen")("w😀"), Is.EqualTo(2)));
        Assert.That(listing, Is.EqualTo((Liveness + """
              ldc.i4 256
              conv.u
              localloc
              stloc V0 (Byte*)
              ldarg 1
              ldloc V0 (Byte*)
              call Utf32Marshal.Utf32
              stloc V1 (IntPtr)
              ldloc V1 (IntPtr)
              ldarg.0
              ldfld TypedTarget.Address
              calli unmanaged cdecl UInt64(IntPtr)
              ldarg.0
              call GC.KeepAlive
              stloc V2 (UInt64)
              ldloc V1 (IntPtr)
              ldloc V0 (Byte*)
              call Utf32Marshal.Release

            """ + PendingCheck + """
              ldloc V2 (UInt64)
              ret
            """).ReplaceLineEndings("\n")));
    }
}
