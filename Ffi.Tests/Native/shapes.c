/* One function per calling-convention shape, for ShapeFixtureTests.
 *
 * Every function computes something that depends on every argument and every field, so that a value in
 * the wrong register, the wrong stack slot or the wrong half of an eightbyte changes the result:
 *   - sum_T(struct T s)          = 1*leaf0 + 2*leaf1 + 3*leaf2 + ... (leaves in declaration order, as double)
 *   - make_T(leaf0, leaf1, ...)  = the struct with those leaves (a return of that shape)
 *   - id_T / next_T              = identity and successor (wrapping) of a scalar
 * The tests pick values that make every sum exact in double.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ------------------------------------------------------------------ scalars */

#define INT_SCALAR(name, ctype)                      \
    ctype id_##name(ctype x) { return x; }           \
    ctype next_##name(ctype x) { return (ctype)((unsigned long long)x + 1u); }

INT_SCALAR(char, char)
INT_SCALAR(schar, signed char)
INT_SCALAR(uchar, unsigned char)
INT_SCALAR(short, short)
INT_SCALAR(ushort, unsigned short)
INT_SCALAR(int, int)
INT_SCALAR(uint, unsigned int)
INT_SCALAR(long, long)
INT_SCALAR(ulong, unsigned long)
INT_SCALAR(longlong, long long)
INT_SCALAR(ulonglong, unsigned long long)
INT_SCALAR(size_t, size_t)
INT_SCALAR(ssize_t, ssize_t)
INT_SCALAR(int8, int8_t)
INT_SCALAR(uint8, uint8_t)
INT_SCALAR(int16, int16_t)
INT_SCALAR(uint16, uint16_t)
INT_SCALAR(int32, int32_t)
INT_SCALAR(uint32, uint32_t)
INT_SCALAR(int64, int64_t)
INT_SCALAR(uint64, uint64_t)
INT_SCALAR(intptr_t, intptr_t)
INT_SCALAR(uintptr_t, uintptr_t)

bool id_bool(bool x) { return x; }
bool next_bool(bool x) { return !x; }

float id_float(float x) { return x; }
float next_float(float x) { return x + 1.0f; }
double id_double(double x) { return x; }
double next_double(double x) { return x + 1.0; }

void *id_pointer(void *p) { return p; }
void *next_pointer(void *p) { return (char *)p + 1; }

enum color { RED = -1, GREEN = 7, BLUE = 0x7fffffff };
enum color id_color(enum color c) { return c; }
enum color next_color(enum color c) { return c == RED ? GREEN : c == GREEN ? BLUE : RED; }

enum big { SMALL = 1, HUGE = 0xffffffffu }; /* unsigned int */
enum big id_big(enum big b) { return b; }
enum big next_big(enum big b) { return (enum big)(b + 1u); }

enum __attribute__((packed)) tiny { T_NEG = -3, T_POS = 100 }; /* signed char */
enum tiny id_tiny(enum tiny t) { return t; }
enum tiny next_tiny(enum tiny t) { return t == T_NEG ? T_POS : T_NEG; }

/* Small scalars converted by the callee: the caller must not rely on bits above the type's width. */
long widen_char(char c) { return c; }
unsigned long widen_uchar(unsigned char c) { return c; }
long widen_short(short s) { return s; }
long widen_int(int i) { return i; }
unsigned long widen_uint(unsigned i) { return i; }
int bool_bits(bool a, bool b, bool c) { return a + 2 * b + 4 * c; }
bool is_negative(long x) { return x < 0; }

/* Every scalar kind in one call: 16 INTEGER arguments (10 of them on the stack) and 2 SSE ones. */
unsigned long long all_scalars(char a, signed char b, unsigned char c, short d, unsigned short e, int f,
                               unsigned g, long h, unsigned long i, long long j, unsigned long long k,
                               float l, double m, bool n, size_t o, ssize_t p, void *q, enum color r)
{
    unsigned long long x = 17;
#define MIX(v) x = x * 31 + (unsigned long long)(v)
    MIX(a); MIX(b); MIX(c); MIX(d); MIX(e); MIX(f); MIX(g); MIX(h); MIX(i); MIX(j); MIX(k);
    MIX((long long)(l * 4)); MIX((long long)(m * 4)); MIX(n); MIX(o); MIX(p); MIX((uintptr_t)q); MIX(r);
#undef MIX
    return x;
}

