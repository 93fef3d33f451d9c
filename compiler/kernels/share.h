// share.h - how T threads split n items (rows of a batch, of dWT, parameters).
// Training only; needs nothing.  A fragment of generated C (README.md).
/* Thread t's share [*lo, *hi) of n items when T threads split them: contiguous and
 * in order, boundaries at multiples of align (whole register blocks, or whole
 * cache lines so that no two threads write one).  T = 1: all of them. */
static void share(int n, int align, int t, int T, int *lo, int *hi)
{
    const int units = (n + align - 1) / align;
    const int first = (int)((long long)units * t / T) * align;
    const int last = (int)((long long)units * (t + 1) / T) * align;
    *lo = first < n ? first : n;
    *hi = last < n ? last : n;
}
