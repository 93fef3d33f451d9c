/* report/layers.h - the network's layers as the report draws them (layers.c). */
#ifndef NETC_REPORT_LAYERS_H
#define NETC_REPORT_LAYERS_H

#include "io/error.h"
#include "netc_model.h"
#include "report/svg.h"

#define NETC_REPORT_MAX_LAYERS 65       /* the input and the compiler's 64 layers */
#define NETC_REPORT_MAX_DRAWN 16        /* layers network.svg can draw (svg.c) */

/* The input (0), then every layer. */
typedef struct netc_report_layers {
    int n;
    int size[NETC_REPORT_MAX_LAYERS];       /* C x H x W of each one's output */
    float *weight[NETC_REPORT_MAX_LAYERS];  /* [units][fan_in] in file order (NULL: none):
                                             * dense [out][in], conv [filters][in x kh x kw] */
    int fan_in[NETC_REPORT_MAX_LAYERS];
    const netc_layer *layer[NETC_REPORT_MAX_LAYERS];    /* NULL: the input, or no table */
    netc_drawn_layer drawn[NETC_REPORT_MAX_LAYERS];     /* how network.svg draws each */
} netc_report_layers;

/* The layers of model m with the weights in state. */
int netc_report_layers_read(netc_report_layers *net, const netc_model *m, void *state,
                            netc_error *err);
void netc_report_layers_free(netc_report_layers *net);

#endif
