using System.Reflection.Emit;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Ffi.Il;

/// <summary>The run-time sink: an <see cref="ILGenerator"/> (of a <see cref="DynamicMethod"/> or a <see cref="MethodBuilder"/>).</summary>
internal sealed class GeneratorWriter(ILGenerator il) : IlWriter
{
    // An array grown by hand: a List<Label> is generic code over a value type that the JIT compiles for the first stub.
    private Label[] _labels = new Label[8];
    private int _labelCount;
    private readonly List<LocalBuilder> _locals = [];

    public override IlLocal DeclareLocal(Type type, bool pinned = false)
    {
        _locals.Add(il.DeclareLocal(type, pinned));
        return new IlLocal(_locals.Count - 1, type, pinned);
    }

    public override IlLabel DefineLabel()
    {
        if (_labelCount == _labels.Length)
        {
            var more = new Label[_labels.Length * 2];
            for (int i = 0; i < _labelCount; i++) more[i] = _labels[i];
            _labels = more;
        }
        _labels[_labelCount] = il.DefineLabel();
        return new IlLabel(_labelCount++);
    }

    public override void MarkLabel(IlLabel label) => il.MarkLabel(_labels[label.Id]);
    public override void Emit(OpCode op) => il.Emit(op);
    public override void Emit(OpCode op, int value) => il.Emit(op, value);
    public override void Emit(OpCode op, long value) => il.Emit(op, value);
    public override void Emit(OpCode op, string value) => il.Emit(op, value);
    public override void Emit(OpCode op, Type type) => il.Emit(op, type);
    public override void Emit(OpCode op, MethodInfo method) => il.Emit(op, method);
    public override void Emit(OpCode op, FieldInfo field) => il.Emit(op, field);
    public override void Emit(OpCode op, IlLabel label) => il.Emit(op, _labels[label.Id]);
    public override void Emit(OpCode op, IlLabel[] labels)
    {
        var targets = new Label[labels.Length];
        for (int i = 0; i < labels.Length; i++) targets[i] = _labels[labels[i].Id];
        il.Emit(op, targets);
    }
    public override void Emit(OpCode op, IlLocal local) => il.Emit(op, _locals[local.Index]);
    public override void EmitCalli(Type returnType, Type[] parameterTypes) =>
        il.EmitCalli(OpCodes.Calli, CallingConvention.Cdecl, returnType, parameterTypes);
    public override void BeginExceptionBlock() => il.BeginExceptionBlock();
    public override void BeginCatchBlock(Type exceptionType) => il.BeginCatchBlock(exceptionType);
    public override void EndExceptionBlock() => il.EndExceptionBlock();
}
