/* Functions the typed and FfiValue API tests call: one per mapping the typed API supports. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int add_int(int a, int b) { return a + b; }
double add_double(double a, double b) { return a + b; }
float scale_float(float a, int k) { return a * (float)k; }
long sum6(long a, long b, long c, long d, long e, long f) { return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f; }
uint8_t u8_next(uint8_t x) { return (uint8_t)(x + 1); }
int16_t i16_neg(int16_t x) { return (int16_t)-x; }
bool negate(bool b) { return !b; }
uint64_t u64_id(uint64_t x) { return x; }
int64_t i64_id(int64_t x) { return x; }
uint32_t u32_id(uint32_t x) { return x; }

typedef struct { long a; long b; } pair;
long pair_sum(pair p) { return p.a * 10 + p.b; }
pair pair_swap(pair p) { pair r = { p.b, p.a }; return r; }

typedef struct { double x; double y; } vec2;
vec2 vec2_scale(vec2 v, double k) { vec2 r = { v.x * k, v.y * k }; return r; }

typedef struct { float x, y, z; } vec3;
vec3 vec3_add(vec3 a, vec3 b) { vec3 r = { a.x + b.x, a.y + b.y, a.z + b.z }; return r; }

typedef struct { int32_t v[10]; } big;
big big_make(int32_t start) { big r; for (int i = 0; i < 10; i++) r.v[i] = start + i; return r; }
long big_sum(big b) { long s = 0; for (int i = 0; i < 10; i++) s += (long)b.v[i] * (i + 1); return s; }
/* The aggregate goes to the stack after six integer registers are used. */
long late_pair(long a, long b, long c, long d, long e, pair p, long f) { return a + b + c + d + e + p.a * 100 + p.b * 1000 + f * 7; }

size_t count_bytes(const char *s) { return strlen(s); }
long sum_array(const int32_t *xs, int n) { long s = 0; for (int i = 0; i < n; i++) s += xs[i]; return s; }
void fill_array(int32_t *xs, int n, int32_t v) { for (int i = 0; i < n; i++) xs[i] = v + i; }
double sum_doubles_array(const double *xs, int n) { double s = 0; for (int i = 0; i < n; i++) s += xs[i]; return s; }
const char *greet(void) { return "h\xc3\xa9llo"; }

typedef enum { RED = 1, GREEN = 2, BLUE = 4 } color;
color next_color(color c) { return c == BLUE ? RED : (color)(c * 2); }

typedef struct counter { long n; } counter;
counter *counter_new(long n) { counter *c = malloc(sizeof *c); c->n = n; return c; }
long counter_bump(counter *c) { return ++c->n; }
void counter_free(counter *c) { free(c); }

long long vsum(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    long long s = 0;
    for (int i = 0; i < n; i++) s += va_arg(ap, long long);
    va_end(ap);
    return s;
}

/* Alternating ints and doubles: n pairs (int, double); returns sum(int * 1000 + double). */
double vmix(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    double s = 0;
    for (int i = 0; i < n; i++)
    {
        int k = va_arg(ap, int);
        s += k * 1000.0 + va_arg(ap, double);
    }
    va_end(ap);
    return s;
}

int fail_with(int e) { errno = e; return -1; }

double many(int a, double b, int c, double d, int e, double f, int g, double h, int i, double j,
            int k, double l, int m, double n, int o, double p, int q, double r)
{
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j
         + 11 * k + 12 * l + 13 * m + 14 * n + 15 * o + 16 * p + 17 * q + 18 * r;
}

/* Same shapes under other names: the engine shares one stub per shape. */
long pair2_sum(pair p) { return p.a * 10 + p.b; }
const char *greet_raw(void) { return greet(); }
int add_int_trivial(int a, int b) { return a + b; }
int gated_add(int a, int b) { return a + b; }

#include <time.h>
/* Busy-waits (no syscall that blocks): one declared trivial, one not. */
static void spin(int ms)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do clock_gettime(CLOCK_MONOTONIC, &t);
    while ((t.tv_sec - t0.tv_sec) * 1000L + (t.tv_nsec - t0.tv_nsec) / 1000000L < ms);
}
void spin_trivial(int ms) { spin(ms); }
void spin_normal(int ms) { spin(ms); }
