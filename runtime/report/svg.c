/* svg.c - the report's drawings as SVG text: learning curves, the confusion
 * matrix, and one sample passing through the network (dense layers as columns of
 * neurons, conv and pooling layers as stacks of feature maps).
 *
 * Every drawing carries its own dark background and the colours of 3Blue1Brown's
 * videos (manim's BLUE #58C4DD for positive, RED #FC6255 for negative), so it reads
 * the same in the report page and opened on its own. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/atomic.h"
#include "model/class_names.h"
#include "report/svg.h"

#define BACKGROUND "#161b22"
#define INK "#c9d1d9"
#define FAINT "#30363d"
#define BLUE "#58C4DD"
#define RED "#FC6255"
#define YELLOW "#FFD54F"
#define FONT "font-family=\"Helvetica, Arial, sans-serif\""

void netc_xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* The opening of a drawing on its own dark background. */
static void svg_begin(FILE *f, int width, int height)
{
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" %s font-size=\"13\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"" BACKGROUND "\"/>\n",
            width, height, width, height, FONT);
}

/* The closing; 0, or -1 when something written to f failed (for netc_write_atomic). */
static int svg_end(FILE *f)
{
    fputs("</svg>\n", f);
    return ferror(f) ? -1 : 0;
}

void netc_svg_open(FILE *f, int width, int height)
{
    svg_begin(f, width, height);
}

int netc_svg_close(FILE *f)
{
    return svg_end(f);
}

/* ---- learning curves -------------------------------------------------------- */

typedef struct plot_area {
    double x0, y0, w, h;        /* pixels: left, top, width, height */
    double xmin, xmax, ymin, ymax;
} plot_area;

static double plot_x(const plot_area *a, double x)
{
    return a->x0 + (x - a->xmin) / (a->xmax - a->xmin) * a->w;
}

static double plot_y(const plot_area *a, double y)
{
    return a->y0 + a->h - (y - a->ymin) / (a->ymax - a->ymin) * a->h;
}

/* 1, 2 or 5 times a power of ten, near range / 5. */
static double nice_step(double range)
{
    double raw = range / 5, p = pow(10, floor(log10(raw))), m = raw / p;

    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/* The y range of the series, widened to whole steps. */
static void y_range(int n, const netc_series *s, int n_series, double scale, plot_area *a)
{
    double lo = INFINITY, hi = -INFINITY, step;
    int i, k;

    for (k = 0; k < n_series; k++)
        for (i = 0; i < n; i++)
            if (!isnan(s[k].y[i])) {
                lo = fmin(lo, s[k].y[i] * scale);
                hi = fmax(hi, s[k].y[i] * scale);
            }
    if (!(lo <= hi))
        lo = 0, hi = 1;
    if (hi - lo < 1e-9 * fmax(1, fabs(hi)))
        lo -= 0.5 * fmax(fabs(lo), 1e-3), hi += 0.5 * fmax(fabs(hi), 1e-3);
    step = nice_step(hi - lo);
    a->ymin = floor(lo / step) * step;
    a->ymax = ceil(hi / step) * step;
    if (a->ymax <= a->ymin)
        a->ymax = a->ymin + step;
}

static void draw_axes(FILE *f, const plot_area *a, int y_percent)
{
    double step = nice_step(a->ymax - a->ymin), v;
    double xstep = a->xmax - a->xmin <= 10 ? 1 : ceil(nice_step(a->xmax - a->xmin));

    for (v = a->ymin; v <= a->ymax + step * 1e-6; v += step) {
        double y = plot_y(a, v);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" FAINT "\"/>\n",
                a->x0, y, a->x0 + a->w, y);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"" INK "\" text-anchor=\"end\">%g%s</text>\n",
                a->x0 - 6, y + 4, fabs(v) < step * 1e-6 ? 0 : v, y_percent ? "%" : "");
    }
    /* epoch 1, then whole multiples of the step: 1, 5, 10, 15 ... */
    for (v = ceil(a->xmin); v <= a->xmax + 1e-9; v = (floor(v / xstep) + 1) * xstep) {
        double x = plot_x(a, v);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" FAINT "\"/>\n",
                x, a->y0, x, a->y0 + a->h);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"" INK "\" text-anchor=\"middle\">%g</text>\n",
                x, a->y0 + a->h + 18, v);
    }
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"" INK "\" text-anchor=\"middle\">epoch</text>\n",
            a->x0 + a->w / 2, a->y0 + a->h + 38);
}

