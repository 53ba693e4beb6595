using Ffi.Spec;

namespace Ffi.Tests.Spec.C;

/// <summary>
/// Every error of the C reader, with its exact message: <c>file:line:column: what was expected</c>, then the
/// source line and a caret under the culprit.
/// </summary>
[TestFixture]
public sealed class CReaderErrorTests
{
    private static void AssertFails(string text, string expected)
    {
        var ex = Assert.Throws<FfiSpecException>(() => FfiSpec.ParseC(text, "libt.so.1", "decls.h"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex.Message, Is.EqualTo(expected));
            Assert.That(ex.Message, Is.EqualTo($"{ex.JsonPath}: {ex.Reason}"));
        }
    }

    [Test]
    public void MissingSemicolon() => AssertFails("int abs(int)\nint labs(long);", """
        decls.h:2:1: expected ';' after the declaration of abs, found 'int'
            int labs(long);
            ^
        """);

    [Test]
    public void UnclosedParameterList() => AssertFails("int abs(int;", """
        decls.h:1:12: expected ')' to close the parameter list, found ';'
            int abs(int;
                       ^
        """);

    [Test]
    public void UnknownTypeNameSuggestsTheNearest() => AssertFails("unsigned long crc32(uLong crc, const Bytef *buf);", """
        decls.h:1:21: unknown type name 'uLong' (did you mean "long"?)
            unsigned long crc32(uLong crc, const Bytef *buf);
                                ^
        """);

    [Test]
    public void UnknownTypeNameSuggestsStdintNames() => AssertFails("typedef struct { uint8t a; } s;", """
        decls.h:1:18: unknown type name 'uint8t' (did you mean "uint8_t", "int8_t" or "wint_t"?)
            typedef struct { uint8t a; } s;
                             ^
        """);

    [Test]
    public void UnknownTypeNameAtTopLevel() => AssertFails("flaot f(void);", """
        decls.h:1:1: unknown type name 'flaot' (did you mean "float"?)
            flaot f(void);
            ^
        """);

    [Test]
    public void MissingType() => AssertFails("42;", """
        decls.h:1:1: expected a type (such as int, struct NAME or a typedef name), found '42'
            42;
            ^
        """);

    [Test]
    public void MissingName() => AssertFails("int *;", """
        decls.h:1:6: expected a name for the declaration, found ';'
            int *;
                 ^
        """);

    [Test]
    public void TwoTypes() => AssertFails("int float x;", """
        decls.h:1:5: two types in one declaration: 'float' after 'int'
            int float x;
                ^
        """);

    [Test]
    public void ShortLong() => AssertFails("short long x;", """
        decls.h:1:1: 'short' and 'long' cannot be combined
            short long x;
            ^
        """);

    [Test]
    public void IncompleteStructByValue() => AssertFails("struct opaque;\nvoid f(struct opaque o);", """
        decls.h:2:15: struct opaque is incomplete (declared but never defined), so it cannot be a parameter by value; use a pointer to it
            void f(struct opaque o);
                          ^
        """);

    [Test]
    public void IncompleteStructAsMember() => AssertFails("typedef struct db db;\nstruct s { db inner; };", """
        decls.h:2:12: struct db is incomplete (declared but never defined), so it cannot be a member by value; use a pointer to it
            struct s { db inner; };
                       ^
        """);

    [Test]
    public void StructContainingItself() => AssertFails("struct s { int a; struct s inner; };", """
        decls.h:1:26: cyclic aggregate reference: struct s -> struct s (a type cannot contain itself by value; use a pointer)
            struct s { int a; struct s inner; };
                                     ^
        """);

    [Test]
    public void BitfieldTooWide() => AssertFails("struct s { char c : 9; };", """
        decls.h:1:17: bitfield width 9 exceeds the 8 bits of char
            struct s { char c : 9; };
                            ^
        """);

    [Test]
    public void BitfieldOnAFloat() => AssertFails("struct s { float f : 3; };", """
        decls.h:1:12: a bitfield must have an integer or enum type, not float
            struct s { float f : 3; };
                       ^
        """);

    [Test]
    public void NamedZeroWidthBitfield() => AssertFails("struct s { int a : 0; };", """
        decls.h:1:16: zero-width bitfield 'a' must be unnamed
            struct s { int a : 0; };
                           ^
        """);

    [Test]
    public void DivisionByZero() => AssertFails("int a[4 / (2 - 2)];", """
        decls.h:1:9: division by zero in a constant expression
            int a[4 / (2 - 2)];
                    ^
        """);

    [Test]
    public void NegativeArrayLength() => AssertFails("int a[1 - 2];", """
        decls.h:1:7: array length -1 is negative
            int a[1 - 2];
                  ^
        """);

    [Test]
    public void UnknownNameInAConstant() => AssertFails("int a[SIZE];", """
        decls.h:1:7: 'SIZE' is not an integer constant (an enum constant or a #define declared before it)
            int a[SIZE];
                  ^
        """);

