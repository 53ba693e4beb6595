/* The native side of Ffi.Benchmarks, declared once. bench.c includes this file, so gcc checks that the
   definitions match it; the benchmark project's build compiles it with `ffi compile` (an <FfiBinding> item whose
   Lib is the libffibench.so the build makes) into the compiled bindings the Compiled rows call. */
#include <stddef.h>
#include <stdint.h>

typedef struct { int64_t a; int64_t b; } pair;                            /* 16 bytes: two INTEGER eightbytes, rdi:rsi */
typedef struct { int64_t a; int64_t b; int64_t c; int64_t d; int64_t e; } five;  /* 40 bytes: MEMORY, copied onto the stack */
typedef struct { int64_t a; int64_t b; int64_t c; } three;                /* 24 bytes: MEMORY, returned through rdi */

int bench_add_int(int a, int b);
/* ffi: trivial */
int bench_add_int_trivial(int a, int b);
double bench_add_double(double a, double b);
int64_t bench_sum6(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f);
int64_t bench_sum_pair(pair p);
pair bench_pair_swap(pair p);
three bench_fold5(five v);
int bench_cmp_int(const void *a, const void *b);

/* libc's, for the strlen rows: the one the other paths call. */
/* ffi: lib=libc.so.6 */
size_t strlen(const char *s);
