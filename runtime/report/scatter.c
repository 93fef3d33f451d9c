/* scatter.c - a regression network's predictions against the truth, as SVG: the picture
 * that replaces a classifier's confusion matrix in the report. */
#include <math.h>
#include <stdio.h>

#include "io/atomic.h"
#include "report/scatter.h"
#include "report/svg.h"

#define SIZE 480                /* the drawing is SIZE x SIZE pixels */
#define MARGIN 64               /* around the plot: the axes' numbers and names */
#define TICKS 5
#define INK "#c9d1d9"           /* svg.c's text colour */
#define FAINT "#30363d"
#define POINT_OPACITY 0.65

/* One colour per output (manim's blue, yellow, green, red, ...), cycled. */
static const char *const colours[] = { "#58C4DD", "#FFD54F", "#83C167", "#FC6255", "#9A72AC" };
#define N_COLOURS (int)(sizeof colours / sizeof colours[0])

typedef struct scatter {
    const float *predicted, *truth;
    int n, n_output;
    double lo, hi;              /* both axes' range */
} scatter;

static double to_px(const scatter *s, double v, int vertical)
{
    double t = (v - s->lo) / (s->hi - s->lo), span = SIZE - 2 * MARGIN;

    return vertical ? SIZE - MARGIN - t * span : MARGIN + t * span;
}

/* The range of every value drawn, widened by 5 % (and made non-empty). */
static void find_range(scatter *s)
{
    size_t i, total = (size_t)s->n * s->n_output;
    double pad;

    s->lo = INFINITY;
    s->hi = -INFINITY;
    for (i = 0; i < total; i++) {
        double a = s->truth[i], b = s->predicted[i];
        s->lo = fmin(s->lo, isfinite(b) ? fmin(a, b) : a);
        s->hi = fmax(s->hi, isfinite(b) ? fmax(a, b) : a);
    }
    if (!(s->hi > s->lo)) {
        s->lo = isfinite(s->lo) ? s->lo - 1 : -1;
        s->hi = s->lo + 2;
    }
    pad = 0.05 * (s->hi - s->lo);
    s->lo -= pad;
    s->hi += pad;
}

static void draw_axes(FILE *f, const scatter *s)
{
    int t;

    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\""
            FAINT "\"/>\n", MARGIN, MARGIN, SIZE - 2 * MARGIN, SIZE - 2 * MARGIN);
    for (t = 0; t <= TICKS; t++) {
        double v = s->lo + (s->hi - s->lo) * t / TICKS;
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" fill=\"" INK "\" text-anchor=\"middle\">%.3g"
                "</text>\n", to_px(s, v, 0), SIZE - MARGIN + 18, v);
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" fill=\"" INK "\" text-anchor=\"end\">%.3g</text>\n",
                MARGIN - 6, to_px(s, v, 1) + 4, v);
    }
    fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"" INK "\" text-anchor=\"middle\">true value"
            "</text>\n", SIZE / 2, SIZE - 18);
    fprintf(f, "<text transform=\"translate(18 %d) rotate(-90)\" fill=\"" INK "\" "
            "text-anchor=\"middle\">predicted</text>\n", SIZE / 2);
    fprintf(f, "<text x=\"16\" y=\"26\" fill=\"" INK "\" font-size=\"16\" font-weight=\"bold\">"
            "predicted against true, test set</text>\n");
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" INK "\" "
            "stroke-dasharray=\"6 4\" stroke-opacity=\"0.6\"><title>y = x</title></line>\n",
            to_px(s, s->lo, 0), to_px(s, s->lo, 1), to_px(s, s->hi, 0), to_px(s, s->hi, 1));
}

static void draw_points(FILE *f, const scatter *s)
{
    int i, k;

    for (k = 0; k < s->n_output; k++) {
        fprintf(f, "<g fill=\"%s\" fill-opacity=\"%.2f\">\n", colours[k % N_COLOURS], POINT_OPACITY);
        for (i = 0; i < s->n; i++) {
            double a = s->truth[(size_t)i * s->n_output + k];
            double b = s->predicted[(size_t)i * s->n_output + k];
            if (isfinite(b))
                fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"/>\n", to_px(s, a, 0),
                        to_px(s, b, 1));
        }
        fputs("</g>\n", f);
        if (s->n_output > 1)
            fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"%s\">output %d</text>\n", MARGIN + 8,
                    MARGIN + 18 + 16 * k, colours[k % N_COLOURS], k);
    }
}

static int draw(FILE *f, const void *ctx)
{
    const scatter *s = ctx;

    netc_svg_open(f, SIZE, SIZE);
    draw_axes(f, s);
    draw_points(f, s);
    return netc_svg_close(f);
}

int netc_svg_scatter(const char *path, const float *predicted, const float *truth, int n,
                     int n_output, netc_error *err)
{
    scatter s;

    s.predicted = predicted;
    s.truth = truth;
    s.n = n;
    s.n_output = n_output;
    find_range(&s);
    return netc_write_atomic(path, draw, &s, err);
}
