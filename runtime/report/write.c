/* write.c - the report directory: what the network learned, as pictures.
 *
 *   index.html         the page (html.c), relative links only
 *   loss.svg           training and test loss per epoch        (needs a log)
 *   accuracy.svg       training and test accuracy per epoch    (needs a log)
 *   error.svg          a regression network's instead: mean absolute error per epoch
 *   scatter.svg        a regression network's instead of confusion.svg: its test
 *                      predictions against the true values (report/scatter.c)
 *   metrics.csv        the log itself                          (needs a log)
 *   weights.png        each first-layer neuron's weights as a picture (image inputs,
 *                      a dense first layer)
 *   filters.png        the first conv layer's filters as pictures
 *   maps_NAME.png      one test sample's feature maps after each conv and pooling layer
 *   network.svg        one test sample through the network
 *   confusion.svg      true against predicted class on the test set
 *   misclassified.png  the test images the network got wrong most confidently
 *
 * The layers come from layers.c, their activations from the model's `activations`
 * entry point (without it: hollow hidden neurons, no feature maps). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/classify.h"
#include "model/regress.h"
#include "report/html.h"
#include "report/layers.h"
#include "report/scatter.h"
#include "report/svg.h"

#define MAX_DRAWN NETC_REPORT_MAX_DRAWN
#define GRID_GAP_COLOUR 0x30363dUL
#define SAMPLE 0                    /* the test sample drawn through the network */

/* A report being made: what it is made from, and what it found. */
typedef struct report {
    const netc_report_input *in;
    const char *dir;
    netc_report_layers net;         /* the input, then every layer */
    int image_c, image_h, image_w;  /* 0: the input is not an image */
    int classes;
    float *out;                     /* [test n][n_output] */
    long *confusion;                /* [classes][classes] */
    double test_acc, test_loss;
    int n_wrong;
    struct wrong { int index, predicted; float margin; } *wrong;
    const float *maps_act;          /* the feature maps being drawn (write_layer_maps) */
} report;

static int path_in(char *buf, size_t size, const char *dir, const char *name, netc_error *err)
{
    int n = snprintf(buf, size, "%s/%s", dir, name);

    return n < 0 || (size_t)n >= size ? netc_fail(err, "%s: directory name too long", dir) : 0;
}

/* mkdir -p */
static int make_dir(const char *dir, netc_error *err)
{
    char path[1024];
    size_t i, len = strlen(dir);

    if (len == 0 || len >= sizeof path)
        return netc_fail(err, "report directory '%s': bad name", dir);
    memcpy(path, dir, len + 1);
    for (i = 1; i <= len; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        path[i] = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return netc_fail(err, "%s: cannot create the directory: %s", path, strerror(errno));
        path[i] = dir[i];
    }
    return 0;
}

/* ---- what the report is made from ------------------------------------------- */

/* An image input: the model's own 2-d input shape, else the shape of the images
 * the data came in (IDX files keep it: samples/mnist.net says `input 784`). */
static void image_shape(report *r)
{
    const netc_model *m = r->in->model;
    const netc_dataset *ds[2];
    int i;

    ds[0] = r->in->test;
    ds[1] = r->in->train;
    r->image_c = 1;
    if (m->input_rank == 2) {
        r->image_h = m->input_shape[0];
        r->image_w = m->input_shape[1];
        return;
    }
    if (m->input_rank == 3) {   /* C x H x W */
        r->image_c = m->input_shape[0];
        r->image_h = m->input_shape[1];
        r->image_w = m->input_shape[2];
        return;
    }
    for (i = 0; i < 2; i++)
        if (ds[i] && ds[i]->n > 0 && ds[i]->rank == 2 &&
            ds[i]->shape[0] * ds[i]->shape[1] == m->n_input) {
            r->image_h = ds[i]->shape[0];
            r->image_w = ds[i]->shape[1];
            return;
        }
}

