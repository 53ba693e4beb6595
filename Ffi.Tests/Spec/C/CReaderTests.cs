using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Tests.Spec.C;

/// <summary>
/// The C declaration reader, construct by construct: what each C spelling becomes in the spec model
/// (the same types the JSON reader makes), with layouts where C fixes them.
/// </summary>
[TestFixture]
public sealed class CReaderTests
{
    private static FfiSpec C(string text) => FfiSpec.ParseC(text, "libt.so.1", "t.h");

    private static T Type<T>(FfiSpec spec, string name) where T : CType
    {
        Assert.That(spec.Types.TryGet(name, out var t), Is.True, $"type {name} is missing");
        Assert.That(t, Is.InstanceOf<T>());
        return (T)t!;
    }

    private static FunctionSpec Fn(FfiSpec spec, string name)
    {
        Assert.That(spec.TryGetFunction(name, out var f), Is.True, $"function {name} is missing");
        return f!;
    }

    [TestCase("char", 8, true)]
    [TestCase("signed char", 8, true)]
    [TestCase("unsigned char", 8, false)]
    [TestCase("short", 16, true)]
    [TestCase("short int", 16, true)]
    [TestCase("signed short int", 16, true)]
    [TestCase("unsigned short", 16, false)]
    [TestCase("int", 32, true)]
    [TestCase("signed", 32, true)]
    [TestCase("unsigned", 32, false)]
    [TestCase("unsigned int", 32, false)]
    [TestCase("int unsigned", 32, false)]
    [TestCase("long", 64, true)]
    [TestCase("long int", 64, true)]
    [TestCase("unsigned long", 64, false)]
    [TestCase("long long", 64, true)]
    [TestCase("long long int", 64, true)]
    [TestCase("unsigned long long int", 64, false)]
    [TestCase("long unsigned long", 64, false)]
    [TestCase("int8_t", 8, true)]
    [TestCase("uint8_t", 8, false)]
    [TestCase("int16_t", 16, true)]
    [TestCase("uint16_t", 16, false)]
    [TestCase("int32_t", 32, true)]
    [TestCase("uint32_t", 32, false)]
    [TestCase("int64_t", 64, true)]
    [TestCase("uint64_t", 64, false)]
    [TestCase("intptr_t", 64, true)]
    [TestCase("uintptr_t", 64, false)]
    [TestCase("size_t", 64, false)]
    [TestCase("ssize_t", 64, true)]
    [TestCase("off_t", 64, true)]
    [TestCase("ptrdiff_t", 64, true)]
    [TestCase("wchar_t", 32, true)]
    [TestCase("intmax_t", 64, true)]
    [TestCase("uint_least16_t", 16, false)]
    [TestCase("int_fast32_t", 64, true)]
    public void IntegerSpellings(string spelling, int bits, bool signed)
    {
        var t = Fn(C($"{spelling} f({spelling} x);"), "f");
        var i = (IntType)t.ReturnType;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(i.Bits, Is.EqualTo(bits));
            Assert.That(i.IsSigned, Is.EqualTo(signed));
            Assert.That(((IntType)t.ParameterTypes[0]).Bits, Is.EqualTo(bits));
        }
    }

    [Test]
    public void BoolFloatDouble()
    {
        var spec = C("_Bool a(bool x); float b(float); double c(double);");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Fn(spec, "a").ReturnType, Is.InstanceOf<IntType>().With.Property("IsBool").True);
            Assert.That(Fn(spec, "a").ParameterTypes[0], Is.InstanceOf<IntType>().With.Property("IsBool").True);
            Assert.That(((FloatType)Fn(spec, "b").ReturnType).Bits, Is.EqualTo(32));
            Assert.That(((FloatType)Fn(spec, "c").ReturnType).Bits, Is.EqualTo(64));
        }
    }

    [Test]
    public void PrototypesVoidUnnamedAndVariadic()
    {
        var spec = C("int getpid_like(void); int two(int, char *); int printf_like(const char *fmt, ...); void nothing();");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Fn(spec, "getpid_like").ParameterTypes, Is.Empty);
            Assert.That(Fn(spec, "two").ParameterTypes, Has.Count.EqualTo(2));
            Assert.That(Fn(spec, "printf_like").IsVariadic, Is.True);
            Assert.That(Fn(spec, "printf_like").ParameterTypes, Has.Count.EqualTo(1));
            Assert.That(Fn(spec, "nothing").ReturnType, Is.InstanceOf<VoidType>());
            Assert.That(Fn(spec, "printf_like").Signature, Is.EqualTo("int printf_like(string, ...)"));
        }
    }

    [Test]
    public void ConstCharPointerIsStringAndReadAsStringWhenReturned()
    {
        var spec = C("const char *version(void); char *buffer(char *dst, const char *src); char const *also(void);");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Fn(spec, "version").ReturnsString, Is.True);
            Assert.That(Fn(spec, "version").ReturnType.Name, Is.EqualTo("string"));
            Assert.That(Fn(spec, "also").ReturnsString, Is.True);
            Assert.That(Fn(spec, "buffer").ReturnsString, Is.False);
            Assert.That(Fn(spec, "buffer").ReturnType, Is.InstanceOf<PointerType>().With.Property("IsCharPointer").True);
            Assert.That(Fn(spec, "buffer").Signature, Is.EqualTo("char* buffer(char*, string)"));
        }
    }

    [Test]
    public void PointersOfAnyDepthAndQualifiersIgnored()
    {
        var spec = C("int ***deep(void * const * volatile p, int * restrict q, const int *__restrict r);");
        var f = Fn(spec, "deep");
        var p = (PointerType)f.ReturnType;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(((PointerType)((PointerType)p.Pointee).Pointee).Pointee, Is.InstanceOf<IntType>());
            Assert.That(((PointerType)((PointerType)f.ParameterTypes[0]).Pointee).Pointee, Is.InstanceOf<VoidType>());
            Assert.That(f.ParameterTypes[1], Is.InstanceOf<PointerType>());
        }
    }

    [Test]
    public void StructsNamedTypedefAnonymousAndNested()
    {
        var spec = C("""
            struct point { int x, y; };
            typedef struct { double w; struct point corner; struct inner { char c; short s; } in; } box;
            typedef struct point point_t;
            struct outer { struct { int a; } anon_member; union { int i; float f; } u; };
            """);
        var box = Type<StructType>(spec, "box");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Type<StructType>(spec, "struct point").Size, Is.EqualTo(8));
            Assert.That(box.Size, Is.EqualTo(24));
            Assert.That(box.GetField("in").Offset, Is.EqualTo(16));
            Assert.That(Type<StructType>(spec, "struct inner").Size, Is.EqualTo(4));
            Assert.That(spec.Types["point_t"], Is.SameAs(spec.Types["struct point"]));
            Assert.That(spec.Types.IsAlias("point_t"), Is.True);
            Assert.That(Type<StructType>(spec, "struct outer").GetField("u").Type, Is.InstanceOf<UnionType>());
            Assert.That(Type<StructType>(spec, "struct outer").Size, Is.EqualTo(8));
        }
    }

    [Test]
    public void SelfReferenceAndForwardReference()
    {
        var spec = C("""
            typedef struct node node;
            struct node { int value; node *next; struct later *l; };
            struct later { node n; };
            """);
        var node = Type<StructType>(spec, "struct node");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(((PointerType)node.GetField("next").Type).Pointee, Is.SameAs(node));
            Assert.That(node.GetField("l").Type, Is.InstanceOf<PointerType>(), "completed later in the text: a plain pointer, not a handle");
            Assert.That(Type<StructType>(spec, "struct later").Size, Is.EqualTo(24));
        }
    }

    [Test]
    public void PointerToIncompleteStructIsATaggedHandle()
    {
        var spec = C("""
            typedef struct sqlite3 sqlite3;
            struct opaque;
            int sqlite3_open(const char *filename, sqlite3 **ppDb);
            int sqlite3_close(sqlite3 *db);
            void use(struct opaque *o);
            /* ffi: tag=conn */ typedef struct other other_t;
            void other(other_t *o);
            """);
        var close = Fn(spec, "sqlite3_close");
        var open = Fn(spec, "sqlite3_open");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(close.ParameterTypes[0], Is.InstanceOf<HandleType>().With.Property("Tag").EqualTo("sqlite3"));
            Assert.That(close.ParameterTypes[0].Size, Is.EqualTo(8));
            Assert.That(((PointerType)open.ParameterTypes[1]).Pointee, Is.SameAs(close.ParameterTypes[0]));
            Assert.That(Fn(spec, "use").ParameterTypes[0], Is.InstanceOf<HandleType>().With.Property("Tag").EqualTo("opaque"));
            Assert.That(Fn(spec, "other").ParameterTypes[0], Is.InstanceOf<HandleType>().With.Property("Tag").EqualTo("conn"));
        }
    }

    [Test]
    public void ArraysFlexibleMultiDimensionalAndConstantLengths()
    {
        var spec = C("""
            #define N 4
            enum { M = N * 2 + 1 };
            struct s { int a[N]; char b[M][2]; long c[sizeof(int) << 1]; char d[(unsigned char)258]; int tail[]; };
            """);
        var s = Type<StructType>(spec, "struct s");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(((ArrayType)s.GetField("a").Type).Length, Is.EqualTo(4));
            Assert.That(((ArrayType)s.GetField("b").Type).Length, Is.EqualTo(9));
            Assert.That(((ArrayType)((ArrayType)s.GetField("b").Type).Element).Length, Is.EqualTo(2));
            Assert.That(((ArrayType)s.GetField("c").Type).Length, Is.EqualTo(8));
            Assert.That(((ArrayType)s.GetField("d").Type).Length, Is.EqualTo(2));
            Assert.That(s.GetField("tail").Type, Is.InstanceOf<ArrayType>().With.Property("IsFlexible").True);
            Assert.That(s.HasFlexibleArray, Is.True);
        }
    }

    [Test]
    public void FunctionPointersTypedefInlineAndReturningFunctionPointers()
    {
        var spec = C("""
            typedef int (*compar)(const void *, const void *);
            typedef void handler_fn(int);
            void qsort(void *base, size_t n, size_t size, compar cmp);
            handler_fn *signal(int sig, handler_fn *h);
            void (*signal2(int sig, void (*h)(int)))(int);
            struct ops { int (*open)(const char *path, int flags); void (*close)(void); };
            int apply(int f(int), int x);
            """);
        var cmp = Type<FuncPtrType>(spec, "compar");
        var signal2 = Fn(spec, "signal2");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(cmp.Parameters, Has.Count.EqualTo(2));
            Assert.That(cmp.Return, Is.InstanceOf<IntType>());
            Assert.That(Fn(spec, "qsort").ParameterTypes[3], Is.SameAs(cmp));
            Assert.That(Fn(spec, "signal").ReturnType, Is.InstanceOf<FuncPtrType>());
            Assert.That(signal2.ReturnType, Is.InstanceOf<FuncPtrType>());
            Assert.That(((FuncPtrType)signal2.ReturnType).Parameters[0], Is.InstanceOf<IntType>());
            Assert.That(signal2.ParameterTypes[1], Is.InstanceOf<FuncPtrType>());
            Assert.That(Type<StructType>(spec, "struct ops").GetField("open").Type, Is.InstanceOf<FuncPtrType>());
            Assert.That(Fn(spec, "apply").ParameterTypes[0], Is.InstanceOf<FuncPtrType>(), "a function parameter is adjusted to a pointer");
            Assert.That(spec.Types.TryGet("handler_fn", out _), Is.False, "a function type is not a type of its own");
        }
    }

    [Test]
    public void BitfieldsPackedAlignedAndPragmaPack()
    {
        var spec = C("""
            struct flags { unsigned a : 3, b : 5; int : 0; unsigned char c : 1; };
            struct __attribute__((packed)) p1 { char c; int i; };
            struct p2 { char c; int i; } __attribute__((__packed__));
            struct al { char c; } __attribute__((aligned(16)));
            #pragma pack(push, 1)
            struct pp { char c; double d; };
            #pragma pack(pop)
            struct after { char c; double d; };
            typedef struct __attribute__((aligned(8))) { int x; } a8;
            """);
        var flags = Type<StructType>(spec, "struct flags");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(flags.GetField("b").BitOffset, Is.EqualTo(3));
            Assert.That(flags.GetField("b").BitWidth, Is.EqualTo(5));
            Assert.That(flags.GetField("c").BitOffset, Is.EqualTo(32));
            Assert.That(spec.Types["struct p1"].Size, Is.EqualTo(5));
            Assert.That(spec.Types["struct p2"].Size, Is.EqualTo(5));
            Assert.That(spec.Types["struct al"].Align, Is.EqualTo(16));
            Assert.That(spec.Types["struct pp"].Size, Is.EqualTo(9));
            Assert.That(spec.Types["struct after"].Size, Is.EqualTo(16));
            Assert.That(spec.Types["a8"].Size, Is.EqualTo(8));
        }
    }

    [Test]
    public void MemberAlignmentWithAlignasAndAttributes()
    {
        var spec = C("""
            struct a { char c; _Alignas(16) int x; char d; };
            struct b { char c; int y __attribute__((aligned(8))); };
            struct __attribute__((packed)) c { char c; _Alignas(4) int z; };
            union u { char c; _Alignas(double) char d; };
            """);
        var a = Type<StructType>(spec, "struct a");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(a.GetField("x").Offset, Is.EqualTo(16));
            Assert.That(a.GetField("x").RequestedAlign, Is.EqualTo(16));
            Assert.That(a.Size, Is.EqualTo(32));
            Assert.That(a.Align, Is.EqualTo(16));
            Assert.That(Type<StructType>(spec, "struct b").GetField("y").Offset, Is.EqualTo(8));
            Assert.That(Type<StructType>(spec, "struct c").GetField("z").Offset, Is.EqualTo(4));
            Assert.That(spec.Types["union u"].Align, Is.EqualTo(8));
        }
    }

    [Test]
    public void EnumsAndConstantsWithExpressions()
    {
        var spec = C("""
            #define BASE 0x10
            #define SHIFTED (BASE << 2)
            #define NEG (-(int)sizeof(long))
            #define CH 'A'
            #define NOT_A_NUMBER "text"
            #define MASK (~0u >> 28)
            enum color { RED, GREEN = 5, BLUE, LAST = BLUE * 2 + SHIFTED };
            typedef enum { NEG_ONE = -1, ONE = 1 } signed_e;
            enum big { HUGE = 0x100000000 };
            int paint(enum color c);
            """);
        var constants = spec.Constants.ToDictionary(kv => kv.Key, kv => kv.Value);
        var color = Type<EnumType>(spec, "enum color");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(constants["RED"], Is.EqualTo(0));
            Assert.That(constants["BLUE"], Is.EqualTo(6));
            Assert.That(constants["LAST"], Is.EqualTo(76));
            Assert.That(constants["BASE"], Is.EqualTo(16));
            Assert.That(constants["SHIFTED"], Is.EqualTo(64));
            Assert.That(constants["NEG"], Is.EqualTo(-8));
            Assert.That(constants["CH"], Is.EqualTo(65));
            Assert.That(constants["MASK"], Is.EqualTo(15));
            Assert.That(constants.ContainsKey("NOT_A_NUMBER"), Is.False);
            Assert.That(color.Base.IsSigned, Is.False, "gcc: no negative constant → unsigned int");
            Assert.That(color.Base.Bits, Is.EqualTo(32));
            Assert.That(Type<EnumType>(spec, "signed_e").Base.IsSigned, Is.True);
            Assert.That(Type<EnumType>(spec, "enum big").Base.Bits, Is.EqualTo(64));
            Assert.That(Fn(spec, "paint").ParameterTypes[0], Is.SameAs(color));
        }
    }

    [Test]
    public void CommentsContinuationsAndConditionals()
    {
        var spec = C("""
            // a line comment
            /* a block
               comment */
            #define LONG_MACRO 1 + \
                2
            #ifdef __cplusplus
            extern "C" {
            #endif
            #if LONG_MACRO == 3 && !defined(NOPE)
            int yes(void);
            #elif 1
            int no(void);
            #else
            int never(void);
            #endif
            #ifndef LONG_MACRO
            int hidden(void);
            #endif
            int un\
            split(void);
            #ifdef __cplusplus
            }
            #endif
            """);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Functions.Select(f => f.Name), Is.EqualTo(new[] { "yes", "unsplit" }));
            Assert.That(spec.Constants.Single(c => c.Key == "LONG_MACRO").Value, Is.EqualTo(3));
        }
    }

    [Test]
    public void GlibcNoiseIsAccepted()
    {
        var spec = C("""
            # 1 "/usr/include/stdio.h" 1 3 4
            __extension__ typedef long long int __quad_t;
            typedef struct _IO_FILE FILE;
            extern FILE *stdin;
            extern int fclose (FILE *__stream) __attribute__ ((__nonnull__ (1)));
            extern int __isoc99_fscanf_like (FILE *__restrict __stream, const char *__restrict __format, ...) __asm__ ("" "__isoc99_fscanf") ;
            extern size_t fread (void *__restrict __ptr, size_t __size, size_t __n, FILE *__restrict __stream) __attribute__ ((__warn_unused_result__));
            static __inline int inline_helper (int __x) { return __x + 1; }
            extern __inline __attribute__ ((__gnu_inline__)) int gnu_inline (void) { return 0; }
            _Static_assert(sizeof(int) == 4, "int");
            extern _Float128 strtof128 (const char *__restrict __nptr, char **__restrict __endptr);
            typedef _Float128 f128_t;
            extern f128_t use_f128 (void);
            extern long double strtold (const char *__restrict __nptr, char **__restrict __endptr);
            extern __int128 wide (void);
            extern int vprintf (const char *__restrict __format, __gnuc_va_list __arg);
            """);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Functions.Select(f => f.Name), Is.EqualTo(new[] { "fclose", "__isoc99_fscanf", "fread" }));
            Assert.That(spec.Variables.Single().Name, Is.EqualTo("stdin"));
            Assert.That(spec.Variables.Single().Type, Is.InstanceOf<HandleType>().With.Property("Tag").EqualTo("_IO_FILE"));
            Assert.That(spec.Notes, Has.Some.StartsWith("/usr/include/stdio.h:11:").And.Contains("declaration skipped: uses _Float128"));
            Assert.That(spec.Notes, Has.Some.Contains("declaration skipped: uses f128_t, which was skipped"));
            Assert.That(spec.Notes, Has.Some.Contains("long double (the 80-bit x87 type) is not supported"));
            Assert.That(spec.Notes, Has.Some.Contains("uses __int128"));
            Assert.That(spec.Notes, Has.Some.Contains("uses __gnuc_va_list"));
            Assert.That(spec.Notes, Has.Some.Contains("__isoc99_fscanf_like is bound to the symbol __isoc99_fscanf"));
        }
    }

    [Test]
    public void VariablesAndStaticsSkipped()
    {
        var spec = C("extern int counter; const char *names[3]; static int hidden; int defined_here = 5;");
        Assert.That(spec.Variables.Select(v => v.Name), Is.EqualTo(new[] { "counter", "names", "defined_here" }));
    }

    [Test]
    public void AnnotationsCarryWhatCCannotSay()
    {
        var spec = C("""
            /* ffi: errno caps=fs,net */
            int open_file(const char *path);
            // ffi: trivial lib=libm.so.6 doc="The absolute value."
            int abs_like(int);
            /* ffi: ret_as_str */
            char *getenv_like(const char *name);
            /* ffi: doc="A point." */
            typedef struct { int x; } point;
            /* ffi: caps=env */
            extern char **environ_like;
            /* ffi: tag=fd doc="a descriptor" */
            typedef int fd_t;
            """);
        var open = Fn(spec, "open_file");
        var abs = Fn(spec, "abs_like");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(open.CapturesErrno, Is.True);
            Assert.That(open.Capabilities, Is.EqualTo(new[] { "fs", "net" }));
            Assert.That(abs.IsTrivial, Is.True);
            Assert.That(abs.Library, Is.EqualTo("libm.so.6"));
            Assert.That(abs.Doc, Is.EqualTo("The absolute value."));
            Assert.That(Fn(spec, "getenv_like").ReturnsString, Is.True);
            Assert.That(spec.Types["point"].Doc, Is.EqualTo("A point."));
            Assert.That(spec.Variables.Single().Capabilities, Is.EqualTo(new[] { "env" }));
            Assert.That(spec.Types["fd_t"], Is.InstanceOf<HandleType>().With.Property("Tag").EqualTo("fd"));
            Assert.That(spec.Types["fd_t"].Size, Is.EqualTo(4));
        }
    }

    [Test]
    public void RepeatedPrototypesAndTypedefsAreAllowed()
    {
        var spec = C("typedef int myint; typedef int myint; int f(myint); int f(int x); typedef unsigned int uint; typedef _Bool bool;");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Functions, Has.Count.EqualTo(1));
            Assert.That(spec.Types.Names, Is.EqualTo(new[] { "myint" }), "typedefs that restate a builtin name are the builtin");
        }
    }

    [Test]
    public void LibraryIsTheOneGiven() => Assert.That(FfiSpec.ParseC("int abs(int);", "libc.so.6").Lib, Is.EqualTo("libc.so.6"));
}
