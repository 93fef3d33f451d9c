/* train/outputs.h - the files a training run writes, checked before any work: no two of
 * them, and none of them and an input, the same file; every one's directory there and
 * writable; no unfinished run's checkpoint replaced by a fresh run.
 *
 * Same conventions as io/error.h: 0 on success, -1 with a message in err. */
#ifndef NETC_TRAIN_OUTPUTS_H
#define NETC_TRAIN_OUTPUTS_H

#include "train/options.h"

/* Where the run's checkpoints go: --checkpoint, else the checkpoint resumed from, else
 * the --save file with ".ckpt" for its ".safetensors" (or added).  Malloc'd; NULL when
 * out of memory. */
char *netc_checkpoint_path(const netc_options *o);

/* path made absolute (symbolic links resolved where it exists, else in its directory);
 * malloc'd, NULL when out of memory. */
char *netc_absolute_path(const char *path);

/* A usage error when two of the outputs (--save, the checkpoint, --log), or an output
 * and an input (the data files, --init-weights, --resume), are the same file; or when
 * the checkpoint to be written holds another, unfinished run (or is not a checkpoint)
 * and --overwrite was not given. */
int netc_check_outputs(const netc_options *o, netc_error *err);

/* A usage error when --report DIR (train) or -o DIR (report) is not a directory, or is
 * one of the run's files (train: ckpt its checkpoint; report: ckpt NULL, the files it
 * reads), or holds one of them under a name the report writes (index.html, loss.svg...). */
int netc_check_report(const netc_options *o, const char *ckpt, netc_error *err);

/* Fails, naming the file and why, when an output cannot be written: its directory
 * missing or not writable, or the path a directory or device. */
int netc_check_writable(const netc_options *o, netc_error *err);

#endif