/* The outputs for every test sample, and the mean loss. */
static int run_test_set(report *r, netc_error *err)
{
    const netc_model *m = r->in->model;
    const netc_dataset *ds = r->in->test;
    float *y = netc_alloc((size_t)m->batch, (size_t)m->n_output * sizeof *y, "targets", err);
    int *idx = netc_alloc((size_t)m->batch, sizeof *idx, "indices", err);
    double loss_sum = 0;
    int i, k, rc = 0;

    r->out = netc_alloc((size_t)ds->n, (size_t)m->n_output * sizeof *r->out, "outputs", err);
    if (!y || !idx || !r->out)
        rc = -1;
    for (i = 0; rc == 0 && i < ds->n; i += m->batch) {
        int n = ds->n - i < m->batch ? ds->n - i : m->batch;
        const float *x = ds->x + (size_t)i * m->n_input;
        m->forward(r->in->state, x, r->out + (size_t)i * m->n_output, n);
        for (k = 0; k < n; k++)
            idx[k] = i + k;
        rc = netc_dataset_targets(ds, idx, n, m->n_output, m->data.targets, y, err);
        if (rc == 0)
            loss_sum += (double)m->loss_fn(r->in->state, x, y, n) * n;
    }
    r->test_loss = rc == 0 ? loss_sum / ds->n : NAN;
    free(y);
    free(idx);
    return rc;
}

/* How sure the network is of its answer p for output row o: the margin between the
 * chosen output and the next highest (for one output, p(answer) - p(other) = |2 o - 1|).
 * Saturated sigmoid outputs all say 1.00 for the chosen class; the runner-up still
 * differs from one sample to the next. */
static float margin(const float *o, int n_output, int p)
{
    float next = -INFINITY;
    int k;

    if (n_output == 1)
        return fabsf(2 * o[0] - 1);
    for (k = 0; k < n_output; k++)
        if (k != p && o[k] > next)
            next = o[k];
    return o[p] - next;
}

/* Widest margin first; NaN last; ties in test order. */
static int by_margin(const void *a, const void *b)
{
    const struct wrong *x = a, *y = b;
    float mx = isnan(x->margin) ? -INFINITY : x->margin, my = isnan(y->margin) ? -INFINITY : y->margin;

    if (mx != my)
        return mx > my ? -1 : 1;
    return x->index - y->index;
}

/* Confusion matrix, accuracy, and the mistakes, widest margin first. */
static int score_test_set(report *r, netc_error *err)
{
    const netc_model *m = r->in->model;
    const netc_dataset *ds = r->in->test;
    long correct = 0;
    int i;

    r->classes = m->n_output == 1 ? 2 : m->n_output;
    r->confusion = calloc((size_t)r->classes * r->classes, sizeof *r->confusion);
    r->wrong = netc_alloc((size_t)ds->n, sizeof *r->wrong, "mistakes", err);
    if (!r->confusion || !r->wrong)
        return r->confusion ? -1 : netc_fail(err, "out of memory for the confusion matrix");
    for (i = 0; i < ds->n; i++) {
        const float *o = r->out + (size_t)i * m->n_output;
        int p = netc_predicted_class(o, m->n_output), t = ds->labels[i];
        if (t < 0 || t >= r->classes)
            continue;
        r->confusion[(size_t)t * r->classes + p]++;
        if (p == t) {
            correct++;
            continue;
        }
        r->wrong[r->n_wrong].index = i;
        r->wrong[r->n_wrong].predicted = p;
        r->wrong[r->n_wrong++].margin = margin(o, m->n_output, p);
    }
    qsort(r->wrong, (size_t)r->n_wrong, sizeof *r->wrong, by_margin);
    r->test_acc = (double)correct / ds->n;
    return 0;
}

/* ---- pictures --------------------------------------------------------------- */

/* A weight as colour: blue for positive, red for negative, black for zero. */
static void weight_colour(float v, unsigned char rgb[3])
{
    static const unsigned char blue[3] = { 0x58, 0xC4, 0xDD }, red[3] = { 0xFC, 0x62, 0x55 };
    const unsigned char *c = v >= 0 ? blue : red;
    float a = fminf(fabsf(v), 1);
    int k;

    for (k = 0; k < 3; k++)
        rgb[k] = (unsigned char)(c[k] * a + 0.5f);
}

/* A pixel as grey: as it is when in [0, 1], else stretched over the sample's range. */
static void grey(const float *x, int n, int i, unsigned char rgb[3])
{
    float lo = x[0], hi = x[0], v;
    int k;

    for (k = 1; k < n; k++)
        lo = fminf(lo, x[k]), hi = fmaxf(hi, x[k]);
    v = lo >= 0 && hi <= 1 ? x[i] : hi > lo ? (x[i] - lo) / (hi - lo) : 0.5f;
    rgb[0] = rgb[1] = rgb[2] = (unsigned char)(255 * fminf(fmaxf(v, 0), 1) + 0.5f);
}