    [Test]
    public void ShiftOutOfRange() => AssertFails("enum { A = 1 << 40 };", """
        decls.h:1:14: shift count 40 is out of range 0..31 for an int-sized operand
            enum { A = 1 << 40 };
                         ^
        """);

    [Test]
    public void SizeofOfAnIncompleteType() => AssertFails("struct x;\nenum { S = sizeof(struct x) };", """
        decls.h:2:26: struct x is incomplete (declared but never defined), so it cannot be measured by value; use a pointer to it
            enum { S = sizeof(struct x) };
                                     ^
        """);

    [Test]
    public void Redefinition() => AssertFails("struct s { int a; };\nstruct s { int b; };", """
        decls.h:2:8: redefinition of struct s
            struct s { int b; };
                   ^
        """);

    [Test]
    public void UnterminatedComment() => AssertFails("int a; /* never closed", """
        decls.h:1:8: unterminated comment: expected '*/'
            int a; /* never closed
                   ^
        """);

    [Test]
    public void UnexpectedCharacter() => AssertFails("int a @;", """
        decls.h:1:7: unexpected character '@'
            int a @;
                  ^
        """);

    [Test]
    public void IntegerTooLarge() => AssertFails("enum { A = 0x1FFFFFFFFFFFFFFFF };", """
        decls.h:1:12: integer constant 0x1FFFFFFFFFFFFFFFF is larger than 64 bits
            enum { A = 0x1FFFFFFFFFFFFFFFF };
                       ^
        """);

    [Test]
    public void BadOctalDigit() => AssertFails("int a[09];", """
        decls.h:1:7: invalid digit '9' in octal constant 09
            int a[09];
                  ^
        """);

    [Test]
    public void BadSuffix() => AssertFails("int a[4q];", """
        decls.h:1:7: invalid suffix "q" on integer constant 4q
            int a[4q];
                  ^
        """);

    [Test]
    public void UnterminatedConditional() => AssertFails("#ifdef X\nint a;", """
        decls.h:1:2: unterminated conditional: expected #endif before the end of the input
            #ifdef X
             ^
        """);

    [Test]
    public void EndifWithoutIf() => AssertFails("#endif", """
        decls.h:1:2: #endif without #if
            #endif
             ^
        """);

    [Test]
    public void BitfieldWithItsOwnAlignment() => AssertFails("struct s { _Alignas(8) int x : 3; };", """
        decls.h:1:28: bitfield 'x' cannot have an alignment of its own
            struct s { _Alignas(8) int x : 3; };
                                       ^
        """);

    [Test]
    public void UnknownAnnotationWord() => AssertFails("/* ffi: erno */ int f(void);", """
        decls.h:1:1: ffi: annotation: unknown word 'erno' (expected errno, trivial, ret_as_str, caps=…, lib=…, doc="…" or tag=…) (did you mean "errno"?)
            /* ffi: erno */ int f(void);
            ^
        """);

    [Test]
    public void AnnotationWithNothingAfterIt() => AssertFails("int f(void);\n/* ffi: errno */", """
        decls.h:2:1: an ffi: annotation must stand right before the declaration it applies to
            /* ffi: errno */
            ^
        """);

    [Test]
    public void RetAsStrOnANonCharPointer() => AssertFails("/* ffi: ret_as_str */\nint *f(void);", """
        decls.h:2:6: ret_as_str: only valid on a char* or unsigned char* return, not int*
            int *f(void);
                 ^
        """);

    [Test]
    public void VoidAmongParameters() => AssertFails("int f(int a, void);", """
        decls.h:1:14: void must be the only parameter: write f(void) for no parameters
            int f(int a, void);
                         ^
        """);

    [Test]
    public void EllipsisFirst() => AssertFails("int f(...);", """
        decls.h:1:6: '...' needs at least one named parameter before it
            int f(...);
                 ^
        """);

    [Test]
    public void FunctionReturningAnArray() => AssertFails("typedef int arr[4];\narr f(void);", """
        decls.h:2:5: ret: a C function cannot return an array; return a pointer or a struct
            arr f(void);
                ^
        """);

    [Test]
    public void UnbalancedParenthesis() => AssertFails("_Static_assert(1, \"x\";", """
        decls.h:1:15: unbalanced '(': the input ends before it is closed
            _Static_assert(1, "x";
                          ^
        """);

    [Test]
    public void UnclosedAttribute() => AssertFails("int f(void) __attribute__((nonnull(1);", """
        decls.h:1:38: expected an attribute name or '))' to close __attribute__((…)), found ';'
            int f(void) __attribute__((nonnull(1);
                                                 ^
        """);

    [Test]
    public void ErrorDirective() => AssertFails("#error this header needs C99", """
        decls.h:1:2: #error directive: this header needs C99
            #error this header needs C99
             ^
        """);

    [Test]
    public void LineMarkersMoveTheReportedPosition() => AssertFails("# 40 \"zlib.h\"\nint f(int)", """
        zlib.h:40:11: expected ';' after the declaration of f, found the end of the input
            int f(int)
                      ^
        """);
}
