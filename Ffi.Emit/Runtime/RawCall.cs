using Ffi.Abi;

namespace Ffi.Runtime;

/// <summary>A generated stub: calls <c>fn</c> with the arguments laid out in <c>args</c> (see <see cref="ArgumentFrame"/>) and stores the result in <c>ret</c>.</summary>
internal unsafe delegate void RawCall(nint fn, byte* args, byte* ret);