/* Colours pixel i (row-major) of tile `tile`; ctx is the caller's. */
typedef void tile_pixel(const report *r, const void *ctx, int tile, int i, unsigned char rgb[3]);

/* Draws each tile's h x w pixels, `scale` screen pixels each, into a grid and writes it as
 * dir/name. */
static int write_grid(report *r, const char *name, const netc_grid *g, int scale, int h, int w,
                      tile_pixel *pixel, const void *ctx, netc_error *err)
{
    netc_image img;
    char path[1100];
    int n, i, rc;

    if (path_in(path, sizeof path, r->dir, name, err) < 0 ||
        netc_image_alloc(&img, netc_grid_width(g), netc_grid_height(g), GRID_GAP_COLOUR,
                         err) < 0)
        return -1;
    for (n = 0; n < g->count; n++) {
        int x0, y0;
        netc_grid_origin(g, n, &x0, &y0);
        for (i = 0; i < h * w; i++) {
            unsigned char rgb[3];
            pixel(r, ctx, n, i, rgb);
            netc_image_rect(&img, x0 + i % w * scale, y0 + i / w * scale, scale, scale, rgb);
        }
    }
    rc = netc_png_write(path, &img, err);
    netc_image_free(&img);
    return rc;
}

/* Neuron n's weight on pixel i, scaled by the neuron's own largest |weight| so that
 * every neuron's pattern shows. */
static void weight_pixel(const report *r, const void *ctx, int n, int i, unsigned char rgb[3])
{
    const float *w = r->net.weight[1] + (size_t)n * r->net.size[0];
    float wmax = 0;
    int k;

    (void)ctx;
    for (k = 0; k < r->net.size[0]; k++)
        wmax = fmaxf(wmax, fabsf(w[k]));
    weight_colour(wmax > 0 ? w[i] / wmax : 0, rgb);
}

/* A misclassified image's pixel: grey, or in colour for three channels (planes R, G, B). */
static void wrong_pixel(const report *r, const void *ctx, int n, int i, unsigned char rgb[3])
{
    const netc_dataset *ds = r->in->test;
    const float *x = ds->x + (size_t)r->wrong[n].index * ds->n_input;
    unsigned char plane[3];
    int c, hw = r->image_h * r->image_w;

    (void)ctx;
    if (r->image_c != 3) {
        grey(x, ds->n_input, i, rgb);
        return;
    }
    for (c = 0; c < 3; c++) {
        grey(x, ds->n_input, c * hw + i, plane);
        rgb[c] = plane[0];
    }
}

static int write_weights(report *r, netc_report_page *page, netc_error *err)
{
    int tiles = r->net.size[1], scale = tiles <= 36 ? 4 : 2;
    netc_grid g = netc_grid_make(tiles, (int)ceil(sqrt(tiles)), r->image_w * scale,
                                 r->image_h * scale, 4);

    if (write_grid(r, "weights.png", &g, scale, r->image_h, r->image_w, weight_pixel, NULL,
                   err) < 0)
        return -1;
    page->weights = g;
    return 0;
}

/* The surest mistakes for the page, and for image inputs misclassified.png. */
static int write_mistakes(report *r, netc_report_page *page, netc_error *err)
{
    int shown = r->n_wrong < NETC_REPORT_MAX_WRONG ? r->n_wrong : NETC_REPORT_MAX_WRONG, i;
    netc_grid g = netc_grid_make(shown, 8, r->image_w * 3, r->image_h * 3, 4);

    page->n_wrong = r->n_wrong;
    page->shown_wrong = shown;
    for (i = 0; i < shown; i++) {
        page->wrong_index[i] = r->wrong[i].index;
        page->wrong_label[i] = r->in->test->labels[r->wrong[i].index];
        page->wrong_predicted[i] = r->wrong[i].predicted;
        page->wrong_margin[i] = r->wrong[i].margin;
    }
    if (shown == 0 || r->image_h == 0)
        return 0;
    if (write_grid(r, "misclassified.png", &g, 3, r->image_h, r->image_w, wrong_pixel, NULL,
                   err) < 0)
        return -1;
    page->wrong = g;
    return 0;
}