static void draw_series(FILE *f, const plot_area *a, int n, const netc_series *s, double scale)
{
    int i, pen_down = 0;

    fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" points=\"", s->colour);
    for (i = 0; i < n; i++)
        if (!isnan(s->y[i]))
            fprintf(f, "%s%.1f,%.1f", pen_down++ ? " " : "", plot_x(a, i + 1),
                    plot_y(a, s->y[i] * scale));
    fputs("\"/>\n", f);
    for (i = 0; i < n; i++)
        if (!isnan(s->y[i]))
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n",
                    plot_x(a, i + 1), plot_y(a, s->y[i] * scale), s->colour);
}

static void draw_legend(FILE *f, const plot_area *a, const netc_series *s, int n_series)
{
    int k;

    for (k = 0; k < n_series; k++) {
        double x = a->x0 + a->w - 150, y = 18 + 16 * k;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                "stroke-width=\"3\"/>\n", x, y - 4, x + 22, y - 4, s[k].colour);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"" INK "\">", x + 28, y);
        netc_xml_text(f, s[k].label);
        fputs("</text>\n", f);
    }
}

/* What a plot is drawn from (netc_svg_curves' arguments, for netc_write_atomic). */
typedef struct curves {
    const char *title;
    int n;
    const netc_series *series;
    int n_series, y_percent;
} curves;

static int draw_curves(FILE *f, const void *ctx)
{
    const curves *c = ctx;
    const int width = 500, height = 320;
    double scale = c->y_percent ? 100 : 1;
    plot_area a;
    int k;

    svg_begin(f, width, height);
    a.x0 = 64;
    a.y0 = 20 + 16 * c->n_series;
    a.w = width - a.x0 - 24;
    a.h = height - a.y0 - 52;
    a.xmin = c->n > 1 ? 1 : 0.5;
    a.xmax = c->n > 1 ? c->n : 1.5;
    y_range(c->n, c->series, c->n_series, scale, &a);
    fprintf(f, "<text x=\"16\" y=\"22\" fill=\"" INK "\" font-size=\"16\" font-weight=\"bold\">");
    netc_xml_text(f, c->title);
    fputs("</text>\n", f);
    draw_axes(f, &a, c->y_percent);
    for (k = 0; k < c->n_series; k++)
        draw_series(f, &a, c->n, &c->series[k], scale);
    draw_legend(f, &a, c->series, c->n_series);
    return svg_end(f);
}

int netc_svg_curves(const char *path, const char *title, int n, const netc_series *series,
                    int n_series, int y_percent, netc_error *err)
{
    curves c;

    c.title = title;
    c.n = n;
    c.series = series;
    c.n_series = n_series;
    c.y_percent = y_percent;
    return netc_write_atomic(path, draw_curves, &c, err);
}

/* ---- confusion matrix ------------------------------------------------------- */

/* How bright a cell is: on the diagonal the row's share (the class's recall); off it
 * the count on a log scale up to the largest mistake count, so that 1 and 39 mistakes
 * look different whatever the rows' sizes. */
static double cell_opacity(long count, long row_total, long most_wrong, int diagonal)
{
    double v = diagonal ? (row_total ? (double)count / (double)row_total : 0)
                        : log1p((double)count) / log1p((double)(most_wrong > 0 ? most_wrong : 1));

    return count ? 0.12 + 0.88 * v : 0;
}

static void confusion_cell(FILE *f, double x, double y, double cell, long count, double opacity,
                           int diagonal)
{
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
            "fill-opacity=\"%.3f\" stroke=\"" FAINT "\"><title>%ld</title></rect>\n", x, y, cell,
            cell, diagonal ? BLUE : RED, opacity, count);
    if (cell >= 14 && count)
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#ffffff\" text-anchor=\"middle\" "
                "font-size=\"%d\">%ld</text>\n", x + cell / 2, y + cell / 2 + 4,
                cell >= 40 ? 12 : cell >= 24 ? 9 : 6, count);
}

