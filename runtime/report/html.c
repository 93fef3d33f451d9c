/* html.c - the report's index.html: a summary table and every picture, each
 * with a sentence on how to read it.  One self-contained file (inline CSS, no
 * script), relative links only, so it opens from disk with no server. */
#include <math.h>
#include <string.h>

#include "io/atomic.h"
#include "model/class_names.h"
#include "model/schedule.h"
#include "report/html.h"
#include "report/svg.h"

static const char style[] =
    "body{margin:0;background:#0d1117;color:#c9d1d9;font:15px/1.5 Helvetica,Arial,sans-serif}"
    "header{padding:28px 40px 18px;background:linear-gradient(90deg,#1f3a4d,#0d1117)}"
    "h1{margin:0;font-size:30px;color:#fff}h1 span{color:#58C4DD}"
    "header p{margin:4px 0 0;color:#8b949e}"
    "main{padding:10px 40px 40px;max-width:1120px}"
    "section{background:#161b22;border:1px solid #30363d;border-radius:8px;padding:6px 22px "
    "18px;margin:20px 0}"
    "h2{font-size:19px;color:#fff;margin:14px 0 10px}"
    ".how{color:#8b949e}p.how{max-width:820px}"
    ".blue{color:#58C4DD}.red{color:#FC6255}.yellow{color:#FFD54F}"
    "table{border-collapse:collapse}td,th{padding:4px 18px 4px 0;text-align:left;"
    "vertical-align:top}th{color:#8b949e;font-weight:normal}td{color:#fff}"
    ".row{display:flex;flex-wrap:wrap;gap:16px}"
    "img{max-width:100%;border-radius:4px}"
    "img.pixels,.tile{image-rendering:pixelated}"
    ".mistakes{display:flex;flex-wrap:wrap;gap:10px}"
    "figure{margin:0;text-align:center;font-size:13px}"
    ".tile{background-image:url(misclassified.png);background-repeat:no-repeat;"
    "border-radius:3px}"
    "figcaption b{color:#fff}figcaption b.bad{color:#FC6255}figcaption span{color:#8b949e}"
    "a{color:#58C4DD}";

static const char *loss_name(enum netc_loss loss)
{
    static const char *const words[] = { NETC_LOSSES(NETC_WORD, ) };

    return (unsigned)loss < sizeof words / sizeof *words ? words[loss] : "?";
}

/* 13002 as "13,002". */
static void put_count(FILE *f, unsigned long long n)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%llu", n), i;

    for (i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            fputc(',', f);
        fputc(digits[i], f);
    }
}

static void row_text(FILE *f, const char *name, const char *value)
{
    fprintf(f, "<tr><th>%s</th><td>", name);
    netc_xml_text(f, value);
    fputs("</td></tr>\n", f);
}

static void row_count(FILE *f, const char *name, unsigned long long n)
{
    fprintf(f, "<tr><th>%s</th><td>", name);
    put_count(f, n);
    fputs("</td></tr>\n", f);
}

static void row_percent(FILE *f, const char *name, double v, const char *more)
{
    if (!isnan(v))
        fprintf(f, "<tr><th>%s</th><td>%.2f%%%s</td></tr>\n", name, 100 * v, more);
}

/* "6&times;28&times;28", or "120" for a layer of one row and column. */
static void put_shape(FILE *f, const int *shape)
{
    if (shape[1] == 1 && shape[2] == 1)
        fprintf(f, "%d", shape[0]);
    else
        fprintf(f, "%d&times;%d&times;%d", shape[0], shape[1], shape[2]);
}

/* The layers by name and shape: "1&times;28&times;28 &rarr; conv1 6&times;28&times;28 ..." */
static void put_layers(FILE *f, const netc_report_page *pg)
{
    const netc_model *m = pg->in->model;
    int l;

    if (m->n_layer > 0 && m->layers)
        put_shape(f, m->layers[0].in_shape);
    else
        fprintf(f, "%d", pg->size[0]);
    for (l = 1; l < pg->layers; l++) {
        fputs(" &rarr; ", f);
        netc_xml_text(f, pg->drawn[l].name ? pg->drawn[l].name : "");
        fputs(" ", f);
        put_shape(f, pg->drawn[l].shape);
    }
}

static void summary_network(FILE *f, const netc_report_page *pg)
{
    const netc_model *m = pg->in->model;
    int l;

    fprintf(f, "<tr><th>network</th><td>");
    netc_xml_text(f, m->name);
    fputs(" &nbsp;", f);
    if (pg->drawn)
        put_layers(f, pg);
    for (l = 0; !pg->drawn && l < pg->layers; l++)
        fprintf(f, "%s%d", l ? " &rarr; " : "", pg->size[l]);
    if (pg->image_h > 0)
        fprintf(f, " &nbsp;(input: %d&times;%d image)", pg->image_h, pg->image_w);
    fputs("</td></tr>\n", f);
    row_count(f, "parameters", m->n_param);
}