/* ---- conv layers: filters and feature maps ----------------------------------- */

/* Filter f / channels of layer l's weights, channel c's pixel i: tile t is filter t /
 * channels, channel t % channels; each filter scaled by its own largest |weight| over all
 * its channels, as the dense tiles are. */
struct filter_tiles {
    int layer, channels, shown_channels, kernel_size;
};

static void filter_pixel(const report *r, const void *ctx, int t, int i, unsigned char rgb[3])
{
    const struct filter_tiles *ft = ctx;
    int f = t / ft->shown_channels, c = t % ft->shown_channels, k;
    const float *w = r->net.weight[ft->layer] + (size_t)f * r->net.fan_in[ft->layer];
    float wmax = 0;

    for (k = 0; k < r->net.fan_in[ft->layer]; k++)
        wmax = fmaxf(wmax, fabsf(w[k]));
    weight_colour(wmax > 0 ? w[c * ft->kernel_size + i] / wmax : 0, rgb);
}

/* filters.png: the first conv layer's filters, one tile per filter (in rows of up to 8)
 * or, with several input channels, one row per filter and a tile per channel (up to 8);
 * 12 screen pixels per weight (fewer for kernels over 7). */
static int write_filters(report *r, netc_report_page *page, netc_error *err)
{
    struct filter_tiles ft;
    const netc_layer *L = NULL;
    int l, kh, kw, scale, filters;
    netc_grid g;

    for (l = 1; l < r->net.n && !L; l++)
        if (r->net.layer[l] && r->net.layer[l]->kind == NETC_LAYER_CONV && r->net.weight[l])
            L = r->net.layer[l], ft.layer = l;
    if (!L)
        return 0;
    kh = L->kernel[0];
    kw = L->kernel[1];
    filters = L->out_shape[0];
    ft.channels = L->in_shape[0];
    ft.kernel_size = kh * kw;
    if (ft.channels * ft.kernel_size != r->net.fan_in[ft.layer])
        return 0;   /* not the layout this picture reads */
    ft.shown_channels = ft.channels < 8 ? ft.channels : 8;
    scale = kh > 7 || kw > 7 ? (84 / (kh > kw ? kh : kw) > 1 ? 84 / (kh > kw ? kh : kw) : 1) : 12;
    g = netc_grid_make(filters * ft.shown_channels, ft.channels > 1 ? ft.shown_channels :
                       filters < 8 ? filters : 8, kw * scale, kh * scale, 4);
    if (write_grid(r, "filters.png", &g, scale, kh, kw, filter_pixel, &ft, err) < 0)
        return -1;
    page->filters = g;
    page->filters_layer = L->name;
    page->filter_kernel[0] = kh;
    page->filter_kernel[1] = kw;
    page->filter_channels = ft.channels;
    page->filter_count = filters;
    return 0;
}

/* A feature map's value: grey from black (0) to white (the layer's largest), or, when
 * the layer has negative values, blue positive and red negative as the weights are. */
static void map_pixel(const report *r, const void *ctx, int t, int i, unsigned char rgb[3])
{
    const netc_report_maps *mp = ctx;
    const float *a = r->maps_act + (size_t)t * mp->shape[1] * mp->shape[2];
    float v = mp->largest > 0 ? a[i] / mp->largest : 0;

    if (mp->signed_values) {
        weight_colour(v, rgb);
        return;
    }
    rgb[0] = rgb[1] = rgb[2] = (unsigned char)(255 * fminf(fmaxf(v, 0), 1) + 0.5f);
}

/* "maps_conv1.png" for a name of letters, digits and underscores, else "maps_N.png". */
static void maps_file(char *buf, size_t size, const char *name, int l)
{
    size_t i, ok = name && name[0] && strlen(name) < 64;

    for (i = 0; ok && name[i]; i++)
        ok = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
             (name[i] >= '0' && name[i] <= '9') || name[i] == '_';
    if (ok)
        snprintf(buf, size, "maps_%s.png", name);
    else
        snprintf(buf, size, "maps_%d.png", l);
}

/* One layer's maps for the sample the model last ran: a tile per channel, 8 to a row,
 * scaled to about 84 screen pixels. */