/* The largest count off the diagonal. */
static long most_wrong(const long *counts, int classes)
{
    long most = 0;
    int t, p;

    for (t = 0; t < classes; t++)
        for (p = 0; p < classes; p++)
            if (t != p && counts[(size_t)t * classes + p] > most)
                most = counts[(size_t)t * classes + p];
    return most;
}

typedef struct confusion {
    const long *counts;
    int classes;
    const char *const *names;   /* NULL: the classes by number */
} confusion;

/* Pixels the longest class name takes (about 7 a character); 0 without names. */
static double names_width(const confusion *c)
{
    int k, widest = 0;

    for (k = 0; c->names && k < c->classes; k++) {
        int w = netc_text_width(c->names[k]);
        widest = w > widest ? w : widest;
    }
    return 7.0 * widest;
}

/* Class k's label above its column (a name turned upright) and left of its row. */
static void confusion_labels(FILE *f, const confusion *c, int k, double x0, double y0,
                             double cell)
{
    double column = x0 + cell * k + cell / 2, row = y0 + cell * k + cell / 2 + 4;
    char number[16];

    if (c->names) {
        fprintf(f, "<text transform=\"translate(%.1f %.1f) rotate(-90)\" fill=\"" INK "\">",
                column + 4, y0 - 8);
        netc_xml_text(f, c->names[k]);
    } else {
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"" INK "\" text-anchor=\"middle\">%d",
                column, y0 - 10, k);
    }
    fprintf(f, "</text>\n<text x=\"%.1f\" y=\"%.1f\" fill=\"" INK "\" text-anchor=\"end\">",
            x0 - 8, row);
    snprintf(number, sizeof number, "%d", k);
    netc_xml_text(f, c->names ? c->names[k] : number);
    fputs("</text>\n", f);
}

static int draw_confusion(FILE *f, const void *ctx)
{
    const confusion *c = ctx;
    int classes = c->classes, t, p;
    double cell = classes <= 12 ? 44 : fmax(10, 520.0 / classes);
    double x0 = 70 + names_width(c), y0 = 70 + names_width(c), side = cell * classes;
    long worst = most_wrong(c->counts, classes);

    svg_begin(f, (int)(x0 + side + 20), (int)(y0 + side + 44));
    fprintf(f, "<text x=\"%.1f\" y=\"24\" fill=\"" INK "\" text-anchor=\"middle\">predicted "
            "class</text>\n", x0 + side / 2);
    fprintf(f, "<text transform=\"translate(22 %.1f) rotate(-90)\" fill=\"" INK "\" "
            "text-anchor=\"middle\">true class</text>\n", y0 + side / 2);
    for (t = 0; t < classes; t++) {
        const long *row = c->counts + (size_t)t * classes;
        long total = 0;
        for (p = 0; p < classes; p++)
            total += row[p];
        if (cell >= 16)
            confusion_labels(f, c, t, x0, y0, cell);
        for (p = 0; p < classes; p++)
            confusion_cell(f, x0 + cell * p, y0 + cell * t, cell, row[p],
                           cell_opacity(row[p], total, worst, t == p), t == p);
    }
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"" INK "\" fill-opacity=\"0.6\" "
            "font-size=\"11\">blue: share of the row", x0, y0 + side + 28);
    if (worst > 0)
        fprintf(f, "; red: count, log scale up to %ld", worst);
    fputs("</text>\n", f);
    return svg_end(f);
}

int netc_svg_confusion(const char *path, const long *counts, int classes,
                       const char *const *names, netc_error *err)
{
    confusion c;

    c.counts = counts;
    c.classes = classes;
    c.names = names;
    return netc_write_atomic(path, draw_confusion, &c, err);
}

/* ---- one sample through the network ----------------------------------------- */

#define MAX_SHOWN 16            /* neurons drawn per layer; the rest behind a "⋮" */
#define NET_MARGIN 39         /* above and below the tallest layer (title, captions) */
#define RADIUS 11

