using System.Reflection.Emit;
using System.Reflection;

namespace Ffi.Il;

/// <summary>A branch target of an <see cref="IlWriter"/>.</summary>
internal readonly record struct IlLabel(int Id);

/// <summary>A local variable of an <see cref="IlWriter"/>.</summary>
internal sealed record IlLocal(int Index, Type Type, bool Pinned);

/// <summary>
/// The one door emitters write IL through: the operations the engine's stubs use, with its own label and local
/// types, so that a second sink (Mono.Cecil's <c>ILProcessor</c> for compiled bindings) can take the same emitters.
/// <see cref="GeneratorWriter"/> writes to a <see cref="DynamicMethod"/>'s or <see cref="MethodBuilder"/>'s
/// <see cref="ILGenerator"/>; <see cref="IlListing"/> records a readable listing (golden IL tests, debugging).
/// </summary>
internal abstract class IlWriter
{
    /// <summary>Declares a local.</summary>
    public abstract IlLocal DeclareLocal(Type type, bool pinned = false);

    /// <summary>Defines a label, to be marked once.</summary>
    public abstract IlLabel DefineLabel();

    /// <summary>Marks where <paramref name="label"/> points.</summary>
    public abstract void MarkLabel(IlLabel label);

    /// <summary>An instruction without an operand.</summary>
    public abstract void Emit(OpCode op);

    /// <summary>An instruction with an integer operand (a constant, or an argument index).</summary>
    public abstract void Emit(OpCode op, int value);

    /// <summary>An instruction with a 64-bit constant.</summary>
    public abstract void Emit(OpCode op, long value);

    /// <summary>An instruction with a string constant.</summary>
    public abstract void Emit(OpCode op, string value);

    /// <summary>An instruction with a type operand.</summary>
    public abstract void Emit(OpCode op, Type type);

    /// <summary>An instruction with a method operand.</summary>
    public abstract void Emit(OpCode op, MethodInfo method);

    /// <summary>An instruction with a field operand.</summary>
    public abstract void Emit(OpCode op, FieldInfo field);

    /// <summary>A branch.</summary>
    public abstract void Emit(OpCode op, IlLabel label);

    /// <summary>A switch.</summary>
    public abstract void Emit(OpCode op, IlLabel[] labels);

    /// <summary>An instruction with a local operand.</summary>
    public abstract void Emit(OpCode op, IlLocal local);

    /// <summary>An unmanaged <c>calli</c> with the C calling convention; the function pointer is on top of the stack.</summary>
    public abstract void EmitCalli(Type returnType, Type[] parameterTypes);

    /// <summary>Opens a <c>try</c> block.</summary>
    public abstract void BeginExceptionBlock();

    /// <summary>Opens the <c>catch</c> of <paramref name="exceptionType"/> of the current try block.</summary>
    public abstract void BeginCatchBlock(Type exceptionType);

    /// <summary>Closes the current try/catch.</summary>
    public abstract void EndExceptionBlock();
}