/* ------------------------------------------------------------------ structs, one eightbyte class mix each */

struct s_c { char a; };                          /* 1:  INTEGER */
struct s_s { short a; };                         /* 2:  INTEGER */
struct s_i { int a; };                           /* 4:  INTEGER */
struct s_f { float a; };                         /* 4:  SSE */
struct s_d { double a; };                        /* 8:  SSE */
struct s_ii { int a, b; };                       /* 8:  INTEGER */
struct s_ff { float a, b; };                     /* 8:  SSE (packed in one xmm) */
struct s_if { int a; float b; };                 /* 8:  INTEGER (merge) */
struct s_csf { char a; short b; float c; };      /* 8:  INTEGER */
struct s_dl { double a; long b; };               /* 16: SSE, INTEGER */
struct s_ld { long a; double b; };               /* 16: INTEGER, SSE */
struct s_dd { double a, b; };                    /* 16: SSE, SSE */
struct s_ll { long a, b; };                      /* 16: INTEGER, INTEGER */
struct s_fd { float a; double b; };              /* 16: SSE, SSE */
struct s_ffl { float a, b; long c; };            /* 16: SSE, INTEGER */
struct s_fff { float a, b, c; };                 /* 12: SSE, SSE */
struct s_fif { float a; int b; float c; };       /* 12: INTEGER, SSE */
struct s_c3 { char a[3]; };                      /* 3:  INTEGER */
struct s_cd { char a; double b; };               /* 16: INTEGER, SSE */
struct s_v4 { float v[4]; };                     /* 16: SSE, SSE */
struct s_s5n { char s[5]; int n; };              /* 12: INTEGER, INTEGER */
struct pt2f { float x, y; };
struct s_nest { struct pt2f p; double z; };      /* 16: SSE, SSE */
struct s_nest2 { int a; struct pt2f p; };        /* 12: INTEGER (a + p.x), SSE (p.y) */
struct s24 { long a; double b; long c; };        /* 24: MEMORY */
struct s32 { double a; long b; float c; int d; double e; };                /* 32: MEMORY */
struct s48 { long a[3]; double b[3]; };                                    /* 48: MEMORY */
struct s64 { double a; long b; float c; int d; short e; char f; long g[4]; }; /* 64: MEMORY */

/* Bitfields: always INTEGER for every eightbyte they touch. */
struct bf1 { unsigned a : 3; int b : 7; unsigned c : 20; };                /* 4:  INTEGER */
struct bf_f { float f; unsigned a : 5; int b : 20; };                      /* 8:  INTEGER (float + bits) */
struct bf_sse { double d; unsigned a : 3; int b : 7; };                    /* 16: SSE, INTEGER */
struct __attribute__((packed)) bf_str { unsigned long a : 50; unsigned long b : 20; unsigned c : 10; };
                                                 /* 10: INTEGER, INTEGER; b straddles bit 64 */

/* Packed: registers while every field is aligned, MEMORY once one is not. */
struct __attribute__((packed)) pk_reg { int a; int b; char c; };          /* 9:  INTEGER, INTEGER */
struct __attribute__((packed)) pk_dc { double d; char c; };               /* 9:  SSE, INTEGER */
struct __attribute__((packed)) pk_mem { char c; int i; double d; };       /* 13: MEMORY (i, d unaligned) */
struct __attribute__((packed)) pk_cd { char c; double d; };               /* 9:  MEMORY (d unaligned) */

/* More mixes. */
struct s_df { double a; float b; };                                        /* 16: SSE, SSE (b alone in xmm1) */
struct s_bec { bool a; bool b; enum color c; short d; };                   /* 12: INTEGER, INTEGER */
struct s_pts { struct pt2f p[2]; };                                        /* 16: SSE, SSE (array of structs) */
struct s_uni { char tag; union { int i; float f; } v; double d; };         /* 16: INTEGER, SSE (union inside) */
struct empty { };                                                          /* 0: GNU C, takes no register, no stack */
struct s_ie { int a; struct empty e; float b; };                          /* 8:  INTEGER */
struct s_za { float a; char z[0]; };                                       /* 4:  INTEGER (gcc quirk) */
struct s_nc { long : 64; double d; };                                      /* 16: NO_CLASS, SSE: d alone in xmm0 */
struct bf_mix { unsigned char a : 3; short b : 9; long c : 40; bool d : 1; }; /* 8:  INTEGER, four storage-unit types */