static int write_layer_maps(report *r, int l, netc_report_maps *mp, netc_error *err)
{
    const netc_layer *L = r->net.layer[l];
    int c = L->out_shape[0], h = L->out_shape[1], w = L->out_shape[2], k;
    int side = h > w ? h : w, scale = side >= 84 ? 1 : 84 / side;

    r->maps_act = r->in->model->activations(r->in->state, l - 1);
    if (!r->maps_act)
        return 0;
    mp->layer = L->name;
    maps_file(mp->file, sizeof mp->file, L->name, l);
    memcpy(mp->shape, L->out_shape, sizeof mp->shape);
    mp->largest = 0;
    mp->signed_values = 0;
    for (k = 0; k < c * h * w; k++) {
        mp->largest = fmaxf(mp->largest, fabsf(r->maps_act[k]));
        mp->signed_values |= r->maps_act[k] < 0;
    }
    mp->grid = netc_grid_make(c, c < 8 ? c : 8, w * scale, h * scale, 4);
    return write_grid(r, mp->file, &mp->grid, scale, h, w, map_pixel, mp, err) < 0 ? -1 : 1;
}

/* Test sample SAMPLE's feature maps after each conv and pooling layer (run alone, so
 * that row 0 of each layer's activations is its own). */
static int write_feature_maps(report *r, netc_report_page *page, netc_error *err)
{
    const netc_model *m = r->in->model;
    const netc_dataset *ds = r->in->test;
    float *out;
    int l, rc = 0;

    if (!m->activations)
        return 0;
    for (l = 1; l < r->net.n; l++)
        if (r->net.layer[l] && (r->net.layer[l]->kind == NETC_LAYER_CONV ||
                            r->net.layer[l]->kind == NETC_LAYER_MAXPOOL ||
                            r->net.layer[l]->kind == NETC_LAYER_AVGPOOL))
            break;
    if (l == r->net.n)
        return 0;
    if (!(out = netc_alloc((size_t)m->n_output, sizeof *out, "feature maps", err)))
        return -1;
    m->forward(r->in->state, ds->x + (size_t)SAMPLE * ds->n_input, out, 1);
    for (; l < r->net.n && rc >= 0 && page->n_maps < NETC_REPORT_MAX_MAPS; l++)
        if (r->net.layer[l] && r->net.layer[l]->kind != NETC_LAYER_DENSE &&
            r->net.layer[l]->kind != NETC_LAYER_DROPOUT &&
            (rc = write_layer_maps(r, l, &page->maps[page->n_maps], err)) > 0)
            page->n_maps++;
    free(out);
    return rc < 0 ? -1 : 0;
}

static int write_confusion(report *r, netc_report_page *page, netc_error *err)
{
    char path[1100];

    if (path_in(path, sizeof path, r->dir, "confusion.svg", err) < 0 ||
        netc_svg_confusion(path, r->confusion, r->classes, r->in->model->class_names, err) < 0)
        return -1;
    page->has_confusion = 1;
    return 0;
}

/* Test sample SAMPLE through the network: its pixels, its outputs, the weights between. */
static int write_network(report *r, netc_report_page *page, netc_error *err)
{
    const netc_dataset *ds = r->in->test;
    const netc_model *m = r->in->model;
    const float *act[MAX_DRAWN], *w[MAX_DRAWN];
    const float *out = r->out + (size_t)SAMPLE * r->in->model->n_output;
    netc_net_picture pic;
    char path[1100];
    int l;

    if (r->net.n > MAX_DRAWN)
        return 0;       /* the page says the network is too deep to draw */
    for (l = 0; l < r->net.n; l++) {   /* weights between two columns of matching size */
        act[l] = NULL;
        w[l] = l > 0 && r->net.weight[l] && r->net.fan_in[l] == r->net.size[l - 1] &&
               (!r->net.layer[l] || r->net.layer[l]->kind == NETC_LAYER_DENSE) ? r->net.weight[l] : NULL;
    }
    act[0] = ds->x + (size_t)SAMPLE * ds->n_input;
    act[r->net.n - 1] = out;
    if (m->activations) {           /* the hidden layers: run the sample alone, read row 0 */
        float *sample_out = netc_alloc((size_t)m->n_output, sizeof(float), "network picture", err);
        if (!sample_out)
            return -1;
        m->forward(r->in->state, act[0], sample_out, 1);
        free(sample_out);
        for (l = 1; l < r->net.n - 1; l++)
            act[l] = m->activations(r->in->state, l - 1);
    }
    memset(&pic, 0, sizeof pic);
    pic.n_layer = r->net.n;
    pic.size = r->net.size;
    pic.act = act;
    pic.w = w;
    pic.layers = r->net.layer[1] ? r->net.drawn : NULL;
    pic.image_h = r->image_h;
    pic.image_w = r->image_w;
    pic.sample = SAMPLE;
    pic.label = ds->labels ? ds->labels[SAMPLE] : -1;
    pic.predicted = netc_predicted_class(out, r->in->model->n_output);
    if (path_in(path, sizeof path, r->dir, "network.svg", err) < 0 ||
        netc_svg_network(path, &pic, err) < 0)
        return -1;
    page->has_network = 1;
    page->sample = SAMPLE;
    page->sample_label = pic.label;
    page->sample_predicted = pic.predicted;
    return 0;
}

