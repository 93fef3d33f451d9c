/* test_report_page.c - CUnit suite for what the report's pictures and page say (issue 21
 * item 5): the confusion matrix's colours follow the counts, a small network's drawing
 * has no empty space, a network without an image input speaks of samples and lists its
 * mistakes ranked by margin, a page written while training says so, and the progress
 * bar's whole-run ETA.  Files go under one mkdtemp directory, removed by the cleanup. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "netc_runtime.h"
#include "report/html.h"
#include "test_util.h"

/* The fill-opacity of the confusion cell whose <title> is count (-1: none). */
static double cell_opacity_of(const char *svg, long count)
{
    char title[40];
    const char *t, *rect, *op;

    snprintf(title, sizeof title, "><title>%ld</title>", count);
    if (!(t = strstr(svg, title)))
        return -1;
    for (rect = t; rect > svg && strncmp(rect, "<rect", 5) != 0; rect--)
        ;
    op = strstr(rect, "fill-opacity=\"");
    return op && op < t ? atof(op + 14) : -1;
}

/* One mistake and 39 of another in rows of 1000 look apart (they used to be 0.15 and
 * 0.29: both dim), and every count is written in its cell. */
static void test_confusion_colours_follow_counts(void)
{
    long counts[9] = { 960, 1, 39, 3, 990, 7, 0, 12, 988 };
    netc_error err;
    char path[256], *svg;
    size_t len;
    double one, many, three;

    CU_ASSERT_FATAL(netc_svg_confusion(test_path(path, sizeof path, "m.svg"), counts, 3, NULL,
                                       &err) == 0);
    svg = test_read_file(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(svg);
    one = cell_opacity_of(svg, 1);
    three = cell_opacity_of(svg, 3);
    many = cell_opacity_of(svg, 39);
    CU_ASSERT(one > 0 && many > 0);
    CU_ASSERT(many - one >= 0.5);
    CU_ASSERT(one < three && three < many);
    CU_ASSERT(fabs(many - 1.0) < 1e-9);              /* the most mistakes: full red */
    CU_ASSERT(strstr(svg, ">39</text>") != NULL);
    CU_ASSERT(strstr(svg, ">1</text>") != NULL);
    CU_ASSERT(strstr(svg, "log scale up to 39") != NULL);
    free(svg);
}

/* 2 -> 4 -> 1 (samples/xor.net): a drawing as tall as its columns, not 600 pixels with
 * four circles in the middle, and no wider than its columns and labels. */
static void test_small_network_drawing_fits(void)
{
    static const int size[3] = { 2, 4, 1 };
    static const float x[2] = { 0, 1 }, h[4] = { 0.1f, 0.9f, 0.5f, 0.2f }, y[1] = { 0.8f };
    const float *act[3] = { x, h, y }, *w[3] = { NULL, NULL, NULL };
    netc_net_picture pic;
    netc_error err;
    char path[256], *svg;
    size_t len;

    memset(&pic, 0, sizeof pic);
    pic.n_layer = 3;
    pic.size = size;
    pic.act = act;
    pic.w = w;
    pic.label = 1;
    pic.predicted = 1;
    CU_ASSERT_FATAL(netc_svg_network(test_path(path, sizeof path, "n.svg"), &pic, &err) == 0);
    svg = test_read_file(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(svg);
    CU_ASSERT(strstr(svg, "width=\"540\" height=\"240\"") != NULL);
    free(svg);
}

/* A page for a network of 4 CSV inputs: "sample" where an image network says "image",
 * its mistakes as a table ranked by margin, and (while training) the epoch it is at. */
static void test_csv_page(void)
{
    static const int size[3] = { 4, 8, 3 };
    netc_model m;
    netc_metrics mx;
    netc_epoch_metrics row;
    netc_report_input in;
    netc_report_page pg;
    netc_error err;
    char path[256], *html;
    const char *r1, *r2;
    size_t len;

    memset(&m, 0, sizeof m);
    m.name = "iris";
    m.n_input = 4;
    m.n_output = 3;
    memset(&mx, 0, sizeof mx);
    memset(&row, 0, sizeof row);
    row.epoch = 2;
    row.train_acc = row.test_acc = 0.5;
    mx.rows = &row;
    mx.n = 1;
    memset(&in, 0, sizeof in);
    in.model = &m;
    in.metrics = &mx;
    in.epochs = 30;
    in.training = 1;
    memset(&pg, 0, sizeof pg);
    pg.in = &in;
    pg.layers = 3;
    pg.size = size;
    pg.has_network = 1;
    pg.test_acc = pg.test_loss = NAN;
    pg.n_wrong = 7;
    pg.shown_wrong = 2;
    pg.wrong_index[0] = 12, pg.wrong_label[0] = 2, pg.wrong_predicted[0] = 1;
    pg.wrong_margin[0] = 0.75f;
    pg.wrong_index[1] = 3, pg.wrong_label[1] = 0, pg.wrong_predicted[1] = 2;
    pg.wrong_margin[1] = 0.25f;
    CU_ASSERT_FATAL(netc_report_html(test_path(path, sizeof path, "index.html"), &pg, &err) == 0);
    html = test_read_file(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(html);
    CU_ASSERT(strstr(html, "One test sample through the network") != NULL);
    CU_ASSERT(strstr(html, "test image") == NULL);
    CU_ASSERT(strstr(html, "The 2 of the 7 misclassified test samples") != NULL);
    CU_ASSERT(strstr(html, "margin") != NULL);
    r1 = strstr(html, "<tr><td>1</td><td>#12</td><td>2</td><td class=\"red\">1</td>"
                "<td>0.750</td></tr>");
    r2 = strstr(html, "<tr><td>2</td><td>#3</td><td>0</td><td class=\"red\">2</td>"
                "<td>0.250</td></tr>");
    CU_ASSERT(r1 != NULL && r2 != NULL && r1 < r2);
    CU_ASSERT(strstr(html, "class=\"tile\"") == NULL);
    CU_ASSERT(strstr(html, "after epoch 2 of 30: training goes on") != NULL);
    CU_ASSERT(strstr(html, "<meta http-equiv=\"refresh\"") != NULL);
    free(html);
    in.training = 0;        /* the finished run's page: no reloading */
    CU_ASSERT_FATAL(netc_report_html(path, &pg, &err) == 0);
    html = test_read_file(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(html);
    CU_ASSERT(strstr(html, "refresh") == NULL);
    CU_ASSERT(strstr(html, "training goes on") == NULL);
    free(html);
}

/* The bar: the epoch's ETA and the whole run's, the later epochs as long as the last
 * whole one (or, in the first, as its training at the rate so far). */
static void test_progress_run_eta(void)
{
    netc_progress p;
    char line[256];

    netc_progress_init(&p, 0);
    netc_progress_begin(&p, 1, 5, 1000);
    netc_progress_step(&p, 500, 0.25);
    netc_progress_format(&p, 2.0, line, sizeof line);
    /* 2 s left of this epoch, then 3 epochs of 1000 / 250 = 4 s */
    CU_ASSERT_STRING_EQUAL(line, "epoch 2/5 [====>   ]  50%  250 samples/s  ETA 0:02 run 0:14  "
                           "loss 0.250000");
    p.last_epoch_s = 1250;  /* evaluation and report included: 3 x 1250 s + 2 s */
    netc_progress_format(&p, 2.0, line, sizeof line);
    CU_ASSERT(strstr(line, "ETA 0:02 run 1:02:32  loss") != NULL);
    p.epoch = 29, p.epochs = 30, p.done = 520, p.total = 1000, p.last_epoch_s = 0;
    netc_progress_format(&p, 0.00064, line, sizeof line);   /* 812500 samples/s */
    CU_ASSERT(strlen(line) <= 80);
}

void report_page_register(void)
{
    CU_pSuite s = CU_add_suite("report_page", test_scratch_init, test_scratch_cleanup);

    CU_add_test(s, "confusion_colours_follow_counts", test_confusion_colours_follow_counts);
    CU_add_test(s, "small_network_drawing_fits", test_small_network_drawing_fits);
    CU_add_test(s, "csv_page", test_csv_page);
    CU_add_test(s, "progress_run_eta", test_progress_run_eta);
}
