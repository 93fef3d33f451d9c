/* report/html.h - the report's index.html (html.c), from what write.c found. */
#ifndef NETC_REPORT_HTML_H
#define NETC_REPORT_HTML_H

#include "report/png.h"
#include "report/report.h"

#define NETC_REPORT_MAX_WRONG 32      /* misclassified test images in the grid */

/* What index.html shows.  A grid with count 0, or a flag that is 0, is a picture that
 * was not made. */
typedef struct netc_report_page {
    const netc_report_input *in;
    int layers;
    const int *size;            /* neurons per layer, input first */
    int image_h, image_w;       /* 0: the input is not an image */
    int has_curves, has_confusion, has_network;
    const char *dir;            /* the report's directory */
    int has_web;                /* dir/web/NAME.html, netc --emit web's page, is there */
    netc_grid weights;          /* weights.png: one tile per first-layer neuron */
    double test_acc, test_loss; /* of these weights on the test set; NAN without one */
    int sample, sample_label, sample_predicted;     /* drawn in network.svg */
    int n_wrong;                /* misclassified test samples */
    netc_grid wrong;            /* misclassified.png: the first wrong.count of them */
    int wrong_index[NETC_REPORT_MAX_WRONG], wrong_label[NETC_REPORT_MAX_WRONG];
    int wrong_predicted[NETC_REPORT_MAX_WRONG];
    float wrong_confidence[NETC_REPORT_MAX_WRONG];
} netc_report_page;

int netc_report_html(const char *path, const netc_report_page *page, netc_error *err);

#endif