/* Hyper-parameters: the settings of this run; for the report command the ones the log
 * cannot tell (batch, seed) are the .net file's unless given again. */
static void summary_training(FILE *f, const netc_report_page *pg)
{
    const netc_metrics *mx = pg->in->metrics;
    int have_log = mx && mx->n > 0;
    const char *assumed = pg->in->train ? "" : " <span class=\"how\">(.net file or flags)</span>";
    char schedule[96];

    row_text(f, "loss", loss_name(pg->in->model->loss));
    fprintf(f, "<tr><th>learning rate</th><td>%g, schedule %s</td></tr>\n",
            have_log ? mx->rows[0].learning_rate : pg->in->lr,
            netc_schedule_text(pg->in->model, schedule, sizeof schedule));
    fprintf(f, "<tr><th>batch</th><td>%d%s</td></tr>\n", pg->in->batch, assumed);
    fprintf(f, "<tr><th>seed</th><td>%llu%s</td></tr>\n", (unsigned long long)pg->in->seed,
            assumed);
    if (have_log && pg->in->training)
        fprintf(f, "<tr><th>epochs</th><td>%d of %d <span class=\"yellow\">(still training: "
                "this page is written again after every epoch, and reloads itself)</span>"
                "</td></tr>\n", mx->rows[mx->n - 1].epoch, pg->in->epochs);
    else if (have_log)
        fprintf(f, "<tr><th>epochs</th><td>%d</td></tr>\n", mx->rows[mx->n - 1].epoch);
    if (pg->in->train)
        row_count(f, "training samples", (unsigned long long)pg->in->train->n);
    if (have_log && !isnan(mx->rows[mx->n - 1].elapsed_s))
        fprintf(f, "<tr><th>training time</th><td>%.1f s (%.0f samples/s in the last epoch)"
                "</td></tr>\n", mx->rows[mx->n - 1].elapsed_s, mx->rows[mx->n - 1].samples_per_s);
}

/* A regression network's figures in place of the accuracy. */
static void summary_fit(FILE *f, const netc_fit *fit, const char *more)
{
    fprintf(f, "<tr><th>test mean absolute error</th><td>%.4g%s</td></tr>\n"
            "<tr><th>test RMSE</th><td>%.4g</td></tr>\n"
            "<tr><th>test R&sup2;</th><td>%.4f</td></tr>\n", fit->mae, more, fit->rmse, fit->r2);
}

static void summary_results(FILE *f, const netc_report_page *pg)
{
    const netc_metrics *mx = pg->in->metrics;
    char more[96];

    if (pg->in->test && pg->in->test->n > 0)
        row_count(f, "test samples", (unsigned long long)pg->in->test->n);
    snprintf(more, sizeof more, " &nbsp;(test loss %.6f)", pg->test_loss);
    if (pg->has_scatter)
        summary_fit(f, &pg->test_fit, more);
    else
        row_percent(f, "test accuracy", pg->test_acc, more);
    if (mx && mx->n > 0 && !pg->has_scatter)
        row_percent(f, "training accuracy", mx->rows[mx->n - 1].train_acc,
                    " &nbsp;(end of the last epoch)");
    if (pg->in->weights_path)
        row_text(f, "weights", pg->in->weights_path);
    fprintf(f, "<tr><th>generated by</th><td>netc %s", pg->in->model->netc_version ?
            pg->in->model->netc_version : "");
    if (pg->in->model->source_hash)
        fprintf(f, ", source hash %s", pg->in->model->source_hash);
    fputs("</td></tr>\n", f);
}

static void section_summary(FILE *f, const netc_report_page *pg)
{
    fputs("<section><h2>Summary</h2><table>\n", f);
    summary_network(f, pg);
    summary_training(f, pg);
    summary_results(f, pg);
    fputs("</table></section>\n", f);
}

