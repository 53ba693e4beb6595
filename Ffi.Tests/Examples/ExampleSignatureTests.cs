using System.Globalization;
using System.Text;
using Ffi.Spec;
using Ffi.Tests.Native;
using Ffi.Types;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Examples;

/// <summary>
/// Every function of the specs in examples/ has the signature its header declares. g++ compiles the header and
/// compares <c>decltype(::name)</c> with the spec's signature rendered as a C++ function type, parameter by
/// parameter, under the rules of the ABI rather than of the C type system:
/// <list type="bullet">
/// <item><c>const</c> is ignored at every level (a spec has no const): <c>const Bytef *</c> is <c>uchar*</c>;</item>
/// <item><c>long long</c> is <c>long</c> (the same 64 bits), and an enum is its base integer (<c>z_status</c> is <c>int</c>);</item>
/// <item>the spec's untyped <c>pointer</c> stands for any pointer (<c>char **endptr</c>, a destructor);</item>
/// <item>a handle with a pointer rep is a pointer to the C type its tag names (<c>sqlite3</c> is <c>sqlite3 *</c>).</item>
/// </list>
/// Integer widths and signedness, floats, pointee types, parameter counts and variadics must match exactly.
/// </summary>
[TestFixture]
public sealed class ExampleSignatureTests
{
    // libstdc++ wraps <stdlib.h> and <math.h> with C++ overloads (abs, cos…), which make decltype(::abs) ambiguous:
    // glibc's own headers, by path, declare the C functions only.
    [TestCase("libc.json", "/usr/include/stdlib.h", "string.h", "stdio.h", "time.h", "unistd.h")]
    [TestCase("libm.json", "/usr/include/math.h")]
    [TestCase("zlib.json", "zlib.h")]
    [TestCase("sqlite3.json", "sqlite3.h")]
    public void ExampleFunctionsHaveTheirHeadersSignatures(string specFile, params string[] headers)
    {
        if (Gcc.Exec("sh", "-c \"command -v g++\"").Code != 0) Assert.Ignore("g++ is not installed");
        var spec = FfiSpec.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "examples", specFile));
        var cpp = new StringBuilder();
        foreach (var header in headers) cpp.AppendLine(CultureInfo.InvariantCulture, $"#include <{header}>");
        cpp.AppendLine(Prelude);
        cpp.AppendLine("int main() {");
        foreach (var f in spec.Functions)
        {
            var ps = string.Join(", ", new[] { Render(f.ReturnType) }.Concat(f.ParameterTypes.Select(Render)));
            cpp.AppendLine(CultureInfo.InvariantCulture, $"  check<decltype(::{f.Name}), {(f.IsVariadic ? "vfn" : "fn")}<{ps}>>(\"{f.Name}\");");
        }
        cpp.AppendLine("}");

        var dir = Directory.CreateTempSubdirectory("ffi-signatures-").FullName;
        var source = Path.Combine(dir, Path.GetFileNameWithoutExtension(specFile) + ".cpp");
        var exe = Path.ChangeExtension(source, null);
        File.WriteAllText(source, cpp.ToString());
        var (code, _, errors) = Gcc.Exec("g++", $"-std=c++17 -w -o \"{exe}\" \"{source}\"");
        Assert.That(code, Is.Zero, $"g++ failed on {source}:\n{errors}");
        var lines = Gcc.Run(exe, "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(spec.Functions.Count));
        Assert.That(lines.Where(l => !l.EndsWith(" ok", StringComparison.Ordinal)), Is.Empty);
        Directory.Delete(dir, recursive: true);     // kept, for a look at the C++, when the test fails
    }

    // The spec's type as a C++ type-id, composed through alias templates so that no declarator syntax is needed.
    private static string Render(CType type) => type switch
    {
        VoidType => "void",
        IntType { IsBool: true } => "bool",
        IntType i => (i.IsSigned ? "" : "unsigned ") + i.Bits switch { 8 => "char", 16 => "short", 32 => "int", _ => "long" },
        FloatType f => f.Bits == 32 ? "float" : "double",
        EnumType e => Render(e.Base),
        HandleType { Rep: PointerType } h => $"ptr<{h.Tag}>",
        HandleType h => Render(h.Rep),
        PointerType p => $"ptr<{Render(p.Pointee)}>",
        FuncPtrType fp => $"ptr<{(fp.IsVariadic ? "vfn" : "fn")}<{string.Join(", ", new[] { Render(fp.Return) }.Concat(fp.Parameters.Select(Render)))}>>",
        AggregateType a when a.Name is not null => a.Name,
        _ => throw new NotSupportedException($"no C++ rendering for {type.DisplayName}"),
    };

    private const string Prelude = """
        #include <cstdio>
        #include <cstring>
        #include <type_traits>

        template<class T> using ptr = T*;
        template<class R, class... A> using fn = R(A...);
        template<class R, class... A> using vfn = R(A..., ...);

        // The ABI's view of a type: no const anywhere, long long as long.
        template<class T> struct norm { using type = T; };
        template<class T> struct norm<const T> { using type = typename norm<T>::type; };
        template<class T> struct norm<T*> { using type = typename norm<T>::type*; };
        template<> struct norm<long long> { using type = long; };
        template<> struct norm<unsigned long long> { using type = unsigned long; };
        template<class R, class... A> struct norm<R(A...)> { using type = typename norm<R>::type(typename norm<A>::type...); };
        template<class R, class... A> struct norm<R(A..., ...)> { using type = typename norm<R>::type(typename norm<A>::type..., ...); };

        // A header type H and a spec type S agree; the spec's void* stands for any pointer.
        template<class H, class S> struct agree : std::is_same<typename norm<H>::type, typename norm<S>::type> {};
        template<class H> struct agree<H*, void*> : std::true_type {};

        template<class... T> struct types {};
        template<class F> struct sig;
        template<class R, class... A> struct sig<R(A...)> { using ret = R; using params = types<A...>; static constexpr bool variadic = false; };
        template<class R, class... A> struct sig<R(A...) noexcept> : sig<R(A...)> {};
        template<class R, class... A> struct sig<R(A..., ...)> { using ret = R; using params = types<A...>; static constexpr bool variadic = true; };
        template<class R, class... A> struct sig<R(A..., ...) noexcept> : sig<R(A..., ...)> {};

        template<class H, class S> struct all_agree : std::false_type {};
        template<class... H, class... S> struct all_agree<types<H...>, types<S...>> {
          static constexpr bool value = [] {
            if constexpr (sizeof...(H) != sizeof...(S)) return false;
            else return (agree<H, S>::value && ... && true);
          }();
        };

        // gcc spells the type in __PRETTY_FUNCTION__: "void print_type() [with T = int(sqlite3_stmt*)]".
        template<class T> void print_type() {
          const char *s = std::strstr(__PRETTY_FUNCTION__, "T = ") + 4;
          std::printf("%.*s", (int)std::strlen(s) - 1, s);
        }

        template<class H, class S> void check(const char *name) {
          using h = sig<H>;
          using s = sig<S>;
          bool ok = h::variadic == s::variadic && agree<typename h::ret, typename s::ret>::value
                    && all_agree<typename h::params, typename s::params>::value;
          if (ok) std::printf("%s ok\n", name);
          else {
            std::printf("%s: the header has ", name);
            print_type<H>();
            std::printf(", the spec ");
            print_type<S>();
            std::printf("\n");
          }
        }
        """;
}
