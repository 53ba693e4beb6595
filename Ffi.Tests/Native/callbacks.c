/* Callback fixture: C functions that call managed callbacks in every shape the tests need. */
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <pthread.h>

/* ---- every scalar ---- */
typedef double (*scalars_fn)(int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t, uint64_t, float, double, bool, void *);
double cb_scalars(scalars_fn f) {
    return f(-8, 200, -16000, 60000, -2000000000, 4000000000u, -9000000000000000000LL, 18000000000000000000ULL,
             1.5f, -2.25, true, (void *)0x1234);
}
/* The callback returns each type at its extreme; C checks them and reports a bit mask of the ones that matched. */
typedef int8_t (*ret_i8)(void);   typedef uint8_t (*ret_u8)(void);
typedef int16_t (*ret_i16)(void); typedef uint16_t (*ret_u16)(void);
typedef int32_t (*ret_i32)(void); typedef uint32_t (*ret_u32)(void);
typedef int64_t (*ret_i64)(void); typedef uint64_t (*ret_u64)(void);
typedef float (*ret_f32)(void);   typedef double (*ret_f64)(void);
typedef bool (*ret_bool)(void);   typedef void *(*ret_ptr)(void);
int cb_returns(ret_i8 a, ret_u8 b, ret_i16 c, ret_u16 d, ret_i32 e, ret_u32 f, ret_i64 g, ret_u64 h, ret_f32 i, ret_f64 j, ret_bool k, ret_ptr l) {
    int m = 0;
    m |= (a() == -128) << 0;
    m |= (b() == 255) << 1;
    m |= (c() == -32768) << 2;
    m |= (d() == 65535) << 3;
    m |= (e() == INT32_MIN) << 4;
    m |= (f() == UINT32_MAX) << 5;
    m |= (g() == INT64_MIN) << 6;
    m |= (h() == UINT64_MAX) << 7;
    m |= (i() == 0.5f) << 8;
    m |= (j() == -1e300) << 9;
    m |= (k() == true) << 10;
    m |= (l() == (void *)0xdeadbeef) << 11;
    return m;
}

/* ---- structs and unions by value ---- */
struct small { int32_t a, b; };                 /* INTEGER */
struct mixed { double x; int32_t n; };          /* SSE, INTEGER */
struct flt { float a, b, c; };                  /* SSE, SSE */
struct big { int64_t a, b, c; double d; };      /* MEMORY */
union num { int32_t i; float f; };

typedef struct small (*small_fn)(struct small, struct small);
struct small cb_small(small_fn f) { struct small p = {1, 2}, q = {30, 40}; return f(p, q); }

typedef struct mixed (*mixed_fn)(struct mixed, int32_t);
struct mixed cb_mixed(mixed_fn f) { struct mixed m = {2.5, 7}; return f(m, 3); }

typedef struct flt (*flt_fn)(struct flt);
struct flt cb_flt(flt_fn f) { struct flt v = {1.0f, 2.0f, 3.0f}; return f(v); }

typedef struct big (*big_fn)(struct big, int32_t);
struct big cb_big(big_fn f) { struct big b = {1, -2, 3, 4.5}; return f(b, 10); }

typedef union num (*union_fn)(union num);
int32_t cb_union(union_fn f) { union num u; u.i = 41; return f(u).i; }

/* ---- many arguments: registers exhausted, the rest on the stack (mixed with structs) ---- */
typedef double (*many_fn)(int32_t, double, int64_t, float, int32_t, double, int64_t, float, int32_t, double,
                          int64_t, float, int32_t, double, struct small, struct mixed, struct big, int32_t);
double cb_many(many_fn f) {
    struct small s = {5, 6}; struct mixed m = {0.5, 9}; struct big b = {100, 200, 300, 0.25};
    return f(1, 2.0, 3, 4.0f, 5, 6.0, 7, 8.0f, 9, 10.0, 11, 12.0f, 13, 14.0, s, m, b, 15);
}

/* ---- strings and nested function pointers ---- */
typedef int32_t (*string_fn)(const char *);
int32_t cb_string(string_fn f) { return f("h\xc3\xa9llo callbacks"); }

typedef int32_t (*unary_fn)(int32_t);
static int32_t add_one(int32_t x) { return x + 1; }
typedef int32_t (*nested_fn)(unary_fn, int32_t);
int32_t cb_nested(nested_fn f, int32_t x) { return f(add_one, x); }

/* ---- threads: n pthreads each call f(thread, i) per_thread times; returns the sum of results ---- */
typedef int32_t (*thread_fn)(int32_t, int32_t);
struct job { thread_fn f; int32_t thread, count; int64_t sum; };
static void *run_job(void *p) {
    struct job *j = p;
    for (int32_t i = 0; i < j->count; i++) j->sum += j->f(j->thread, i);
    return NULL;
}
int64_t cb_threads(thread_fn f, int32_t threads, int32_t per_thread) {
    pthread_t ts[64]; struct job jobs[64];
    if (threads > 64) threads = 64;
    for (int32_t t = 0; t < threads; t++) {
        jobs[t] = (struct job){ f, t, per_thread, 0 };
        pthread_create(&ts[t], NULL, run_job, &jobs[t]);
    }
    int64_t sum = 0;
    for (int32_t t = 0; t < threads; t++) { pthread_join(ts[t], NULL); sum += jobs[t].sum; }
    return sum;
}

/* ---- re-entrancy: f may call cb_reenter again ---- */
int32_t cb_reenter(unary_fn f, int32_t depth) { return f(depth) + 1; }

/* ---- a stored pointer (registered callbacks, stale calls) ---- */
static unary_fn stored;
void cb_store(unary_fn f) { stored = f; }
int32_t cb_call_stored(int32_t x) { return stored ? stored(x) : -1; }
static void *call_stored_job(void *p) { *(int32_t *)p = stored(*(int32_t *)p); return NULL; }
/* Calls the stored pointer on a new native thread (no downcall in progress there) and returns its result. */
int32_t cb_call_stored_on_thread(int32_t x) {
    pthread_t t; int32_t v = x;
    pthread_create(&t, NULL, call_stored_job, &v);
    pthread_join(t, NULL);
    return v;
}

/* ---- how many times a callback ran (after one threw, the rest return at once) ---- */
int32_t cb_repeat(unary_fn f, int32_t times) {
    int32_t sum = 0;
    for (int32_t i = 0; i < times; i++) sum += f(i);
    return sum;
}

/* ---- a 16-byte struct whose second eightbyte is padding: it travels in one register ---- */
struct pad16 { int64_t a; } __attribute__((aligned(16)));
int64_t pad16_down(int32_t n, struct pad16 p, int64_t x) { return p.a * 10 + x + n; }
typedef struct pad16 (*pad16_fn)(struct pad16, int64_t);
int64_t cb_pad16(pad16_fn f) { struct pad16 p = { 7 }; struct pad16 r = f(p, 5); return r.a; }

/* ---- enums and handles as callback arguments; a C function passed where a callback is expected ---- */
enum color { RED, GREEN, BLUE };
typedef int32_t (*enum_handle_fn)(enum color, void *);
int32_t cb_enum_handle(enum_handle_fn f) { return f(BLUE, (void *)0x1000); }
int32_t c_triple(int32_t x) { return 3 * x; }