double sum_s_c(struct s_c s) { return 1.0 * s.a; }
double sum_s_s(struct s_s s) { return 1.0 * s.a; }
double sum_s_i(struct s_i s) { return 1.0 * s.a; }
double sum_s_f(struct s_f s) { return 1.0 * s.a; }
double sum_s_d(struct s_d s) { return 1.0 * s.a; }
double sum_s_ii(struct s_ii s) { return 1.0 * s.a + 2.0 * s.b; }
double sum_s_ff(struct s_ff s) { return 1.0 * s.a + 2.0 * s.b; }
double sum_s_if(struct s_if s) { return 1.0 * s.a + 2.0 * s.b; }
double sum_s_csf(struct s_csf s) { return 1.0 * s.a + 2.0 * s.b + 3.0 * s.c; }
double sum_s_dl(struct s_dl s) { return 1.0 * s.a + 2.0 * s.b; }
double sum_s_ld(struct s_ld s) { return 1.0 * s.a + 2.0 * s.b; }
double sum_s_dd(struct s_dd s) { return 1.0 * s.a + 2.0 * s.b; }
double sum_s_ll(struct s_ll s) { return 1.0 * s.a + 2.0 * s.b; }
double sum_s_fd(struct s_fd s) { return 1.0 * s.a + 2.0 * s.b; }
double sum_s_ffl(struct s_ffl s) { return 1.0 * s.a + 2.0 * s.b + 3.0 * s.c; }
double sum_s_fff(struct s_fff s) { return 1.0 * s.a + 2.0 * s.b + 3.0 * s.c; }
double sum_s_fif(struct s_fif s) { return 1.0 * s.a + 2.0 * s.b + 3.0 * s.c; }
double sum_s_c3(struct s_c3 s) { return 1.0 * s.a[0] + 2.0 * s.a[1] + 3.0 * s.a[2]; }
double sum_s_cd(struct s_cd s) { return 1.0 * s.a + 2.0 * s.b; }
double sum_s_v4(struct s_v4 s) { return 1.0 * s.v[0] + 2.0 * s.v[1] + 3.0 * s.v[2] + 4.0 * s.v[3]; }
double sum_s_s5n(struct s_s5n s)
{
    return 1.0 * s.s[0] + 2.0 * s.s[1] + 3.0 * s.s[2] + 4.0 * s.s[3] + 5.0 * s.s[4] + 6.0 * s.n;
}
double sum_s_nest(struct s_nest s) { return 1.0 * s.p.x + 2.0 * s.p.y + 3.0 * s.z; }
double sum_s_nest2(struct s_nest2 s) { return 1.0 * s.a + 2.0 * s.p.x + 3.0 * s.p.y; }
double sum_s24(struct s24 s) { return 1.0 * s.a + 2.0 * s.b + 3.0 * s.c; }
double sum_s32(struct s32 s) { return 1.0 * s.a + 2.0 * s.b + 3.0 * s.c + 4.0 * s.d + 5.0 * s.e; }
double sum_s48(struct s48 s)
{
    return 1.0 * s.a[0] + 2.0 * s.a[1] + 3.0 * s.a[2] + 4.0 * s.b[0] + 5.0 * s.b[1] + 6.0 * s.b[2];
}
double sum_s64(struct s64 s)
{
    return 1.0 * s.a + 2.0 * s.b + 3.0 * s.c + 4.0 * s.d + 5.0 * s.e + 6.0 * s.f
         + 7.0 * s.g[0] + 8.0 * s.g[1] + 9.0 * s.g[2] + 10.0 * s.g[3];
}
double sum_bf1(struct bf1 s) { return 1.0 * s.a + 2.0 * s.b + 3.0 * s.c; }
double sum_bf_f(struct bf_f s) { return 1.0 * s.f + 2.0 * s.a + 3.0 * s.b; }
double sum_bf_sse(struct bf_sse s) { return 1.0 * s.d + 2.0 * s.a + 3.0 * s.b; }
double sum_bf_str(struct bf_str s) { return 1.0 * s.a + 2.0 * s.b + 3.0 * s.c; }
double sum_pk_reg(struct pk_reg s) { return 1.0 * s.a + 2.0 * s.b + 3.0 * s.c; }
double sum_pk_dc(struct pk_dc s) { return 1.0 * s.d + 2.0 * s.c; }
double sum_pk_mem(struct pk_mem s) { return 1.0 * s.c + 2.0 * s.i + 3.0 * s.d; }
double sum_pk_cd(struct pk_cd s) { return 1.0 * s.c + 2.0 * s.d; }
double sum_s_df(struct s_df s) { return 1.0 * s.a + 2.0 * s.b; }
double sum_s_bec(struct s_bec s) { return 1.0 * s.a + 2.0 * s.b + 3.0 * s.c + 4.0 * s.d; }
double sum_s_pts(struct s_pts s) { return 1.0 * s.p[0].x + 2.0 * s.p[0].y + 3.0 * s.p[1].x + 4.0 * s.p[1].y; }
double sum_s_uni(struct s_uni s) { return 1.0 * s.tag + 2.0 * s.v.i + 3.0 * s.d; }
double sum_s_ie(struct s_ie s) { return 1.0 * s.a + 2.0 * s.b; }
double sum_s_za(struct s_za s) { return 1.0 * s.a; }
double sum_s_nc(struct s_nc s) { return 1.0 * s.d; }
double sum_bf_mix(struct bf_mix s) { return 1.0 * s.a + 2.0 * s.b + 3.0 * s.c + 4.0 * s.d; }

