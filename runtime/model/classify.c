/* classify.c - the class a model's output row stands for. */
#include "model/classify.h"

int netc_predicted_class(const float *out, int n_output)
{
    int k, best = 0;

    if (n_output == 1)
        return out[0] >= 0.5f;
    for (k = 1; k < n_output; k++)
        if (out[k] > out[best])
            best = k;
    return best;
}
