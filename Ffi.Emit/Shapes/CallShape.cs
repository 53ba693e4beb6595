using Ffi.Abi;

namespace Ffi.Shapes;

/// <summary>
/// One call signature, planned and lowered once: how each value travels (<see cref="Plan"/>), the recipe stubs and
/// trampolines execute (<see cref="Lowered"/>), and where each value sits in the dynamic API's argument buffer
/// (<see cref="Frame"/>). Obtained from a module's <see cref="CallShapes"/>.
/// </summary>
internal sealed record CallShape(CallPlan Plan, LoweredCall Lowered, ArgumentFrame Frame);
