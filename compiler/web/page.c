/* page.c - NAME.html: the page (compiler/web/page/, embedded at build time) with all it
 * needs inside it, so that it opens from file:// with nothing fetched: the network's
 * description as JSON, the WebAssembly module, the starting weights and the digits as
 * base64 in <script> elements of their own types, which the browser does not run.
 */
#include "web/web.h"
#include "web/web_internal.h"
#include "infer/weights.h"      /* struct export_weights: data only */

#include <stdlib.h>
#include <string.h>

static const char *const page_html[] = {
#include "web/page.html.inc"
};
static const char *const page_css[] = {
#include "web/page.css.inc"
};
static const char *const page_js[] = {
#include "web/page.js.inc"
};

/* The emitter's context and what this page carries (emit_write_files passes the first
 * member to the printer). */
struct page {
    struct emit e;
    const struct web_data *d;
};

enum { B64_LINE = 76 };

/* bytes as base64, B64_LINE characters a line. */
static void print_base64(struct printer *p, const unsigned char *b, size_t n)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char line[B64_LINE + 1];
    size_t k = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)b[i] << 16 | (i + 1 < n ? (unsigned)b[i + 1] << 8 : 0) |
                     (i + 2 < n ? b[i + 2] : 0);
        line[k++] = digits[v >> 18 & 63];
        line[k++] = digits[v >> 12 & 63];
        line[k++] = i + 1 < n ? digits[v >> 6 & 63] : '=';
        line[k++] = i + 2 < n ? digits[v & 63] : '=';
        if (k == B64_LINE || i + 3 >= n) {
            line[k] = '\0';
            pr_line(p, "%s", line);
            k = 0;
        }
    }
}

static void print_blob(struct printer *p, const char *id, const unsigned char *b, size_t n)
{
    pr_line(p, "<script type=\"application/octet-stream\" id=\"%s\">", id);
    print_base64(p, b, n);
    pr_line(p, "</script>");
}

/* s as a JSON string, with what could end the <script> element escaped too. */
static void json_string(char *out, size_t n, const char *s)
{
    size_t k = 0;
    out[k++] = '"';
    for (; *s && k + 8 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            k += (size_t)snprintf(out + k, n - k, "\\%c", c);
        else if (c < 0x20 || c == '<' || c == '>' || c == '&')
            k += (size_t)snprintf(out + k, n - k, "\\u%04x", c);
        else
            out[k++] = (char)c;
    }
    out[k++] = '"';
    out[k] = '\0';
}

/* Each layer: its kind and shapes (C x H x W), and where its weights are in the param
 * block (W^T[fan_in][units], then bias[units]; -1 for a layer without weights). */
static void print_layers(struct printer *p, const struct network *net)
{
    long long offset = 0;
    pr_line(p, "\"layers\": [");
    for (int l = 0; l < net->nlayers; l++) {
        const struct layer *L = &net->layers[l];
        const int has = layer_has_weights(L);
        long long wt = has ? offset : -1, b = has ? offset + (long long)L->fan_in * L->units : -1;
        offset += layer_param_count(L);
        pr_line(p, "  {\"name\": \"%s\", \"kind\": \"%s\", \"in\": %d, \"out\": %d, "
                "\"in_shape\": [%d, %d, %d], \"out_shape\": [%d, %d, %d], \"units\": %d, "
                "\"fan_in\": %d, \"kernel\": [%d, %d], \"activation\": \"%s\", \"wt\": %lld, "
                "\"b\": %lld}%s", L->name, layer_kind_name(L->kind), L->in, L->out,
                L->in_shape[DIM_C], L->in_shape[DIM_H], L->in_shape[DIM_W], L->out_shape[DIM_C],
                L->out_shape[DIM_H], L->out_shape[DIM_W], L->units, L->fan_in, L->kernel[0],
                L->kernel[1], activation_name(L->act), wt, b, l + 1 < net->nlayers ? "," : "");
    }
    pr_line(p, "],");
}