/* Where a layer's drawn neurons are. */
typedef struct column {
    double x;
    int shown;                  /* neurons drawn */
    int index[MAX_SHOWN];       /* which neuron each drawn circle is */
    double y[MAX_SHOWN];
    int gap_after;              /* the "⋮" goes after this drawn circle, or -1 */
} column;

/* The circles of a column of `size` neurons at x, centred 10 pixels below mid. */
static void layout_column(column *c, int size, double x, double mid)
{
    double spacing = 2 * RADIUS + 10, top;
    int i, head = MAX_SHOWN / 2;

    c->x = x;
    c->shown = size <= MAX_SHOWN ? size : MAX_SHOWN - 1;
    c->gap_after = size <= MAX_SHOWN ? -1 : head - 1;
    top = mid - (c->shown + (c->gap_after >= 0) - 1) * spacing / 2 + 10;
    for (i = 0; i < c->shown; i++) {
        c->index[i] = size <= MAX_SHOWN || i < head ? i : size - (c->shown - i);
        c->y[i] = top + spacing * (i + (c->gap_after >= 0 && i > c->gap_after));
    }
}

/* Brightness in [0, 1]: activations as they are when they lie in [0, 1], else
 * stretched from the layer's smallest to its largest. */
static void brightness(const float *a, int n, float *b)
{
    float lo = a[0], hi = a[0];
    int i;

    for (i = 1; i < n; i++)
        lo = a[i] < lo ? a[i] : lo, hi = a[i] > hi ? a[i] : hi;
    for (i = 0; i < n; i++)
        b[i] = lo >= 0 && hi <= 1 ? a[i] : hi > lo ? (a[i] - lo) / (hi - lo) : 0.5f;
}

static void draw_image_input(FILE *f, const netc_net_picture *pic, const float *b, double x0,
                             double y0, double px)
{
    int r, c;

    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#000\" "
            "stroke=\"" FAINT "\"/>\n", x0, y0, px * pic->image_w, px * pic->image_h);
    for (r = 0; r < pic->image_h; r++)
        for (c = 0; c < pic->image_w; c++) {
            float v = b[r * pic->image_w + c];
            if (v > 0.02f)
                fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.2f\" "
                        "fill=\"#fff\" fill-opacity=\"%.2f\"/>\n", x0 + c * px, y0 + r * px,
                        px, px, v);
        }
}

/* Lines between two drawn layers, coloured by the weight's sign, as opaque as it is
 * large next to the layer's largest weight. */
static void draw_weights(FILE *f, const column *from, const column *to, const float *w,
                         int n_in)
{
    float wmax = 0;
    int i, j;

    for (j = 0; j < to->shown; j++)
        for (i = 0; i < from->shown; i++)
            wmax = fmaxf(wmax, fabsf(w[(size_t)to->index[j] * n_in + from->index[i]]));
    for (j = 0; j < to->shown; j++)
        for (i = 0; i < from->shown; i++) {
            float v = w[(size_t)to->index[j] * n_in + from->index[i]];
            float op = wmax > 0 ? fabsf(v) / wmax : 0;
            if (op < 0.05f)
                continue;
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                    "stroke-opacity=\"%.2f\" stroke-width=\"%.1f\"/>\n", from->x + RADIUS,
                    from->y[i], to->x - RADIUS, to->y[j], v >= 0 ? BLUE : RED, 0.8 * op,
                    0.5 + 1.5 * op);
        }
}

