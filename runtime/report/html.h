/* report/html.h - the report's index.html (html.c), from what write.c found. */
#ifndef NETC_REPORT_HTML_H
#define NETC_REPORT_HTML_H

#include "report/png.h"
#include "report/report.h"
#include "report/svg.h"

#define NETC_REPORT_MAX_WRONG 32      /* misclassified test samples shown */
#define NETC_REPORT_MAX_MAPS 16       /* conv and pooling layers whose maps are shown */
#define NETC_REPORT_RELOAD_SECONDS "15" /* a page written while training reloads itself */

/* One conv or pooling layer's feature maps for the drawn test sample (maps_NAME.png). */
typedef struct netc_report_maps {
    const char *layer;          /* "conv1" */
    char file[96];              /* "maps_conv1.png" */
    int shape[3];               /* C x H x W */
    int signed_values;          /* some are negative: blue/red, else grey */
    float largest;              /* the largest |value|: white, or full blue/red */
    netc_grid grid;             /* one tile per map */
} netc_report_maps;

/* What index.html shows.  A grid with count 0, or a flag that is 0, is a picture that
 * was not made. */
typedef struct netc_report_page {
    const netc_report_input *in;
    int layers;
    const int *size;            /* neurons per layer, input first */
    const netc_drawn_layer *drawn;  /* [layers]: names, kinds, C x H x W; NULL: a
                                 * hand-written model without a layer table */
    int image_h, image_w;       /* 0: the input is not an image */
    int has_curves, has_confusion, has_network;
    const char *dir;            /* the report's directory */
    int has_web;                /* dir/web/NAME.html, netc --emit web's page, is there */
    netc_grid weights;          /* weights.png: one tile per first-layer neuron */
    netc_grid filters;          /* filters.png: the first conv layer's, one tile per
                                 * filter and input channel */
    const char *filters_layer;  /* its name */
    int filter_kernel[2], filter_channels, filter_count;
    int n_maps;                 /* maps_*.png, the drawn sample's feature maps */
    netc_report_maps maps[NETC_REPORT_MAX_MAPS];
    double test_acc, test_loss; /* of these weights on the test set; NAN without one */
    int has_scatter;            /* scatter.svg: a regression network's test predictions */
    netc_fit test_fit;          /* a regression network's MAE, RMSE, R² on the test set */
    int sample, sample_label, sample_predicted;     /* drawn in network.svg */
    int n_wrong;                /* misclassified test samples */
    int shown_wrong;            /* the first of them, widest margin first, on the page */
    netc_grid wrong;            /* misclassified.png (image inputs): one tile for each */
    int wrong_index[NETC_REPORT_MAX_WRONG], wrong_label[NETC_REPORT_MAX_WRONG];
    int wrong_predicted[NETC_REPORT_MAX_WRONG];
    float wrong_margin[NETC_REPORT_MAX_WRONG];  /* chosen output - the next highest */
} netc_report_page;

int netc_report_html(const char *path, const netc_report_page *page, netc_error *err);

#endif
