/* A record read by examples/AotCoreExample as C declarations (FfiSpec.ParseC) and compiled by gcc in
   Ffi.Tests/Aot: the two layouts must agree. Padding after `station`, an array, two bitfields sharing one
   unsigned, a nested struct and a trailing char. */
struct position { float lat; float lon; };
typedef struct reading {
    char station;
    double celsius;
    short samples[3];
    unsigned flags : 3;
    unsigned level : 5;
    struct position where;
    char unit;
} reading;