/* A column's circles, lit by b (NULL: hollow, dashed); dashed: a dropout layer's. */
static void draw_neurons(FILE *f, const column *c, const float *b, int highlight, int dashed)
{
    int i;

    for (i = 0; i < c->shown; i++) {
        int k = c->index[i];
        if (b)
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"#fff\" fill-opacity="
                    "\"%.2f\" stroke=\"%s\" stroke-width=\"%d\"%s><title>neuron %d: %.4f</title>"
                    "</circle>\n", c->x, c->y[i], RADIUS, b[k], k == highlight ? YELLOW : INK,
                    k == highlight ? 3 : 1, dashed ? " stroke-dasharray=\"3 2\"" : "", k, b[k]);
        else
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"" BACKGROUND "\" "
                    "stroke=\"" INK "\" stroke-dasharray=\"3 3\"><title>neuron %d</title>"
                    "</circle>\n", c->x, c->y[i], RADIUS, k);
        if (i == c->gap_after)
            fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"" INK "\" text-anchor=\"middle\" "
                    "font-size=\"18\">&#8942;</text>\n", c->x, c->y[i] + RADIUS + 14);
    }
}

static void draw_output_labels(FILE *f, const column *c, const float *act, int highlight)
{
    int i;

    if (c->shown == 1) {        /* one output: its value is the network's p(class 1) */
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"" INK "\">p(1) = %.3f</text>\n",
                c->x + RADIUS + 8, c->y[0] + 4, act[0]);
        return;
    }
    for (i = 0; i < c->shown; i++) {
        int k = c->index[i];
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" font-weight=\"%s\">%d  "
                "<tspan fill-opacity=\"0.7\" font-weight=\"normal\">%.3f</tspan></text>\n",
                c->x + RADIUS + 8, c->y[i] + 4, k == highlight ? YELLOW : INK,
                k == highlight ? "bold" : "normal", k, act[k]);
    }
}

static void caption(FILE *f, double x, const char *top, const char *bottom, int height)
{
    fprintf(f, "<text x=\"%.1f\" y=\"%d\" fill=\"" INK "\" text-anchor=\"middle\">%s</text>\n",
            x, height - 30, top);
    if (bottom)
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" fill=\"" INK "\" fill-opacity=\"0.6\" "
                "text-anchor=\"middle\" font-size=\"11\">%s</text>\n", x, height - 14, bottom);
}

/* The output neuron to ring: the predicted class's (for one output, only when it
 * says class 1). */
static int output_highlight(const netc_net_picture *pic)
{
    if (pic->size[pic->n_layer - 1] == 1)
        return pic->predicted == 1 ? 0 : -1;
    return pic->predicted;
}

/* ---- stacks of feature maps ---- */

#define SHEET_OFFSET 6          /* pixels between the drawn sheets of a stack of maps */
#define MAX_SHEETS 6

/* The stack of maps of a C x H x W layer: each sheet 6 pixels per map pixel (within
 * 18 .. 170), at most MAX_SHEETS of them drawn. */
static void maps_size(const int *shape, double *w, double *h, int *sheets)
{
    *h = fmin(fmax(shape[1] * 6.0, 18), 170);
    *w = fmin(fmax(shape[2] * 6.0, 18), 170);
    *sheets = shape[0] < 1 ? 1 : shape[0] < MAX_SHEETS ? shape[0] : MAX_SHEETS;
}

static double maps_width(const int *shape)
{
    double w, h;
    int sheets;

    maps_size(shape, &w, &h, &sheets);
    return w + SHEET_OFFSET * (sheets - 1);
}

/* A stack of sheets from left edge x, centred on the middle line; its shape and detail
 * under it (the name goes in the caption row). */
static void draw_maps(FILE *f, const netc_drawn_layer *d, double x, double middle)
{
    double w, h, top, mid = x + maps_width(d->shape) / 2;
    int sheets, k;

    maps_size(d->shape, &w, &h, &sheets);
    top = middle - h / 2 + SHEET_OFFSET * (sheets - 1) / 2.0;
    for (k = sheets - 1; k >= 0; k--)       /* the back sheet first, up and to the right */
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                "stroke=\"%s\"%s><title>%d maps of %d&#215;%d</title></rect>\n",
                x + SHEET_OFFSET * k, top - SHEET_OFFSET * k, w, h,
                d->dashed ? BACKGROUND : "#1f3a4d", k ? INK : BLUE,
                d->dashed ? " stroke-dasharray=\"4 3\"" : k ? " stroke-opacity=\"0.4\"" : "",
                d->shape[0], d->shape[1], d->shape[2]);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"" INK "\" text-anchor=\"middle\" "
            "font-size=\"12\">%d&#215;%d&#215;%d</text>\n", mid, top + h + 18, d->shape[0],
            d->shape[1], d->shape[2]);
    if (d->detail[0]) {
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"" INK "\" fill-opacity=\"0.6\" "
                "text-anchor=\"middle\" font-size=\"11\">", mid, top + h + 33);
        netc_xml_text(f, d->detail);
        fputs("</text>\n", f);
    }
}

