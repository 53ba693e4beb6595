/* Variadic fixtures. sum_doubles is aligned to 256 bytes, so its address ends in 0x00: a call that leaves the
   low byte of the target address in %al would tell it "no vector registers" and the doubles would be lost. */
#include <stdarg.h>

__attribute__((aligned(256))) double sum_doubles(int n, ...) {
    va_list ap;
    va_start(ap, n);
    double s = 0;
    for (int i = 0; i < n; i++) s += va_arg(ap, double) * (i + 1);
    va_end(ap);
    return s;
}

/* Mixed promoted extras: int, long long, double, char*; returns a checksum. */
long long mixed(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    long long h = 0;
    for (const char *f = fmt; *f; f++) {
        switch (*f) {
        case 'i': h = h * 31 + va_arg(ap, int); break;
        case 'l': h = h * 31 + va_arg(ap, long long); break;
        case 'd': h = h * 31 + (long long)(va_arg(ap, double) * 1000); break;
        case 's': { const char *s = va_arg(ap, const char *); while (*s) h = h * 31 + *s++; break; }
        }
    }
    va_end(ap);
    return h;
}