/* The network and its recipe, for the page's drawing and controls. */
static void print_model(const struct page *pg)
{
    const struct network *net = pg->e.net;
    struct printer *p = pg->e.p;
    char arch[1024], quoted[3][8300];
    emit_architecture(net, arch, sizeof arch);
    json_string(quoted[0], sizeof quoted[0], arch);
    json_string(quoted[1], sizeof quoted[1], pg->d->source);
    /* the weights file's name without its directories: a page is made to be shared */
    const char *weights = pg->d->weights ? pg->d->weights->path : "";
    json_string(quoted[2], sizeof quoted[2], strrchr(weights, '/') ? strrchr(weights, '/') + 1 : weights);
    pr_line(p, "<script type=\"application/json\" id=\"netc-model\">");
    pr_line(p, "{\"name\": \"%s\", \"architecture\": %s, \"input\": %d, \"batch\": %d,",
            net->name, quoted[0], net->input_size, net->batch);
    pr_line(p, "\"params\": %lld,", network_param_count(net));
    print_layers(p, net);
    pr_line(p, "\"loss\": \"%s\", \"optimizer\": \"%s\", \"learning_rate\": %.17g, "
            "\"epochs\": %d, \"seed\": %llu,", loss_name(net->loss),
            optimizer_name(net->opt.kind), net->learning_rate, net->epochs,
            (unsigned long long)net->seed);
    pr_line(p, "\"n_train\": %d, \"n_test\": %d, \"data\": %s, \"weights\": %s}", WEB_N_TRAIN,
            WEB_N_TEST, quoted[1], quoted[2]);
    pr_line(p, "</script>");
}

/* The weights as the trainer's param block (per layer with weights W^T[fan_in][units],
 * then bias[units]), float32 little-endian as wasm reads them; nothing when the page
 * starts from the seed. */
static void print_weights(const struct page *pg)
{
    const struct network *net = pg->e.net;
    const struct export_weights *w = pg->d->weights;
    size_t n = (size_t)network_param_count(net), k = 0;
    unsigned char *b = w ? malloc(n * 4) : NULL;
    for (int l = 0; b && l < net->nlayers; l++) {
        const struct layer *L = &net->layers[l];
        if (!layer_has_weights(L))
            continue;
        for (size_t i = 0; i < (size_t)L->fan_in * L->units; i++, k += 4)
            memcpy(b + k, &w->wt[l][i], 4);
        for (int i = 0; i < L->units; i++, k += 4)
            memcpy(b + k, &w->bias[l][i], 4);
    }
    print_blob(pg->e.p, "netc-weights", b, b ? n * 4 : 0);
    free(b);
}

static void emit_page(const struct emit *e)
{
    const struct page *pg = (const struct page *)e;
    const struct web_data *d = pg->d;
    struct printer *p = e->p;
    pr_line(p, "<!DOCTYPE html>");
    pr_line(p, "<!--");
    emit_provenance(e, ".html", "the network in a browser: draw, see, train (docs/web.md)");
    pr_line(p, "-->");
    pr_line(p, "<html lang=\"en\">");
    pr_line(p, "<head>");
    pr_line(p, "<meta charset=\"utf-8\">");
    pr_line(p, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    pr_line(p, "<title>%s - netc</title>", e->name);
    pr_line(p, "<style>");
    pr_lines(p, page_css, sizeof page_css / sizeof page_css[0]);
    pr_line(p, "</style>");
    pr_line(p, "</head>");
    pr_line(p, "<body>");
    pr_lines(p, page_html, sizeof page_html / sizeof page_html[0]);
    print_model(pg);
    print_blob(p, "netc-wasm", d->wasm, d->wasm_size);
    print_blob(p, "netc-wasm-relaxed", d->relaxed, d->relaxed_size);   /* empty: none */
    print_weights(pg);
    print_blob(p, "netc-train-images", d->train_images.data, (size_t)WEB_N_TRAIN * 784);
    print_blob(p, "netc-train-labels", d->train_labels.data, WEB_N_TRAIN);
    print_blob(p, "netc-test-images", d->test_images.data, (size_t)WEB_N_TEST * 784);
    print_blob(p, "netc-test-labels", d->test_labels.data, WEB_N_TEST);
    pr_line(p, "<script>");
    pr_lines(p, page_js, sizeof page_js / sizeof page_js[0]);
    pr_line(p, "</script>");
    pr_line(p, "</body>");
    pr_line(p, "</html>");
}

int web_write_page(const struct network *net, const struct web_data *d, const char *outdir,
                   const char *command_line, char *errbuf, size_t errlen)
{
    static const struct emit_file files[] = {{".html", emit_page}};
    struct page pg;
    emit_start(&pg.e, net, command_line);
    pg.d = d;
    return emit_write_files(&pg.e, outdir, files, 1, errbuf, errlen);
}