struct s_c make_s_c(char a) { struct s_c s = { a }; return s; }
struct s_s make_s_s(short a) { struct s_s s = { a }; return s; }
struct s_i make_s_i(int a) { struct s_i s = { a }; return s; }
struct s_f make_s_f(float a) { struct s_f s = { a }; return s; }
struct s_d make_s_d(double a) { struct s_d s = { a }; return s; }
struct s_ii make_s_ii(int a, int b) { struct s_ii s = { a, b }; return s; }
struct s_ff make_s_ff(float a, float b) { struct s_ff s = { a, b }; return s; }
struct s_if make_s_if(int a, float b) { struct s_if s = { a, b }; return s; }
struct s_csf make_s_csf(char a, short b, float c) { struct s_csf s = { a, b, c }; return s; }
struct s_dl make_s_dl(double a, long b) { struct s_dl s = { a, b }; return s; }
struct s_ld make_s_ld(long a, double b) { struct s_ld s = { a, b }; return s; }
struct s_dd make_s_dd(double a, double b) { struct s_dd s = { a, b }; return s; }
struct s_ll make_s_ll(long a, long b) { struct s_ll s = { a, b }; return s; }
struct s_fd make_s_fd(float a, double b) { struct s_fd s = { a, b }; return s; }
struct s_ffl make_s_ffl(float a, float b, long c) { struct s_ffl s = { a, b, c }; return s; }
struct s_fff make_s_fff(float a, float b, float c) { struct s_fff s = { a, b, c }; return s; }
struct s_fif make_s_fif(float a, int b, float c) { struct s_fif s = { a, b, c }; return s; }
struct s_c3 make_s_c3(char a0, char a1, char a2) { struct s_c3 s = { { a0, a1, a2 } }; return s; }
struct s_cd make_s_cd(char a, double b) { struct s_cd s = { a, b }; return s; }
struct s_v4 make_s_v4(float v0, float v1, float v2, float v3) { struct s_v4 s = { { v0, v1, v2, v3 } }; return s; }
struct s_s5n make_s_s5n(char s0, char s1, char s2, char s3, char s4, int n)
{
    struct s_s5n s = { { s0, s1, s2, s3, s4 }, n };
    return s;
}
struct s_nest make_s_nest(float x, float y, double z) { struct s_nest s = { { x, y }, z }; return s; }
struct s_nest2 make_s_nest2(int a, float x, float y) { struct s_nest2 s = { a, { x, y } }; return s; }
struct s24 make_s24(long a, double b, long c) { struct s24 s = { a, b, c }; return s; }
struct s32 make_s32(double a, long b, float c, int d, double e) { struct s32 s = { a, b, c, d, e }; return s; }
struct s48 make_s48(long a0, long a1, long a2, double b0, double b1, double b2)
{
    struct s48 s = { { a0, a1, a2 }, { b0, b1, b2 } };
    return s;
}
/* Hidden result pointer in rdi: b, d, e, f, g0 take rsi..r9, g1..g3 go on the stack. */
struct s64 make_s64(double a, long b, float c, int d, short e, char f, long g0, long g1, long g2, long g3)
{
    struct s64 s = { a, b, c, d, e, f, { g0, g1, g2, g3 } };
    return s;
}
struct bf1 make_bf1(unsigned a, int b, unsigned c) { struct bf1 s = { a, b, c }; return s; }
struct bf_f make_bf_f(float f, unsigned a, int b) { struct bf_f s = { f, a, b }; return s; }
struct bf_sse make_bf_sse(double d, unsigned a, int b) { struct bf_sse s = { d, a, b }; return s; }
struct bf_str make_bf_str(unsigned long a, unsigned long b, unsigned c) { struct bf_str s = { a, b, c }; return s; }
struct pk_reg make_pk_reg(int a, int b, char c) { struct pk_reg s = { a, b, c }; return s; }
struct pk_dc make_pk_dc(double d, char c) { struct pk_dc s = { d, c }; return s; }
struct pk_mem make_pk_mem(char c, int i, double d) { struct pk_mem s = { c, i, d }; return s; }
struct pk_cd make_pk_cd(char c, double d) { struct pk_cd s = { c, d }; return s; }
struct s_df make_s_df(double a, float b) { struct s_df s = { a, b }; return s; }
struct s_bec make_s_bec(bool a, bool b, enum color c, short d) { struct s_bec s = { a, b, c, d }; return s; }
struct s_pts make_s_pts(float x0, float y0, float x1, float y1) { struct s_pts s = { { { x0, y0 }, { x1, y1 } } }; return s; }
struct s_uni make_s_uni(char tag, int i, double d) { struct s_uni s = { tag, { i }, d }; return s; }
struct s_ie make_s_ie(int a, float b) { struct s_ie s = { a, { }, b }; return s; }
struct s_za make_s_za(float a) { struct s_za s = { a }; return s; }
struct s_nc make_s_nc(double d) { struct s_nc s = { d }; return s; }
struct bf_mix make_bf_mix(unsigned char a, short b, long c, bool d) { struct bf_mix s = { a, b, c, d }; return s; }

