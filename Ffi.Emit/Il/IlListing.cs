using System.Globalization;
using System.Reflection.Emit;
using System.Reflection;
using System.Text;

namespace Ffi.Il;

/// <summary>
/// A sink that records what an emitter writes as a readable listing (one instruction a line, labels as
/// <c>L0:</c>, locals as <c>V0</c>) and passes everything on to <paramref name="next"/> when given. Golden IL tests
/// compare the listing as text; <see cref="ToString"/> prints it for debugging.
/// </summary>
internal sealed class IlListing(IlWriter? next = null) : IlWriter
{
    private readonly StringBuilder _text = new();
    private readonly List<IlLocal> _locals = [];
    private int _labels;

    public override IlLocal DeclareLocal(Type type, bool pinned = false)
    {
        var local = next?.DeclareLocal(type, pinned) ?? new IlLocal(_locals.Count, type, pinned);
        _locals.Add(local);
        return local;
    }

    public override IlLabel DefineLabel() => next?.DefineLabel() ?? new IlLabel(_labels++);

    public override void MarkLabel(IlLabel label)
    {
        _text.Append('L').Append(label.Id).AppendLine(":");
        next?.MarkLabel(label);
    }

    public override void Emit(OpCode op) { Line(op, null); next?.Emit(op); }
    public override void Emit(OpCode op, int value) { Line(op, value.ToString(CultureInfo.InvariantCulture)); next?.Emit(op, value); }
    public override void Emit(OpCode op, long value) { Line(op, value.ToString(CultureInfo.InvariantCulture)); next?.Emit(op, value); }
    public override void Emit(OpCode op, string value) { Line(op, "\"" + value + "\""); next?.Emit(op, value); }
    public override void Emit(OpCode op, Type type) { Line(op, Name(type)); next?.Emit(op, type); }
    public override void Emit(OpCode op, MethodInfo method) { Line(op, $"{Name(method.DeclaringType!)}.{method.Name}"); next?.Emit(op, method); }
    public override void Emit(OpCode op, FieldInfo field) { Line(op, $"{Name(field.DeclaringType!)}.{field.Name}"); next?.Emit(op, field); }
    public override void Emit(OpCode op, IlLabel label) { Line(op, "L" + label.Id); next?.Emit(op, label); }
    public override void Emit(OpCode op, IlLabel[] labels) { Line(op, string.Join(", ", labels.Select(l => "L" + l.Id))); next?.Emit(op, labels); }
    public override void Emit(OpCode op, IlLocal local) { Line(op, $"V{local.Index} ({Name(local.Type)}{(local.Pinned ? ", pinned" : "")})"); next?.Emit(op, local); }

    public override void EmitCalli(Type returnType, Type[] parameterTypes)
    {
        Line(OpCodes.Calli, $"unmanaged cdecl {Name(returnType)}({string.Join(", ", parameterTypes.Select(Name))})");
        next?.EmitCalli(returnType, parameterTypes);
    }

    public override void BeginExceptionBlock() { _text.AppendLine(".try {"); next?.BeginExceptionBlock(); }
    public override void BeginCatchBlock(Type exceptionType) { _text.AppendLine($"}} catch {Name(exceptionType)} {{"); next?.BeginCatchBlock(exceptionType); }
    public override void EndExceptionBlock() { _text.AppendLine("}"); next?.EndExceptionBlock(); }

    /// <summary>The listing so far.</summary>
    public override string ToString() => _text.ToString().TrimEnd('\n');

    private void Line(OpCode op, string? operand) =>
        _text.Append("  ").Append(op.Name).Append(operand is null ? "" : " " + operand).Append('\n');

    // Short, stable names: the type's own name (generic arguments spelled out), no namespaces, no assembly.
    private static string Name(Type t) =>
        t.IsByRef ? Name(t.GetElementType()!) + "&"
        : t.IsPointer ? Name(t.GetElementType()!) + "*"
        : t.IsGenericType ? $"{t.Name[..t.Name.IndexOf('`')]}<{string.Join(", ", t.GetGenericArguments().Select(Name))}>"
        : t.Name;
}
