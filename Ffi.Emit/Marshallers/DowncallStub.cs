using System.Reflection.Emit;
using System.Reflection;
using Ffi.Abi;
using Ffi.Il;
using Ffi.Runtime;

namespace Ffi.Marshallers;

/// <summary>
/// What the marshallers of one typed downcall stub share while it is emitted: the writer, the recipe, the stub's
/// target (at run time IL argument 0, a <see cref="TypedTarget"/>; see <see cref="StubTarget"/>), the storage of a
/// MEMORY-class result and the callback frame that tracks the call when a parameter is a callback.
/// </summary>
internal sealed class DowncallStub(IlWriter il, StubTarget target, LoweredCall lowered, Type returnType, bool tracked)
{
    private bool _entered;

    /// <summary>The writer.</summary>
    public IlWriter Il { get; } = il;

    /// <summary>Where the function and its per-function state come from.</summary>
    public StubTarget Target { get; } = target;

    /// <summary>The recipe the call executes.</summary>
    public LoweredCall Lowered { get; } = lowered;

    /// <summary>The delegate's return type.</summary>
    public Type ReturnType { get; } = returnType;

    /// <summary>Storage for a MEMORY-class result (the hidden pointer), or null.</summary>
    public IlLocal? ReturnStorage { get; set; }

    /// <summary>The frame of a tracked call (one with callback arguments), or null: the call is not tracked.</summary>
    public IlLocal? CallbackFrame { get; } = tracked ? il.DeclareLocal(typeof(CallbackFrame)) : null;

    /// <summary>Pushes the stub's <see cref="TypedTarget"/>.</summary>
    public void PushTarget() => Target.PushTypedTarget(Il);

    /// <summary>Calls <see cref="TypedTarget"/>'s method <paramref name="name"/> (found by <c>nameof</c> at the caller).</summary>
    public void CallTarget(string name) => Il.Emit(OpCodes.Call, typeof(TypedTarget).GetMethod(name)!);

    /// <summary>Reads <see cref="TypedTarget"/>'s field <paramref name="name"/> of the target on the stack.</summary>
    public void LoadTargetField(string name) =>
        Il.Emit(OpCodes.Ldfld, typeof(TypedTarget).GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)!);

    /// <summary>
    /// The tracked call's frame: <see cref="CallbackFrames.Enter"/> is emitted the first time it is asked for, after
    /// every argument's setup (a setup that throws must not leave a frame entered).
    /// </summary>
    public IlLocal EnterCallbackFrame()
    {
        var frame = CallbackFrame ?? throw new InvalidOperationException("the stub was not made for a tracked call");
        if (!_entered)
        {
            Il.Emit(OpCodes.Call, typeof(CallbackFrames).GetMethod(nameof(CallbackFrames.Enter))!);
            Il.Emit(OpCodes.Stloc, frame);
            _entered = true;
        }
        return frame;
    }
}