/* Lines from the middle of a picture's right edge (x) to each circle of a column. */
static void draw_fan_in(FILE *f, double x, const column *to, double mid)
{
    int i;

    for (i = 0; i < to->shown; i++)
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" INK "\" "
                "stroke-opacity=\"0.15\"/>\n", x, mid, to->x - RADIUS, to->y[i]);
}

/* One line between two pictures' edges, on the middle line. */
static void draw_link(FILE *f, double x1, double x2, double mid)
{
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" INK "\" "
            "stroke-opacity=\"0.4\" stroke-width=\"2\"/>\n", x1, mid, x2, mid);
}

/* Dropout after a dense layer: each neuron passes on to the same one (in evaluation). */
static void draw_one_to_one(FILE *f, const column *from, const column *to)
{
    int i;

    for (i = 0; i < to->shown && i < from->shown; i++)
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" INK "\" "
                "stroke-opacity=\"0.3\" stroke-dasharray=\"4 3\"/>\n", from->x + RADIUS,
                from->y[i], to->x - RADIUS, to->y[i]);
}

/* ---- the whole picture ---- */

#define MAX_DRAWN 16

/* Where each layer sits: a column by its centre (left = right), a stack by its edges. */
typedef struct layout {
    int input_image;            /* the input is a picture (else a column of circles) */
    int height;                 /* the drawing's, from its tallest layer */
    double mid;                 /* the middle line */
    double left[MAX_DRAWN], right[MAX_DRAWN];
    column col[MAX_DRAWN];
} layout;

static enum netc_drawn_kind kind_of(const netc_net_picture *pic, int l)
{
    return pic->layers && l > 0 ? pic->layers[l].kind : NETC_DRAW_NEURONS;
}

static int is_column(const netc_net_picture *pic, const layout *lay, int l)
{
    return l == 0 ? !lay->input_image : kind_of(pic, l) != NETC_DRAW_MAPS;
}

/* The layers after the input (its right edge, or its column's centre, in lay->right[0]):
 * `step` pixels between two columns, less around stacks of maps. */
static void lay_out(const netc_net_picture *pic, layout *lay, double step)
{
    int l;

    for (l = 1; l < pic->n_layer; l++) {
        int maps = !is_column(pic, lay, l), after_column = is_column(pic, lay, l - 1);
        double x = lay->right[l - 1];
        if (maps) {
            lay->left[l] = x + (after_column ? RADIUS + 50 : 50);
            lay->right[l] = lay->left[l] + maps_width(pic->layers[l].shape);
        } else {
            lay->left[l] = lay->right[l] = x + (!after_column ? (l == 1 ? 90 : 110) : step);
            layout_column(&lay->col[l], pic->size[l], lay->left[l], lay->mid);
        }
    }
}

static void layer_caption(FILE *f, const netc_net_picture *pic, const layout *lay, int l,
                          const float *b)
{
    const netc_drawn_layer *d = pic->layers ? &pic->layers[l] : NULL;
    double x = (lay->left[l] + lay->right[l]) / 2;
    char text[96];

    if (l == pic->n_layer - 1)
        snprintf(text, sizeof text, "output (%d)", pic->size[l]);
    else if (d && d->name && !is_column(pic, lay, l))
        snprintf(text, sizeof text, "%s", d->name);
    else if (d && d->name)
        snprintf(text, sizeof text, "%s (%d)", d->name, pic->size[l]);
    else
        snprintf(text, sizeof text, "layer %d (%d)", l, pic->size[l]);
    if (!is_column(pic, lay, l))
        caption(f, x, text, NULL, lay->height);
    else
        caption(f, x, text, !b ? "activations not exposed" : d && d->detail[0] ? d->detail : NULL,
                lay->height);
}