static void section_curves(FILE *f, const netc_report_page *pg)
{
    int regression = pg->in->metrics && pg->in->metrics->regression;

    fputs("<section><h2>Learning curves</h2>\n", f);
    if (!pg->has_curves) {
        fputs("<p class=\"how\">No training log: train with <code>--log FILE</code> or "
              "<code>--report DIR</code>, or pass <code>--log FILE</code> to the report "
              "command.</p></section>\n", f);
        return;
    }
    fprintf(f, "<p class=\"how\">The cost falling as gradient descent runs, epoch by epoch: "
            "<span class=\"blue\">training</span> loss is the mean over the epoch's "
            "mini-batches, <span class=\"blue\">training</span> %s that of the end-of-epoch "
            "weights on the training set; <span class=\"yellow\">test</span> figures are on "
            "data the network never trains on. The numbers: <a href=\"metrics.csv\">"
            "metrics.csv</a>.</p>\n<div class=\"row\"><img src=\"loss.svg\" alt=\"loss per "
            "epoch\">", regression ? "mean absolute error" : "accuracy");
    if (regression)                                         /* error.svg: regression's */
        fputs("<img src=\"error.svg\" alt=\"mean absolute error per epoch\"></div></section>\n", f);
    else
        fputs("<img src=\"accuracy.svg\" alt=\"accuracy per epoch\"></div></section>\n", f);
}

static void section_weights(FILE *f, const netc_report_page *pg)
{
    if (pg->weights.count == 0)
        return;
    fprintf(f, "<section><h2>What the first-layer neurons look for</h2>\n"
            "<p class=\"how\">Each tile is one of the %d neurons of layer 1: its %d weights laid "
            "out like the %d&times;%d input image, <span class=\"blue\">blue</span> positive, "
            "<span class=\"red\">red</span> negative, black near zero (each tile scaled by its "
            "own largest weight). The neuron is most excited by an image that is bright where "
            "its tile is blue and dark where it is red.</p>\n"
            "<img class=\"pixels\" src=\"weights.png\" width=\"%d\" height=\"%d\" "
            "alt=\"first-layer weights\"></section>\n", pg->weights.count, pg->size[0],
            pg->image_h, pg->image_w, netc_grid_width(&pg->weights),
            netc_grid_height(&pg->weights));
}

/* The first conv layer's filters (filters.png). */
static void section_filters(FILE *f, const netc_report_page *pg)
{
    if (pg->filters.count == 0)
        return;
    fputs("<section><h2>What the first convolution's filters look for</h2>\n<p class=\"how\">"
          "Each tile is one ", f);
    if (pg->filter_channels > 1)
        fprintf(f, "input channel of one of the %d filters of ", pg->filter_count);
    else
        fprintf(f, "of the %d filters of ", pg->filter_count);
    netc_xml_text(f, pg->filters_layer);
    fprintf(f, ": its %d&times;%d weights, <span class=\"blue\">blue</span> positive, "
            "<span class=\"red\">red</span> negative, black near zero (each filter scaled by "
            "its own largest weight%s). The filter slides over the whole image: its feature "
            "map is bright wherever the patch under it is bright where the tile is blue and "
            "dark where it is red &mdash; an edge, a stroke's end, a corner.",
            pg->filter_kernel[0], pg->filter_kernel[1],
            pg->filter_channels > 1 ? ", over all its channels; one row per filter, one "
            "column per input channel" : "");
    if (pg->filter_channels > 8)
        fprintf(f, " The first 8 of its %d input channels are shown.", pg->filter_channels);
    fprintf(f, "</p>\n<img class=\"pixels\" src=\"filters.png\" width=\"%d\" height=\"%d\" "
            "alt=\"first conv layer's filters\"></section>\n", netc_grid_width(&pg->filters),
            netc_grid_height(&pg->filters));
}

/* One test image's feature maps after each conv and pooling layer (maps_*.png). */
/* Class k as the page shows it: its name (the .net file's classes), else its number. */
static void class_text(FILE *f, const netc_report_page *pg, int k)
{
    char number[16];

    netc_xml_text(f, netc_class_label(pg->in->model, k, number, sizeof number));
}

/* " (label K)" for the drawn sample, when the test set has labels. */
static void sample_label(FILE *f, const netc_report_page *pg)
{
    if (pg->sample_label < 0)
        return;
    fputs(" (label ", f);
    class_text(f, pg, pg->sample_label);
    fputc(')', f);
}

