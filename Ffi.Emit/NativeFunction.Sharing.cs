using System.Reflection.Emit;
using Ffi.Runtime;
using Ffi.Spec;

namespace Ffi;

// What functions of one signature prepared in a row share on the dynamic paths.
public sealed partial class NativeFunction
{
    /// <summary>
    /// The last fixed call a module prepared, and the invokers bound for it. The next function with the same C types
    /// (the spec shares one parameter list among functions of one signature in a row) and errno capture prepares alike:
    /// it takes the shape, raw stub, slots and invoker code from here, and only its target and name are its own. A
    /// module's first calls of a thousand functions of one signature then allocate a third of what they did
    /// (docs/benchmarks.md, cold start). Variadic and trivial functions prepare their own (their shapes depend on the
    /// extras, or on their own P/Invoke). Threads may race on the fields: each value is whole and any one is right.
    /// </summary>
    internal sealed class SharedPreparation(FunctionSpec function, bool captureErrno, PreparedCall prepared)
    {
        private DynamicMethod? _values;
        private DynamicMethod? _objects;

        /// <summary>Whether <paramref name="spec"/>'s preparations may be shared.</summary>
        public static bool Shares(FunctionSpec spec) => !spec.IsVariadic && !spec.IsTrivial;

        /// <summary>Whether <paramref name="spec"/> prepares exactly as the function this came from.</summary>
        public bool Fits(FunctionSpec spec, bool capturesErrno) =>
            Shares(spec) && capturesErrno == captureErrno && ReferenceEquals(spec.ReturnType, function.ReturnType)
            && ReferenceEquals(spec.ParameterTypes, function.ParameterTypes);

        /// <summary>The preparation for another function of the same signature.</summary>
        public PreparedCall For(string name, nint address) =>
            new(prepared.Shape, prepared.Stub, address, prepared.Types, name, prepared.HasAggregates, prepared.Slots, prepared.Return,
                prepared.ReturnAlign, prepared.Callbacks);

        /// <summary>Whether <paramref name="call"/> was made from this (it holds the same slots).</summary>
        public bool Made(PreparedCall call) => ReferenceEquals(call.Slots, prepared.Slots);

        /// <summary>The invoker code bound for this shape, when one was.</summary>
        public DynamicMethod? Invoker(bool objects) => objects ? _objects : _values;

        /// <summary>Keeps the invoker code of this shape.</summary>
        public void Remember(bool objects, DynamicMethod code)
        {
            if (objects) _objects = code;
            else _values = code;
        }
    }
}
