using Ffi.Types;
using Mono.Cecil;

namespace Ffi.Compile.CallbackEmit;

/// <summary>The pool class of one named function pointer type and its fields (see <see cref="CallbackPools"/>).</summary>
internal sealed record CallbackPool(string Name, FuncPtrType Type, TypeDefinition Delegate, TypeDefinition Holder, FieldDefinition PoolField,
    FieldDefinition[] SlotFields, FieldDefinition[] DelegateFields);
