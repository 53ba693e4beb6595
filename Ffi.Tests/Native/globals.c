/* Globals for the variable tests. */
struct point { int x, y; };
struct point origin = { 3, 4 };
long counter = 7;
double ratio = 0.5;
int read_origin_sum(void) { return origin.x + origin.y; }