/* What leads into layer l from the one before it: weights (column to column), a line
 * to each neuron (a picture to a column), one to one (dropout), or a link (to maps). */
static void draw_connection(FILE *f, const netc_net_picture *pic, const layout *lay, int l)
{
    int from_column = is_column(pic, lay, l - 1);
    double from_right = lay->right[l - 1] + (from_column && l > 1 ? RADIUS : 0);

    if (!is_column(pic, lay, l))
        draw_link(f, from_column ? lay->right[l - 1] + RADIUS : lay->right[l - 1], lay->left[l],
                  lay->mid);
    else if (!from_column)
        draw_fan_in(f, from_right, &lay->col[l], lay->mid);
    else if (kind_of(pic, l) == NETC_DRAW_DROPOUT)
        draw_one_to_one(f, &lay->col[l - 1], &lay->col[l]);
    else if (pic->w[l])
        draw_weights(f, &lay->col[l - 1], &lay->col[l], pic->w[l], pic->size[l - 1]);
}

/* The layers after the input, over the connections into each. */
static void draw_layers(FILE *f, const netc_net_picture *pic, layout *lay, float **b)
{
    int l;

    for (l = 1; l < pic->n_layer; l++)
        draw_connection(f, pic, lay, l);
    if (!lay->input_image)
        draw_neurons(f, &lay->col[0], b[0], -1, 0);
    for (l = 1; l < pic->n_layer; l++) {
        int last = l == pic->n_layer - 1;
        if (!is_column(pic, lay, l))
            draw_maps(f, &pic->layers[l], lay->left[l], lay->mid);
        else
            draw_neurons(f, &lay->col[l], b[l], last ? output_highlight(pic) : -1,
                         kind_of(pic, l) == NETC_DRAW_DROPOUT);
        layer_caption(f, pic, lay, l, b[l]);
    }
    if (b[pic->n_layer - 1])
        draw_output_labels(f, &lay->col[pic->n_layer - 1], pic->act[pic->n_layer - 1],
                           output_highlight(pic));
}

/* The input: a picture of pixels, or a column of circles (laid out here, drawn over
 * the weights' lines by draw_layers).  Its right edge (its centre) into lay->right[0]. */
static void draw_input(FILE *f, const netc_net_picture *pic, layout *lay, float **b)
{
    char text[64];

    if (lay->input_image) {
        double px = 240.0 / (pic->image_w > pic->image_h ? pic->image_w : pic->image_h);
        double top = lay->mid - px * pic->image_h / 2;
        draw_image_input(f, pic, b[0], 30, top, px);
        snprintf(text, sizeof text, "input %dx%d", pic->image_h, pic->image_w);
        caption(f, 30 + px * pic->image_w / 2, text, NULL, lay->height);
        lay->left[0] = 30;
        lay->right[0] = 30 + px * pic->image_w;
        return;
    }
    layout_column(&lay->col[0], pic->size[0], 60, lay->mid);
    snprintf(text, sizeof text, "input (%d)", pic->size[0]);
    caption(f, 60, text, b[0] ? NULL : "not shown", lay->height);
    lay->left[0] = lay->right[0] = 60;
}

/* Where the input ends, before it is drawn. */
static double input_right(const netc_net_picture *pic, int image)
{
    return image ? 30 + 240.0 / (pic->image_w > pic->image_h ? pic->image_w : pic->image_h) *
                        pic->image_w : 60;
}

/* The spacing of columns and the drawing's width: all columns, as always (170 pixels
 * apart, closer when that is wider than the drawing; an image input takes 340); with
 * stacks of maps, 170 apart and as wide as they need, with room for the output's labels. */
static int picture_width(const netc_net_picture *pic, layout *lay, double *step)
{
    int l, columns = 1, width;

    for (l = 1; l < pic->n_layer; l++)
        columns &= is_column(pic, lay, l);
    lay->right[0] = input_right(pic, lay->input_image);
    *step = 170;
    if (!columns) {
        lay_out(pic, lay, *step);
        return (int)(lay->right[pic->n_layer - 1] + 140);
    }
    width = (int)(60 + (lay->input_image ? 340 : 170) + 170.0 * (pic->n_layer - 2) + 140);
    if (pic->n_layer > 2)
        *step = fmin(170, (width - 140 - (lay->right[0] + (lay->input_image ? 90 : 170))) /
                              (pic->n_layer - 2));
    return width;
}

