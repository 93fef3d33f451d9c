/* gradcheck.c - the gradcheck command: analytic gradients (forward_backward) against
 * central differences of loss_fn, per tensor, as KANN's kad_check_grad does.
 *
 * Why eps = 1e-2 and a 1e-2 tolerance: everything is float32.  The loss carries a
 * rounding error of roughly 1e-7 * |loss| (a few ulps, more after long sums), and the
 * central difference divides it by 2 * eps, so the numeric gradient is off by about
 * 1e-7 / 2e-2 = 5e-6 in absolute terms; its truncation error is eps^2 / 6 * f''' ~ 2e-5.
 * A smaller eps (1e-4) would make the rounding term ~1e-3 and dominate; a larger one
 * lets curvature dominate and crosses ReLU kinks more often.  Relative to gradients of
 * typical size (1e-3 .. 1e-1), that leaves errors near 1e-4 .. 1e-3 for a correct
 * backward pass, while a wrong one (a missing term, a transposed index) gives errors
 * of order 1.  Hence the default tolerance 1e-2.  The step is scaled by max(1, |w|)
 * so that it stays well above a float's resolution for large weights, and the actual
 * difference (w+h) - (w-h) as stored in float is used as the denominator.
 *
 * A network with conv or pooling layers is checked with eps = 1e-3: a conv weight
 * (and, through the pooling, every later one) moves the pre-activations at every
 * position of every sample, so a step of 1e-2 carries many ReLUs and window maxima across
 * their kinks, each too small for the kink test below but together worth a few per cent
 * of the gradient (LeNet: 3e-2 at 1e-2, 5e-3 at 1e-3, against 6e-10 in double).  At
 * 1e-3 the loss's rounding, over 2h, is near 1e-2 of a conv gradient's size, so the
 * default tolerance for these networks is 3e-2 (a wrong backward pass is still off by
 * order 1); the double-precision check (tests/codegen/gradcheck.sh) holds them to 1e-6.
 *
 * A network with dropout layers is checked with dropout on, under one fixed key: every
 * loss_fn and forward_backward call then draws the same masks, so the loss is a
 * deterministic function of the weights and dropout's backward (the mask and the
 * 1/(1 - p) scale on δ) is checked with the rest. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "io/weights.h"
#include "model/rng.h"
#include "model/state.h"

#define GC_SAMPLES 4            /* samples in the check's mini-batch */
#define GC_FULL_LIMIT 2000      /* tensors up to this size are checked entirely */
#define GC_SUBSET 200           /* entries checked in bigger tensors */
#define GC_EPS 1e-2f
#define GC_EPS_SPATIAL 1e-3f    /* networks with conv or pooling layers (see above) */
#define GC_TOLERANCE 1e-2       /* --tolerance's default ... */
#define GC_TOLERANCE_SPATIAL 3e-2   /* ... with conv or pooling layers */
#define GC_KINK 0.25            /* one-sided slopes this far apart (relative): a kink */
#define GC_NOISE 1e-4           /* ... beyond the loss's own float32 rounding, over h */
#define GC_DROPOUT_KEY 0x6772616463686b31ULL  /* "gradchk1": the masks of every call */

/* Random inputs in [-1, 1) and valid targets: one-hot rows, or 0/1 for one output. */
static void random_batch(netc_rng *rng, const netc_model *m, int n, float *x, float *y)
{
    size_t i;
    int s;

    for (i = 0; i < (size_t)n * m->n_input; i++)
        x[i] = 2 * netc_rng_uniform(rng) - 1;
    memset(y, 0, (size_t)n * m->n_output * sizeof *y);
    for (s = 0; s < n; s++) {
        float *row = y + (size_t)s * m->n_output;
        if (m->n_output > 1)
            row[netc_rng_below(rng, (uint32_t)m->n_output)] = 1.0f;
        else
            row[0] = (float)netc_rng_below(rng, 2);
    }
}

/* The derivative of the loss in parameter w by central differences, or NAN when w
 * sits near a kink (a ReLU switching on or off between w - h and w + h): there the
 * one-sided slopes disagree by far more than curvature explains, and no difference
 * quotient means anything.  loss0 is the loss at the unperturbed parameters. */
static double numeric_grad(const netc_model *m, void *state, float *w, const float *x,
                           const float *y, int n, double loss0, float eps)
{
    float saved = *w, h = eps * (fabsf(saved) > 1 ? fabsf(saved) : 1);
    float plus = saved + h, minus = saved - h;
    double lp, lm, right, left;

    *w = plus;
    lp = m->loss_fn(state, x, y, n);
    *w = minus;
    lm = m->loss_fn(state, x, y, n);
    *w = saved;
    right = (lp - loss0) / ((double)plus - saved);
    left = (loss0 - lm) / ((double)saved - minus);
    if (fabs(right - left) > GC_KINK * (fabs(right) + fabs(left)) + GC_NOISE * (1 + fabs(loss0)))
        return NAN;
    return (lp - lm) / ((double)plus - (double)minus);
}

