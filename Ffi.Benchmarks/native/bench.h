/* The native side of Ffi.Benchmarks, declared once. bench.c includes this file, so gcc checks that the
   definitions match it; the benchmark project's build compiles it with `ffi compile` (an <FfiBinding> item whose
   Lib is the libffibench.so the build makes) into the compiled bindings the Compiled rows call. */
#include <stddef.h>
#include <stdint.h>

typedef struct { int64_t a; int64_t b; } pair;                            /* 16 bytes: two INTEGER eightbytes, rdi:rsi */
typedef struct { int64_t a; int64_t b; int64_t c; int64_t d; int64_t e; } five;  /* 40 bytes: MEMORY, copied onto the stack */
typedef struct { int64_t a; int64_t b; int64_t c; } three;                /* 24 bytes: MEMORY, returned through rdi */
/* qsort's comparator, named so that the compiled bindings get a delegate type and trampolines for it (the
   CallbackBenchmarks rows Compiled and CompiledRegistered). */
typedef int (*bench_cmp_fn)(const void *a, const void *b);

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
/* libc's, for the qsort comparator rows; the same declaration as <stdlib.h>'s, with the comparator type named. */
/* ffi: lib=libc.so.6 */
void qsort(void *base, size_t nmemb, size_t size, bench_cmp_fn compar);