/* How far layer l reaches above and below the middle line. */
static void layer_extent(const netc_net_picture *pic, const layout *lay, int l, double *above,
                         double *below)
{
    double w, h;
    int sheets, shown = pic->size[l] <= MAX_SHOWN ? pic->size[l] : MAX_SHOWN;

    if (l == 0 && lay->input_image) {
        *above = *below = 120;
    } else if (!is_column(pic, lay, l)) {       /* a stack of maps, its labels under it */
        maps_size(pic->layers[l].shape, &w, &h, &sheets);
        *above = h / 2 + SHEET_OFFSET * (sheets - 1) / 2.0;
        *below = *above + 38;
    } else {                                    /* circles (and a gap) centred 10 lower */
        *above = (shown - 1) * (2 * RADIUS + 10) / 2.0 + RADIUS - 10;
        *below = *above + 20;
    }
}

/* The drawing's height and middle line: the tallest layer, with room for the title
 * above and the captions below (600 pixels for a column of 16 neurons, less for a
 * small network of few inputs). */
static void picture_height(const netc_net_picture *pic, layout *lay)
{
    double half = 0, above, below;
    int l;

    for (l = 0; l < pic->n_layer; l++) {
        layer_extent(pic, lay, l, &above, &below);
        half = fmax(half, fmax(above, below));
    }
    lay->height = (int)fmax(240, ceil(2 * half + 2 * NET_MARGIN));
    lay->mid = lay->height / 2.0;
}

/* What a network picture is drawn from (for netc_write_atomic). */
typedef struct network_drawing {
    const netc_net_picture *pic;
    layout *lay;
    float **b;                  /* each layer's brightness, or NULL */
    int width;
    double step;
} network_drawing;

static int draw_network(FILE *f, const void *ctx)
{
    const network_drawing *d = ctx;
    const netc_net_picture *pic = d->pic;

    svg_begin(f, d->width, d->lay->height);
    fprintf(f, "<text x=\"16\" y=\"24\" fill=\"" INK "\" font-size=\"16\" font-weight="
            "\"bold\">test sample #%d", pic->sample);
    if (pic->label >= 0)
        fprintf(f, " · label %d", pic->label);
    if (pic->predicted >= 0)
        fprintf(f, " · predicted %d", pic->predicted);
    fputs("</text>\n", f);
    draw_input(f, pic, d->lay, d->b);
    lay_out(pic, d->lay, d->step);
    draw_layers(f, pic, d->lay, d->b);
    return svg_end(f);
}

int netc_svg_network(const char *path, const netc_net_picture *pic, netc_error *err)
{
    layout lay;
    float *b[MAX_DRAWN];
    network_drawing d;
    int l, rc = 0;

    if (pic->n_layer < 2 || pic->n_layer > MAX_DRAWN)
        return netc_fail(err, "%s: cannot draw a network of %d layers", path, pic->n_layer);
    for (l = 0; l < pic->n_layer; l++)
        b[l] = NULL;
    for (l = 0; l < pic->n_layer && rc == 0; l++)
        if (pic->act[l]) {
            b[l] = netc_alloc((size_t)pic->size[l], sizeof(float), "activations", err);
            if (b[l])
                brightness(pic->act[l], pic->size[l], b[l]);
            else
                rc = -1;
        }
    memset(&lay, 0, sizeof lay);
    lay.input_image = pic->image_h > 0 && b[0];
    picture_height(pic, &lay);
    d.pic = pic;
    d.lay = &lay;
    d.b = b;
    d.width = picture_width(pic, &lay, &d.step);
    if (rc == 0)
        rc = netc_write_atomic(path, draw_network, &d, err);
    for (l = 0; l < pic->n_layer; l++)
        free(b[l]);
    return rc;
}
