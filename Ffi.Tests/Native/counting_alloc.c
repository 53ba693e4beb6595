/* A deallocator that counts its calls: the tests give it to Gc() as a finalizer and count how often it ran. */
#include <stdlib.h>

static long frees;

void counting_free(void *p) {
    __atomic_add_fetch(&frees, 1, __ATOMIC_SEQ_CST);
    free(p);
}

long counting_frees(void) {
    return __atomic_load_n(&frees, __ATOMIC_SEQ_CST);
}
