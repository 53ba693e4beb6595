/* The native side of Ffi.Benchmarks: small functions whose call overhead dominates their work.
   Built by Ffi.Benchmarks.csproj (gcc -O2 -shared -fPIC) into libffibench.so next to the benchmark dll;
   declared in bench.h, which the build also compiles into the compiled bindings. */
#include "bench.h"

int bench_add_int(int a, int b) { return a + b; }

int bench_add_int_trivial(int a, int b) { return a + b; }

double bench_add_double(double a, double b) { return a + b; }

int64_t bench_sum6(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f)
{
    return a + b + c + d + e + f;
}

int64_t bench_sum_pair(pair p) { return p.a + p.b; }

/* A struct in and a struct out, both in two integer registers (rdi:rsi in, rax:rdx out). */
pair bench_pair_swap(pair p) { pair r = { p.b, p.a }; return r; }

/* 40 bytes in (on the stack) and 24 bytes out (into the caller's memory, whose address comes in rdi and goes
   back in rax). */
three bench_fold5(five v) { three r = { v.a + v.b, v.c + v.d, v.e }; return r; }

/* The C comparator of the callback benchmark (qsort of ints). */
int bench_cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
