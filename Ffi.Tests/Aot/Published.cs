using Ffi.Tests.Packaging;

namespace Ffi.Tests.Aot;

/// <summary>A published app: its executable and the output of the <c>dotnet publish</c> that made it.</summary>
internal sealed record Published(string Executable, CommandResult Build);