/* loss.svg, accuracy.svg (a regression network's error.svg: its mean absolute error) and
 * metrics.csv from the log. */
static int write_curves(report *r, netc_report_page *page, netc_error *err)
{
    const netc_metrics *mx = r->in->metrics;
    double *y = netc_alloc((size_t)mx->n * 6, sizeof *y, "curves", err);
    netc_series loss[3], acc[3];
    int n_series = mx->validation ? 3 : 2;  /* the validation figures, with --validation */
    char path[1100];
    int i, rc = -1;

    if (!y)
        return -1;
    for (i = 0; i < mx->n; i++) {
        y[i] = mx->rows[i].train_loss;
        y[mx->n + i] = mx->rows[i].test_loss;
        y[2 * mx->n + i] = mx->regression ? mx->rows[i].train_fit.mae : mx->rows[i].train_acc;
        y[3 * mx->n + i] = mx->regression ? mx->rows[i].test_fit.mae : mx->rows[i].test_acc;
        y[4 * mx->n + i] = mx->rows[i].val_loss;
        y[5 * mx->n + i] = mx->regression ? mx->rows[i].val_fit.mae : mx->rows[i].val_acc;
    }
    loss[0].label = acc[0].label = "training";
    loss[1].label = acc[1].label = "test";
    loss[2].label = acc[2].label = "validation";
    loss[0].colour = acc[0].colour = "#58C4DD";
    loss[1].colour = acc[1].colour = "#FFD54F";
    loss[2].colour = acc[2].colour = "#83C167";
    loss[0].y = y;
    loss[1].y = y + mx->n;
    acc[0].y = y + 2 * mx->n;
    acc[1].y = y + 3 * mx->n;
    loss[2].y = y + 4 * mx->n;
    acc[2].y = y + 5 * mx->n;
    if (path_in(path, sizeof path, r->dir, "loss.svg", err) == 0 &&
        netc_svg_curves(path, "loss", mx->n, loss, n_series, 0, err) == 0 &&
        path_in(path, sizeof path, r->dir, mx->regression ? "error.svg" : "accuracy.svg",
                err) == 0 &&
        netc_svg_curves(path, mx->regression ? "mean absolute error" : "accuracy", mx->n, acc,
                        n_series, !mx->regression, err) == 0 &&
        path_in(path, sizeof path, r->dir, "metrics.csv", err) == 0 &&
        netc_metrics_write(path, mx, err) == 0)
        rc = 0;
    page->has_curves = rc == 0;
    free(y);
    return rc;
}

/* ---- the report --------------------------------------------------------------- */

static void free_report(report *r)
{
    netc_report_layers_free(&r->net);
    free(r->out);
    free(r->confusion);
    free(r->wrong);
}