/* An empty struct takes neither a register nor a stack slot. */
long empty_between(long a, struct empty e, long b) { return a + 2 * b; }
long empty_on_stack(long a1, long a2, long a3, long a4, long a5, long a6, struct empty e, long b)
{
    return a1 + 2 * a2 + 3 * a3 + 4 * a4 + 5 * a5 + 6 * a6 + 7 * b;
}

/* {NO_CLASS, SSE}: the struct takes only xmm0, x takes xmm1. */
double nc_then_double(struct s_nc s, double x) { return s.d + 2 * x; }

/* Over 1 KiB by value, both ways. */
struct s_huge { long a[130]; };
long sum_huge(struct s_huge s, long k)
{
    long r = k;
    for (int i = 0; i < 130; i++) r += (i + 1) * s.a[i];
    return r;
}
struct s_huge make_huge(long start, long step)
{
    struct s_huge s;
    for (int i = 0; i < 130; i++) s.a[i] = start + i * step;
    return s;
}

/* A MEMORY argument is the callee's own copy: changing it must not reach the caller's storage. */
long s24_scribble(struct s24 s)
{
    s.a = 111;
    s.c = 333;
    return s.a + s.c;
}

/* ------------------------------------------------------------------ unions */

union u_if { int i; float f; };                  /* 4:  INTEGER */
union u_fd { float f; double d; };               /* 8:  SSE */
union u_dl { double d; long l; };                /* 8:  INTEGER (merge) */
union u_big { char c[20]; double d; };           /* 24: MEMORY */
union u_fi3 { float f[3]; int i; };              /* 12: INTEGER (f[0], f[1], i), SSE (f[2]) */

