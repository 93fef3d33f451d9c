/* commands/predict_input.h - how predict reads a CSV INPUT: the file a user has, with or
 * without a header row and with or without the training files' label column. */
#ifndef NETC_COMMANDS_PREDICT_INPUT_H
#define NETC_COMMANDS_PREDICT_INPUT_H

#include "train/options.h"

/* Fills csv (from o->csv) for predict's INPUT o->input, judged by its first lines:
 *  - header: --header or --no-header as given; else the data block's, except that a
 *    first line of numbers under the data block's `header true` is an error (it would
 *    silently lose a sample and shift every output against its input);
 *  - label: --label-column as given; else rows of one field more than the network's
 *    inputs hold a label, where the data block's label_column says (a note on stderr);
 *    any other width is an error saying what is expected. */
int netc_predict_csv_layout(const netc_model *m, const netc_options *o, netc_csv_options *csv,
                            netc_error *err);

#endif
