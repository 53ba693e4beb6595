using System.Reflection;
using Ffi.Il;
using Mono.Cecil;
using Mono.Cecil.Cil;
using SreOpCode = System.Reflection.Emit.OpCode;
using SreOpCodes = System.Reflection.Emit.OpCodes;

namespace Ffi.Compile.Il;

/// <summary>
/// The compiled-bindings sink of <see cref="IlWriter"/>: writes the engine's emitters into a Mono.Cecil
/// <see cref="Mono.Cecil.Cil.MethodBody"/>, so a generated static method runs the very IL a run-time stub runs. Operands
/// (<see cref="Type"/>, <see cref="MethodInfo"/>, <see cref="FieldInfo"/>) become Cecil references through
/// <see cref="CecilOperands"/>. As in MonoMod's <c>CecilILGenerator</c>: a label is resolved to the next instruction
/// emitted after it is marked (no placeholder <c>nop</c>s stay in the body), branches are patched in
/// <see cref="Finish"/>; locals are <see cref="VariableDefinition"/>s (pinned ones of a <see cref="PinnedType"/>);
/// <c>ldarg</c>/<c>ldarga</c>/<c>starg</c> take the method's <see cref="ParameterDefinition"/>; exception blocks get
/// the <c>leave</c>s that <c>ILGenerator</c> emits implicitly, and an <see cref="ExceptionHandler"/>.
/// </summary>
internal sealed class CecilWriter : IlWriter
{
    private static readonly Dictionary<short, OpCode> CecilOpCodes = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    private readonly MethodDefinition _method;
    private readonly CecilOperands _operands;
    private readonly bool _suppressGcTransition;
    private readonly ILProcessor _il;
    private readonly List<VariableDefinition> _locals = [];
    private readonly List<Instruction?> _labels = [];
    private readonly List<int> _marked = [];
    private readonly List<(Instruction Branch, int Label)> _branches = [];
    private readonly List<(Instruction Switch, IlLabel[] Labels)> _switches = [];
    private readonly Stack<Block> _blocks = new();
    private readonly List<(Block Block, Mono.Cecil.TypeReference CatchType)> _handlers = [];

    /// <summary>Writes into <paramref name="method"/>'s body (which must be empty).</summary>
    /// <param name="method">The method.</param>
    /// <param name="operands">Maps reflection operands into the method's module.</param>
    /// <param name="suppressGcTransition">
    /// Whether <c>calli</c>s call without the GC transition (a function declared <c>"trivial"</c>): the call site is
    /// <c>unmanaged</c> with <c>modopt(CallConvCdecl) modopt(CallConvSuppressGCTransition)</c>. The run-time path calls
    /// a P/Invoke with <c>[SuppressGCTransition]</c> instead, as a <c>DynamicMethod</c> cannot express the modopt.
    /// </param>
    /// <param name="initLocals">
    /// Whether the body's locals start zeroed (the method's <c>InitLocals</c> flag, as a <c>DynamicMethod</c>'s by
    /// default); a typed stub's body needs no zeroing (<c>TypedStub.LocalsZeroed</c>).
    /// </param>
    public CecilWriter(MethodDefinition method, CecilOperands operands, bool suppressGcTransition = false, bool initLocals = true)
    {
        _method = method;
        _operands = operands;
        _suppressGcTransition = suppressGcTransition;
        method.Body.InitLocals = initLocals;
        _il = method.Body.GetILProcessor();
    }

    public override IlLocal DeclareLocal(System.Type type, bool pinned = false)
    {
        var t = _operands.Type(type);
        var v = new VariableDefinition(pinned ? new PinnedType(t) : t);
        _method.Body.Variables.Add(v);
        _locals.Add(v);
        return new IlLocal(_locals.Count - 1, type, pinned);
    }

    public override IlLabel DefineLabel()
    {
        _labels.Add(null);
        return new IlLabel(_labels.Count - 1);
    }

    public override void MarkLabel(IlLabel label)
    {
        if (_labels[label.Id] is not null || _marked.Contains(label.Id)) throw new InvalidOperationException($"label L{label.Id} is marked twice");
        _marked.Add(label.Id);
    }

    public override void Emit(SreOpCode op) => Append(Instruction.Create(Map(op)));

    public override void Emit(SreOpCode op, int value)
    {
        var c = Map(op);
        Append(c.OperandType switch
        {
            OperandType.InlineArg or OperandType.ShortInlineArg => Instruction.Create(c, Parameter(value)),
            OperandType.InlineVar or OperandType.ShortInlineVar => Instruction.Create(c, _locals[value]),
            OperandType.ShortInlineI => c == OpCodes.Ldc_I4_S ? Instruction.Create(c, checked((sbyte)value)) : Instruction.Create(c, checked((byte)value)),
            _ => Instruction.Create(c, value),
        });
    }