int u_if_int(union u_if u) { return u.i; }
float u_if_float(union u_if u) { return u.f; }
union u_if u_if_from_float(float f) { union u_if u; u.f = f; return u; }
double u_fd_double(union u_fd u) { return u.d; }
float u_fd_float(union u_fd u) { return u.f; }
union u_fd u_fd_from_double(double d) { union u_fd u; u.d = d; return u; }
double u_dl_twice(union u_dl u) { return u.d * 2; }
long u_dl_long(union u_dl u) { return u.l; }
double u_dl_double(union u_dl u) { return u.d; }
union u_dl u_dl_from_double(double d) { union u_dl u; u.d = d; return u; }
long u_big_sum(union u_big u, long k)
{
    long s = k;
    for (int i = 0; i < 20; i++) s += (i + 1) * u.c[i];
    return s;
}
double u_fi3_sum(union u_fi3 u) { return u.f[0] + 2.0 * u.f[1] + 3.0 * u.f[2]; }
union u_fi3 u_fi3_make(float a, float b, float c) { union u_fi3 u = { { a, b, c } }; return u; }
union u_big u_big_make(char start)
{
    union u_big u;
    for (int i = 0; i < 20; i++) u.c[i] = (char)(start + i);
    return u;
}

/* ------------------------------------------------------------------ many arguments */

/* a6..a9 on the stack. */
long ten_longs(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7, long a8, long a9)
{
    return a0 + 2 * a1 + 3 * a2 + 4 * a3 + 5 * a4 + 6 * a5 + 7 * a6 + 8 * a7 + 9 * a8 + 10 * a9;
}

/* d8..d11 on the stack. */
double twelve_doubles(double d0, double d1, double d2, double d3, double d4, double d5,
                      double d6, double d7, double d8, double d9, double d10, double d11)
{
    return d0 + 2 * d1 + 3 * d2 + 4 * d3 + 5 * d4 + 6 * d5 + 7 * d6 + 8 * d7 + 9 * d8 + 10 * d9 + 11 * d10 + 12 * d11;
}

/* 9 INTEGER and 9 SSE arguments interleaved: a..k take the six INTEGER registers, b..p the eight SSE ones;
 * m, o, q and r go on the stack, in argument order. */
double interleaved(int a, double b, long c, float d, short e, double f, char g, float h, long i, double j,
                   int k, double l, long m, float n, unsigned o, double p, long q, double r)
{
    return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 8.0 * h + 9.0 * i + 10.0 * j
         + 11.0 * k + 12.0 * l + 13.0 * m + 14.0 * n + 15.0 * o + 16.0 * p + 17.0 * q + 18.0 * r;
}

/* Stack slots are eightbytes even for small types. */
long small_ints_on_stack(long r1, long r2, long r3, long r4, long r5, long r6,
                         char a, short b, int c, unsigned char d, bool e, unsigned short f)
{
    return r1 + 2 * r2 + 3 * r3 + 4 * r4 + 5 * r5 + 6 * r6 + 7 * a + 8 * b + 9L * c + 10 * d + 11 * e + 12 * f;
}

double floats_on_stack(double x0, double x1, double x2, double x3, double x4, double x5, double x6, double x7,
                       float a, float b, double c)
{
    return x0 + 2 * x1 + 3 * x2 + 4 * x3 + 5 * x4 + 6 * x5 + 7 * x6 + 8 * x7 + 9.0 * a + 10.0 * b + 11.0 * c;
}

/* {long,long} needs two INTEGER registers, only r9 is left: the whole struct goes on the stack,
 * and g still takes r9. */
long ints_then_ll(int a, int b, int c, int d, int e, struct s_ll s, long g)
{
    return a + 2L * b + 3L * c + 4L * d + 5L * e + 6 * s.a + 7 * s.b + 8 * g;
}

/* {long,double} needs one INTEGER and one SSE register: it fits (r9, xmm0); g goes on the stack. */
double ints_then_ld(int a, int b, int c, int d, int e, struct s_ld s, long g)
{
    return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * s.a + 7.0 * s.b + 8.0 * g;
}

/* {double,double} needs two SSE registers, only xmm7 is left: the struct goes on the stack, h takes xmm7. */
double doubles_then_dd(double a, double b, double c, double d, double e, double f, double g, struct s_dd s, double h)
{
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * s.a + 9 * s.b + 10 * h;
}

/* {double,long} fits (xmm7, rdi); h goes on the stack. */
double doubles_then_dl(double a, double b, double c, double d, double e, double f, double g, struct s_dl s, double h)
{
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * s.a + 9.0 * s.b + 10 * h;
}

/* No INTEGER register is left for {double,long}: the whole struct goes on the stack, h takes xmm0. */
double longs_then_dl(long a, long b, long c, long d, long e, long f, struct s_dl s, double h)
{
    return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7 * s.a + 8.0 * s.b + 9 * h;
}

