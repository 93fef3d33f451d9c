/* commands/predict_output.h - how predict writes its answers: a sample's class (its name
 * when the .net file names the classes, else its number) or its outputs (--raw), one
 * sample a line; with --csv, CSV rows under a header, the sample's index first. */
#ifndef NETC_COMMANDS_PREDICT_OUTPUT_H
#define NETC_COMMANDS_PREDICT_OUTPUT_H

#include "train/options.h"

/* --csv: "id,class", or (--raw, and a regression network's values) "id,NAME1,NAME2,...": a
 * column per output, named by its class when every output has a name, else output_0, ...
 * (output for one).  Nothing without --csv. */
void netc_predict_header(const netc_model *m, const netc_options *o);
/* Samples first .. first + n - 1 (0-based, in INPUT's order), their outputs in out. */
void netc_predict_rows(const netc_model *m, const netc_options *o, const float *out,
                       int first, int n);

#endif
