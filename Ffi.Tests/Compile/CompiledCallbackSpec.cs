using System.Text.Json.Nodes;
using Ffi.Compile;
using Ffi.Spec;
using Ffi.Tests.Callbacks;
using Ffi.Tests.Native;

namespace Ffi.Tests.Compile;

/// <summary>
/// The callback fixture's spec (Native/callbacks.c, <see cref="CallbackSpec"/>) as compiled bindings take it: without
/// its variadic function pointer type, which has no delegate type (a compiled spec refuses it).
/// </summary>
internal static class CompiledCallbackSpec
{
    public static FfiSpec Parse()
    {
        var doc = JsonNode.Parse(CallbackSpec.Json.Replace("LIB", Fixtures.CallbacksLibrary, StringComparison.Ordinal))!.AsObject();
        doc["types"]!.AsObject().Remove("printf_fn");
        return FfiSpec.Parse(doc.ToJsonString());
    }

    /// <summary>The bindings of the fixture in namespace <paramref name="ns"/>, with <paramref name="slots"/> trampolines per function pointer type.</summary>
    public static byte[] Bindings(string ns, int slots = 16) =>
        BindingCompiler.Compile(Parse(), new BindingOptions(ns) { CallbackSlots = slots }).Assembly;
}