static void section_maps(FILE *f, const netc_report_page *pg)
{
    int i;

    if (pg->n_maps == 0)
        return;
    fprintf(f, "<section><h2>One test image through the convolutions</h2>\n<p class=\"how\">"
            "Test sample #%d", pg->sample);
    sample_label(f, pg);
    fputs(" as each conv and pooling layer passes it on: one tile per feature map (channel), "
          "white where it is large, black at zero, every map of a layer on the layer's "
          "scale (<span class=\"blue\">blue</span> and <span class=\"red\">red</span> for "
          "positive and negative when a layer has negative values). Pooling keeps each map's "
          "strongest (max) or mean (average) response per window at a lower resolution.</p>\n",
          f);
    for (i = 0; i < pg->n_maps; i++) {
        const netc_report_maps *mp = &pg->maps[i];
        fputs("<figure style=\"text-align:left;margin:10px 0\"><figcaption><b>", f);
        netc_xml_text(f, mp->layer);
        fprintf(f, "</b> <span>%d maps of %d&times;%d, largest %.3g</span></figcaption>"
                "<img class=\"pixels\" src=\"", mp->shape[0], mp->shape[1], mp->shape[2],
                mp->largest);
        netc_xml_text(f, mp->file);
        fprintf(f, "\" width=\"%d\" height=\"%d\" alt=\"feature maps of ",
                netc_grid_width(&mp->grid), netc_grid_height(&mp->grid));
        netc_xml_text(f, mp->layer);
        fputs("\"></figure>\n", f);
    }
    fputs("</section>\n", f);
}

static void section_network(FILE *f, const netc_report_page *pg)
{
    if (!pg->has_network)
        return;
    fprintf(f, "<section><h2>One test %s through the network</h2>\n"
            "<p class=\"how\">Test sample #%d", pg->image_h > 0 ? "image" : "sample", pg->sample);
    sample_label(f, pg);
    fputs(", predicted <b class=\"yellow\">", f);
    class_text(f, pg, pg->sample_predicted);
    fprintf(f, "</b>. Neurons are circles whose brightness "
            "is their activation; lines are weights, <span class=\"blue\">blue</span> positive "
            "and <span class=\"red\">red</span> negative, stronger ones more opaque: as in "
            "3Blue1Brown's videos, each layer's pattern of activations determines the "
            "next.%s</p>\n<img src=\"network.svg\" alt=\"the network's "
            "activations\"></section>\n", pg->n_maps || pg->filters.count ?
            " Conv and pooling layers are stacks of feature maps (channels &times; height "
            "&times; width; their pictures are below); dropout, dashed, acts only while "
            "training and passes every activation on here." : "");
}

/* A regression network's answer to the confusion matrix: predictions against truth. */
static void section_scatter(FILE *f, const netc_report_page *pg)
{
    fprintf(f, "<section><h2>Predicted against true</h2>\n<p class=\"how\">Every test "
            "sample at its true value (across) and the network's prediction (up)%s: a perfect "
            "network puts every point on the dashed line. Mean absolute error %.4g, RMSE "
            "%.4g, R&sup2; %.4f.</p>\n<img src=\"scatter.svg\" alt=\"predicted against true\">"
            "</section>\n", pg->in->model->n_output > 1 ? ", one colour per output" : "",
            pg->test_fit.mae, pg->test_fit.rmse, pg->test_fit.r2);
}

static void section_confusion(FILE *f, const netc_report_page *pg)
{
    if (pg->has_scatter) {
        section_scatter(f, pg);
        return;
    }
    if (!pg->has_confusion) {
        fputs("<section><h2>Test set</h2><p class=\"how\">No labelled test data, so no "
              "confusion matrix, mistakes or sample drawing: pass <code>--data DIR</code>, "
              "<code>--test-images</code> and <code>--test-labels</code>, or "
              "<code>--test-csv</code>.</p></section>\n", f);
        return;
    }
    fputs("<section><h2>Confusion matrix</h2>\n<p class=\"how\">Every test sample counted "
          "by its true class (row) and the class the network chose (column): the "
          "<span class=\"blue\">diagonal</span> is right, everything else "
          "<span class=\"red\">wrong</span>. Hover over a cell for its count.</p>\n"
          "<img src=\"confusion.svg\" alt=\"confusion matrix\"></section>\n", f);
}

/* The mistakes as numbered tiles of misclassified.png, each with its caption. */
static void mistake_tiles(FILE *f, const netc_report_page *pg)
{
    int i, x, y;

    fputs("<div class=\"mistakes\">\n", f);
    for (i = 0; i < pg->shown_wrong; i++) {
        netc_grid_origin(&pg->wrong, i, &x, &y);
        fprintf(f, "<figure><div class=\"tile\" style=\"width:%dpx;height:%dpx;"
                "background-position:-%dpx -%dpx\"></div><figcaption><span>%d.</span> <b>",
                pg->wrong.tile_w, pg->wrong.tile_h, x, y, i + 1);
        class_text(f, pg, pg->wrong_label[i]);
        fputs("</b> &rarr; <b class=\"bad\">", f);
        class_text(f, pg, pg->wrong_predicted[i]);
        fprintf(f, "</b><br><span>%.3f &middot; #%d</span></figcaption></figure>\n",
                pg->wrong_margin[i], pg->wrong_index[i]);
    }
    fputs("</div>\n<p class=\"how\">All of them in one picture, in the same order (left to "
          "right, top to bottom): <a href=\"misclassified.png\">misclassified.png</a>.</p>\n", f);
}