struct tensor_check {
    double rel;             /* ||g - g_num|| / max(||g|| + ||g_num||, tiny), for the report */
    size_t checked, kinks;  /* entries compared, and those skipped at a kink */
};

static struct tensor_check check_tensor(const netc_model *m, void *state, const netc_tensor *t,
                                        const float *g, netc_rng *rng, const float *x,
                                        const float *y, int n, double loss0, float eps)
{
    float *params = m->params(state) + t->offset;
    size_t size = netc_tensor_size(t), count = size > GC_FULL_LIMIT ? GC_SUBSET : size, c;
    double diff = 0, norm_a = 0, norm_n = 0;
    struct tensor_check r = { 0, 0, 0 };

    for (c = 0; c < count; c++) {
        size_t k = size > GC_FULL_LIMIT ? netc_rng_below(rng, (uint32_t)size) : c;
        double ga = g[t->offset + k], gn = numeric_grad(m, state, params + k, x, y, n, loss0,
                                                                 eps);
        if (isnan(gn)) {
            r.kinks++;
            continue;
        }
        r.checked++;
        diff += (ga - gn) * (ga - gn);
        norm_a += ga * ga;
        norm_n += gn * gn;
    }
    norm_a = sqrt(norm_a) + sqrt(norm_n);
    r.rel = sqrt(diff) / (norm_a > 1e-30 ? norm_a : 1e-30);
    return r;
}

/* The step: smaller for a network with conv or pooling layers (see the top). */
static float step_for(const netc_model *m)
{
    int l;

    for (l = 0; l < m->n_layer && m->layers; l++)
        if (m->layers[l].kind == NETC_LAYER_CONV || m->layers[l].kind == NETC_LAYER_MAXPOOL ||
            m->layers[l].kind == NETC_LAYER_AVGPOOL)
            return GC_EPS_SPATIAL;
    return GC_EPS;
}

static int gradcheck(const netc_model *m, const netc_options *o, void *state, float *buf,
                     netc_error *err)
{
    int n = m->batch < GC_SAMPLES ? m->batch : GC_SAMPLES, i, failed = 0;
    float *x = buf, *y = x + (size_t)n * m->n_input, *g = y + (size_t)n * m->n_output;
    netc_rng rng;
    float loss_fb, loss, eps = step_for(m);
    double tolerance = !isnan(o->tolerance) ? o->tolerance : eps == GC_EPS ? GC_TOLERANCE
                       : GC_TOLERANCE_SPATIAL;

    netc_rng_seed(&rng, o->seed);
    m->init(state, o->seed);
    random_batch(&rng, m, n, x, y);
    if (m->dropout) {
        m->dropout(state, 1, GC_DROPOUT_KEY);
        printf("%-20s on, the same masks (key %#llx) in every call: its backward is checked\n",
               "dropout", (unsigned long long)GC_DROPOUT_KEY);
    }
    if (eps != GC_EPS)
        printf("%-20s h = %g max(1, |w|), tolerance %g: conv or pooling layers\n", "step",
               eps, tolerance);
    loss_fb = m->forward_backward(state, x, y, n);
    memcpy(g, m->grads(state), m->n_param * sizeof *g);
    loss = m->loss_fn(state, x, y, n);
    printf("%-20s forward_backward = %.7g, loss_fn = %.7g  %s\n", "loss", loss_fb, loss,
           fabsf(loss - loss_fb) <= 1e-5f * (1 + fabsf(loss)) ? "OK" : "FAIL");
    failed += !(fabsf(loss - loss_fb) <= 1e-5f * (1 + fabsf(loss)));
    for (i = 0; i < m->n_tensor; i++) {
        struct tensor_check r = check_tensor(m, state, &m->tensors[i], g, &rng, x, y, n, loss,
                                              eps);
        /* NaN fails too, and so does a tensor mostly made of kinks: nothing was checked. */
        int ok = r.rel <= tolerance && r.checked >= 2 * r.kinks;
        printf("%-20s rel.err = %.1e  %s", m->tensors[i].name, r.rel, ok ? "OK" : "FAIL");
        if (r.kinks)
            printf("  (%zu of %zu entries skipped at a kink)", r.kinks, r.kinks + r.checked);
        putchar('\n');
        failed += !ok;
    }
    if (failed)
        return netc_fail(err, "%d of %d checks exceed the tolerance %g", failed,
                         m->n_tensor + 1, tolerance);
    return 0;
}

int netc_cmd_gradcheck(const netc_model *m, const netc_options *o)
{
    netc_error err;
    int n = m->batch < GC_SAMPLES ? m->batch : GC_SAMPLES;
    size_t floats = (size_t)n * ((size_t)m->n_input + (size_t)m->n_output) + m->n_param;
    float *buf = netc_alloc(floats, sizeof(float), "gradcheck buffers", &err);
    void *state = buf ? netc_state_alloc(m, &err) : NULL;
    int rc = state ? gradcheck(m, o, state, buf, &err) : -1;

    if (rc < 0)
        fprintf(stderr, "%s: error: gradcheck: %s\n", m->name, err.msg);
    free(state);
    free(buf);
    return rc < 0;
}