/* A regression network's test set: its fit (for the page) and scatter.svg. */
static int write_fit(report *r, netc_report_page *page, netc_error *err)
{
    const netc_model *m = r->in->model;
    const netc_dataset *ds = r->in->test;
    float *truth = netc_alloc((size_t)ds->n, (size_t)m->n_output * sizeof *truth, "targets", err);
    int *idx = netc_alloc((size_t)ds->n, sizeof *idx, "indices", err);
    netc_fit_sums sums = { 0, 0, NULL };
    char path[1100];
    int i, rc = truth && idx ? run_test_set(r, err) : -1;

    for (i = 0; rc == 0 && i < ds->n; i++)
        idx[i] = i;
    if (rc == 0)
        rc = netc_dataset_targets(ds, idx, ds->n, m->n_output, m->data.targets, truth, err);
    if (rc == 0)
        rc = netc_fit_sums_alloc(&sums, m->n_output, err);
    if (rc == 0) {
        netc_fit_sums_add(&sums, r->out, truth, ds->n);
        netc_fit_result(&sums, &page->test_fit);
        page->test_loss = r->test_loss;
        rc = path_in(path, sizeof path, r->dir, "scatter.svg", err);
    }
    if (rc == 0)
        rc = netc_svg_scatter(path, r->out, truth, ds->n, m->n_output, err);
    page->has_scatter = rc == 0;
    netc_fit_sums_free(&sums);
    free(truth);
    free(idx);
    return rc;
}

static int write_pictures(report *r, netc_report_page *page, netc_error *err)
{
    const netc_dataset *test = r->in->test;
    int labelled = test && test->n > 0 && test->labels;

    if (netc_report_layers_read(&r->net, r->in->model, r->in->state, err) < 0)
        return -1;
    image_shape(r);
    if (r->in->metrics && r->in->metrics->n > 0 && write_curves(r, page, err) < 0)
        return -1;
    if (r->image_h > 0 && r->net.n > 1 && r->net.weight[1] && r->net.fan_in[1] == r->net.size[0] &&
        (!r->net.layer[1] || r->net.layer[1]->kind == NETC_LAYER_DENSE) && write_weights(r, page, err) < 0)
        return -1;
    if (write_filters(r, page, err) < 0)
        return -1;
    if (netc_is_regression(r->in->model))
        return test && test->n > 0 ? write_fit(r, page, err) : 0;
    if (!labelled)
        return 0;
    if (run_test_set(r, err) < 0 || score_test_set(r, err) < 0)
        return -1;
    page->test_acc = r->test_acc;
    page->test_loss = r->test_loss;
    if (write_confusion(r, page, err) < 0 || write_network(r, page, err) < 0 ||
        write_feature_maps(r, page, err) < 0)
        return -1;
    return write_mistakes(r, page, err);
}

int netc_report_writes(const char *name)
{
    static const char *const files[] = {
        "index.html", "loss.svg", "accuracy.svg", "error.svg", "scatter.svg", "metrics.csv",
        "weights.png", "filters.png", "network.svg", "confusion.svg", "misclassified.png"
    };
    size_t i, n = strlen(name);

    for (i = 0; i < sizeof files / sizeof *files; i++)
        if (strcmp(name, files[i]) == 0)
            return 1;
    return strncmp(name, "maps_", 5) == 0 && n > 9 && strcmp(name + n - 4, ".png") == 0;
}

/* netc --emit web's page for these weights, written into the report's web/ folder. */
static int web_page_exists(const char *dir, const char *name)
{
    char path[1200];
    struct stat st;
    int n = snprintf(path, sizeof path, "%s/web/%s.html", dir, name);

    return n > 0 && (size_t)n < sizeof path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int netc_report_write(const netc_report_input *in, const char *dir, netc_error *err)
{
    netc_report_page page;
    report r;
    char path[1100];
    int rc;

    memset(&r, 0, sizeof r);
    memset(&page, 0, sizeof page);
    r.in = in;
    r.dir = dir;
    page.in = in;
    page.test_acc = page.test_loss = NAN;
    page.sample = -1;
    rc = make_dir(dir, err);
    if (rc == 0)
        rc = write_pictures(&r, &page, err);
    if (rc == 0) {
        page.layers = r.net.n;
        page.size = r.net.size;
        page.drawn = r.net.layer[1] ? r.net.drawn : NULL;
        page.image_h = r.image_h;
        page.image_w = r.image_w;
        page.dir = dir;
        page.has_web = web_page_exists(dir, in->model->name);
        rc = path_in(path, sizeof path, dir, "index.html", err);
    }
    if (rc == 0)
        rc = netc_report_html(path, &page, err);
    free_report(&r);
    return rc < 0 ? netc_fail_context(err, "report %s", dir) : 0;
}