/* Nine small structs: the SSE registers run out at h, which goes on the stack with i; z and w still get r8
 * and xmm7. */
double struct_mix(struct s_ff a, struct s_ii b, struct s_dd c, struct s_if d, struct s_fff e, struct s_dl f,
                  struct s_ld g, struct s_dd h, struct s_dd i, long z, double w)
{
    return (a.a + 2.0 * a.b) + 3.0 * (b.a + 2.0 * b.b) + 5.0 * (c.a + 2.0 * c.b) + 7.0 * (d.a + 2.0 * d.b)
         + 11.0 * (e.a + 2.0 * e.b + 3.0 * e.c) + 13.0 * (f.a + 2.0 * f.b) + 17.0 * (g.a + 2.0 * g.b)
         + 19.0 * (h.a + 2.0 * h.b) + 23.0 * (i.a + 2.0 * i.b) + 29.0 * z + 31.0 * w;
}

/* A 16-aligned struct on the stack starts at a 16-byte boundary: x at +0, s at +16, y at +32. */
struct __attribute__((aligned(16))) s_a16 { long a, b; };
long aligned_on_stack(long r1, long r2, long r3, long r4, long r5, long r6, long x, struct s_a16 s, long y)
{
    return r1 + 2 * r2 + 3 * r3 + 4 * r4 + 5 * r5 + 6 * r6 + 7 * x + 8 * s.a + 9 * s.b + 10 * y;
}

/* A 32-aligned struct (32 bytes: MEMORY) on the stack starts at a 32-byte offset: x at +0, s at +32, y at +64
 * (gcc -S loads 8/40/72(%rsp); gcc notes "the ABI for passing parameters with 32-byte alignment has changed in GCC 4.6"). */
struct __attribute__((aligned(32))) s_a32 { long a; };
long aligned32_on_stack(long r1, long r2, long r3, long r4, long r5, long r6, long x, struct s_a32 s, long y)
{
    return r1 + 2 * r2 + 3 * r3 + 4 * r4 + 5 * r5 + 6 * r6 + 7 * x + 8 * s.a + 9 * y;
}

/* MEMORY return: the hidden pointer takes rdi, so a1..a5 take rsi..r9 and a6 goes on the stack. */
struct s24 s24_from_longs(long a1, long a2, long a3, long a4, long a5, long a6)
{
    struct s24 s = { a1 + 2 * a2, a3 * 0.5 + a4, a5 - 3 * a6 };
    return s;
}

/* MEMORY return, MEMORY arguments, and scalars around them. */
struct s32 s32_combine(long k, struct s24 x, double w, struct s32 y, long m, struct s48 z, float f)
{
    struct s32 r;
    r.a = x.b * w + y.a + z.b[0] + 2 * z.b[1] + 3 * z.b[2];
    r.b = x.a * k + y.b + m + z.a[0] + 2 * z.a[1] + 3 * z.a[2];
    r.c = y.c * 2 + f;
    r.d = (int)(y.d - x.c);
    r.e = y.e + w;
    return r;
}

/* A register-class return ({double,long}: xmm0 + rax) with every argument register taken and more on the stack. */
struct s_dl s_dl_from_many(long a1, long a2, long a3, long a4, long a5, long a6, double d1, double d2,
                           double d3, double d4, double d5, double d6, double d7, double d8, long a7, double d9)
{
    struct s_dl s;
    s.a = d1 + 2 * d2 + 3 * d3 + 4 * d4 + 5 * d5 + 6 * d6 + 7 * d7 + 8 * d8 + 9 * d9;
    s.b = a1 + 2 * a2 + 3 * a3 + 4 * a4 + 5 * a5 + 6 * a6 + 7 * a7;
    return s;
}

/* Swaps halves across classes: {long,double} in (rdi, xmm0) → {double,long} in (xmm0, rax). */
struct s_dl s_dl_from_ld(struct s_ld s) { struct s_dl r = { s.b * 2, s.a + 1 }; return r; }

/* {float,float,float} comes back in xmm0 (a, b) and xmm1 (c). */
struct s_fff s_fff_rotate(struct s_fff s) { struct s_fff r = { s.b, s.c, s.a }; return r; }