    public override void Emit(SreOpCode op, long value) => Append(Instruction.Create(Map(op), value));

    public override void Emit(SreOpCode op, string value) => Append(Instruction.Create(Map(op), value));

    public override void Emit(SreOpCode op, System.Type type) => Append(Instruction.Create(Map(op), _operands.Type(type)));

    public override void Emit(SreOpCode op, MethodInfo method) => Append(Instruction.Create(Map(op), _operands.Method(method)));

    public override void Emit(SreOpCode op, FieldInfo field) => Append(Instruction.Create(Map(op), _operands.Field(field)));

    public override void Emit(SreOpCode op, IlLabel label)
    {
        // The target is patched in Finish (it may be an instruction not written yet); a nop stands in until then.
        var branch = Instruction.Create(Map(op), Instruction.Create(OpCodes.Nop));
        _branches.Add((branch, label.Id));
        Append(branch);
    }

    public override void Emit(SreOpCode op, IlLabel[] labels)
    {
        var placeholders = labels.Select(_ => Instruction.Create(OpCodes.Nop)).ToArray();
        var sw = Instruction.Create(Map(op), placeholders);
        _switches.Add((sw, labels));
        Append(sw);
    }

    public override void Emit(SreOpCode op, IlLocal local) => Emit(op, local.Index);

    public override void EmitCalli(System.Type returnType, System.Type[] parameterTypes)
    {
        var ret = _operands.Type(returnType);
        var site = _suppressGcTransition
            ? new CallSite(new OptionalModifierType(_operands.Bcl("System.Runtime.CompilerServices", "CallConvSuppressGCTransition"),
                new OptionalModifierType(_operands.Bcl("System.Runtime.CompilerServices", "CallConvCdecl"), ret))) { CallingConvention = MethodCallingConvention.Unmanaged }
            : new CallSite(ret) { CallingConvention = MethodCallingConvention.C };
        foreach (var p in parameterTypes) site.Parameters.Add(new ParameterDefinition(_operands.Type(p)));
        Append(Instruction.Create(OpCodes.Calli, site));
    }

    public override void BeginExceptionBlock()
    {
        var block = new Block(DefineLabel(), DefineLabel(), DefineLabel());
        MarkLabel(block.TryStart);
        _blocks.Push(block);
    }

    public override void BeginCatchBlock(System.Type exceptionType)
    {
        var block = _blocks.Peek();
        Emit(SreOpCodes.Leave, block.End);
        MarkLabel(block.HandlerStart);
        _handlers.Add((block, _operands.Type(exceptionType)));
    }

    public override void EndExceptionBlock()
    {
        var block = _blocks.Pop();
        Emit(SreOpCodes.Leave, block.End);
        MarkLabel(block.End);
    }

    /// <summary>Resolves every branch and handler; call once the body is complete.</summary>
    /// <exception cref="InvalidOperationException">A label was never marked, or marked after the last instruction, or a block is open.</exception>
    public void Finish()
    {
        if (_blocks.Count > 0) throw new InvalidOperationException($"{_method.FullName}: an exception block is not closed");
        if (_marked.Count > 0) throw new InvalidOperationException($"{_method.FullName}: a label is marked after the last instruction");
        foreach (var (branch, label) in _branches) branch.Operand = Target(label);
        foreach (var (sw, labels) in _switches) sw.Operand = labels.Select(l => Target(l.Id)).ToArray();
        foreach (var (block, catchType) in _handlers)
            _method.Body.ExceptionHandlers.Add(new ExceptionHandler(ExceptionHandlerType.Catch)
            {
                TryStart = Target(block.TryStart.Id),
                TryEnd = Target(block.HandlerStart.Id),
                HandlerStart = Target(block.HandlerStart.Id),
                HandlerEnd = Target(block.End.Id),
                CatchType = catchType,
            });
    }

    private Instruction Target(int label) => _labels[label] ?? throw new InvalidOperationException($"{_method.FullName}: label L{label} is never marked");

    private void Append(Instruction instruction)
    {
        _il.Append(instruction);
        foreach (var label in _marked) _labels[label] = instruction;
        _marked.Clear();
    }

    private ParameterDefinition Parameter(int index) =>
        _method.HasThis ? throw new InvalidOperationException($"{_method.FullName}: the writer serves static methods only")
        : index < _method.Parameters.Count ? _method.Parameters[index]
        : throw new InvalidOperationException($"{_method.FullName} has no argument {index}");

    private static OpCode Map(SreOpCode op) =>
        CecilOpCodes.TryGetValue(op.Value, out var c) ? c : throw new InvalidOperationException($"no Cecil opcode for {op.Name}");

    private sealed record Block(IlLabel TryStart, IlLabel HandlerStart, IlLabel End);
}
