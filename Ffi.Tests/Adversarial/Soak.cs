using System.Globalization;

namespace Ffi.Tests.Adversarial;

/// <summary>
/// The soak factor: <c>FFI_SOAK=N</c> in the environment multiplies the iteration counts of the adversarial cases by N
/// (1 when unset: the bounded run CI does on every build).
/// </summary>
internal static class Soak
{
    /// <summary>The factor (at least 1).</summary>
    public static int Factor { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("FFI_SOAK"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 1 ? n : 1;

    /// <summary><paramref name="count"/> times the factor.</summary>
    public static int Scale(int count) => checked(count * Factor);
}
