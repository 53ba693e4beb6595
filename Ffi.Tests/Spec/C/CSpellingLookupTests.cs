using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Tests.Spec.C;

/// <summary>
/// A spec read from C declarations knows C's spellings of the builtins by name too (<see cref="TypeRegistry.TryGet"/>):
/// what a user of C declarations writes for a typed variadic extra (<c>{"type": "int64_t", "value": 5}</c>, shared/SPEC.md)
/// or a box. Sizes and signedness are judged by gcc's <c>sizeof</c> and <c>(T)-1 &lt; 0</c>.
/// </summary>
[TestFixture]
public sealed class CSpellingLookupTests
{
    private static readonly string[] Spellings =
    [
        "int64_t", "uint64_t", "int8_t", "uint16_t", "int_fast16_t", "size_t", "ssize_t", "ptrdiff_t", "intmax_t", "uintptr_t",
        "pid_t", "time_t", "wchar_t", "unsigned long", "long long int", "unsigned", "signed char", "unsigned char", "char",
        "short int", "unsigned short", "long", "unsigned long long", "int", "_Bool", "float", "double",
    ];

    [Test]
    public void CSpellingsNameTheTypesGccGivesThem()
    {
        var spec = FfiSpec.ParseC("int f(void);", "libc.so.6");
        var c = new System.Text.StringBuilder("#include <stdio.h>\n#include <stdint.h>\n#include <stddef.h>\n#include <sys/types.h>\n#include <wchar.h>\nint main(void) {\n");
        foreach (var s in Spellings)
            c.Append($"  printf(\"%zu %d\\n\", sizeof({s}), (int)(({s})-1 < ({s})0));\n");
        c.Append("  return 0;\n}\n");
        var gcc = Oracle.Gcc.CompileAndRun(c.ToString(), "c_spellings").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < Spellings.Length; i++)
        {
            Assert.That(spec.Types.TryGet(Spellings[i], out var t), Is.True, Spellings[i]);
            var signed = t is IntType it ? it.IsSigned && !it.IsBool : t is FloatType;
            Assert.That($"{t!.Size} {(signed ? 1 : 0)}", Is.EqualTo(gcc[i]), Spellings[i]);
        }
    }

    [Test]
    public void WhatIsNotACTypeStaysUnknown()
    {
        var spec = FfiSpec.ParseC("int f(void);", "libc.so.6");
        foreach (var name in new[] { "long double", "long long long", "short long", "unsigned unsigned", "struct nothing", "int int", "nothing_t", "" })
            Assert.That(spec.Types.TryGet(name, out _), Is.False, name);
        Assert.That(FfiSpec.Parse("""{"version": "1", "lib": "libc.so.6"}""").Types.TryGet("int64_t", out _), Is.False,
            "a JSON spec names the builtins in its own words (int64), as before");
    }
}