/* The mistakes of a network without an image input, as a table. */
static void mistake_table(FILE *f, const netc_report_page *pg)
{
    int i;

    fputs("<table>\n<tr><th>rank</th><th>test sample</th><th>true class</th>"
          "<th>answer</th><th>margin</th></tr>\n", f);
    for (i = 0; i < pg->shown_wrong; i++) {
        fprintf(f, "<tr><td>%d</td><td>#%d</td><td>", i + 1, pg->wrong_index[i]);
        class_text(f, pg, pg->wrong_label[i]);
        fputs("</td><td class=\"red\">", f);
        class_text(f, pg, pg->wrong_predicted[i]);
        fprintf(f, "</td><td>%.3f</td></tr>\n", pg->wrong_margin[i]);
    }
    fputs("</table>\n", f);
}

static void section_mistakes(FILE *f, const netc_report_page *pg)
{
    const char *what = pg->image_h > 0 ? "image" : "sample";

    if (pg->shown_wrong == 0)
        return;
    fprintf(f, "<section><h2>Most confidently misclassified</h2>\n<p class=\"how\">The %d of "
            "the %d misclassified test %ss on which the network was surest of its wrong "
            "answer, ranked by the <b>margin</b>: its chosen output minus the next highest "
            "(for a single output p, |2p &minus; 1|), which still separates them when "
            "saturated outputs all read 1.00.%s</p>\n", pg->shown_wrong, pg->n_wrong, what,
            pg->wrong.count ? " Each tile: its rank, the true label &rarr; the network's "
            "answer, then the margin and the test sample's number." : "");
    if (pg->wrong.count)
        mistake_tiles(f, pg);
    else
        mistake_table(f, pg);
    fputs("</section>\n", f);
}

/* netc --emit web's page (28 x 28 images, ten classes): the link, or how to make it. */
static void section_web(FILE *f, const netc_report_page *pg)
{
    const netc_model *m = pg->in->model;

    if (pg->image_h != 28 || pg->image_w != 28 || m->n_output != 10)
        return;
    fputs("<section><h2>In a browser</h2>\n<p class=\"how\">Draw a digit and watch these "
          "weights classify it, or train them further, in one page that opens from the file "
          "system (the trainer's C compiled to WebAssembly): ", f);
    if (pg->has_web) {
        fputs("<a href=\"web/", f);
        netc_xml_text(f, m->name);
        fputs(".html\">web/", f);
        netc_xml_text(f, m->name);
        fputs(".html</a>.</p></section>\n", f);
        return;
    }
    fputs("make it with</p>\n<pre>netc --emit web --weights ", f);
    netc_xml_text(f, pg->in->weights_path ? pg->in->weights_path : "WEIGHTS");
    fputs(" ", f);
    netc_xml_text(f, m->name);
    fputs(".net -o ", f);
    netc_xml_text(f, pg->dir);
    fputs("/web</pre>\n<p class=\"how\">and this report, written again, links it.</p>"
          "</section>\n", f);
}

static int write_page(FILE *f, const void *ctx)
{
    const netc_report_page *pg = ctx;

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
    netc_xml_text(f, pg->in->model->name);
    fprintf(f, " &middot; netc report</title>\n%s<style>%s</style>\n</head>\n<body>\n"
            "<header><h1><span>", pg->in->training ? "<meta http-equiv=\"refresh\" "
            "content=\"" NETC_REPORT_RELOAD_SECONDS "\">\n" : "", style);
    netc_xml_text(f, pg->in->model->name);
    fputs("</span> &middot; what the network learned</h1><p>a report by the netc trainer", f);
    if (pg->in->training && pg->in->metrics && pg->in->metrics->n > 0)
        fprintf(f, ", after epoch %d of %d: training goes on",
                pg->in->metrics->rows[pg->in->metrics->n - 1].epoch, pg->in->epochs);
    fputs("</p></header>\n<main>\n", f);
    section_summary(f, pg);
    section_curves(f, pg);
    section_weights(f, pg);
    section_filters(f, pg);
    section_network(f, pg);
    section_maps(f, pg);
    section_confusion(f, pg);
    section_mistakes(f, pg);
    section_web(f, pg);
    fputs("</main>\n</body>\n</html>\n", f);
    return ferror(f) ? -1 : 0;
}

int netc_report_html(const char *path, const netc_report_page *pg, netc_error *err)
{
    return netc_write_atomic(path, write_page, pg, err);
}
