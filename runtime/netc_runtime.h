/* netc_runtime.h - the runtime library that generated trainers link (libnetcrt.a): every
 * module's header, for programs that use the runtime as a library (the tests, netc's own
 * --emit infer).  The runtime's own files include the headers they need by folder.
 *
 * Folders, bottom up; each calls only the ones below it:
 *   io/        files <-> memory: errors without globals, atomic writes, IDX and CSV
 *              readers, data sets and input scaling, JSON, safetensors, weights, the
 *              per-epoch log
 *   model/     the model in memory: its state, threads sharing its work (pool, engine),
 *              random numbers, the learning-rate schedule, the class of an output
 *   report/    the report directory: index.html, SVG drawings, PNG pictures
 *   train/     a training run: options, data, batches, evaluation, the loop, the guard
 *              against divergence, signals, checkpoints, the live bar
 *   commands/  netc_trainer_main: the command line and one file per command
 *   mpi/       netc_mpi_main (compiled into trainers built with `netc build --mpi`)
 * netc_model.h, beside this file, is how a generated model describes itself.
 *
 * Conventions (io/error.h): functions that can fail return 0 on success and -1 on
 * failure, after filling `err` with "FILE: PLACE: what was expected, what was found"
 * and, where it helps, a second line "hint: ...".  Objects are owned by the caller and
 * released with the matching _free function (which accepts a zeroed object).
 */
#ifndef NETC_RUNTIME_H
#define NETC_RUNTIME_H

#include "netc_model.h"

#include "io/atomic.h"
#include "io/csv.h"
#include "io/dataset.h"
#include "io/error.h"
#include "io/idx.h"
#include "io/json.h"
#include "io/metrics_log.h"
#include "io/safetensors.h"
#include "io/weights.h"

#include "model/classify.h"
#include "model/engine.h"
#include "model/pool.h"
#include "model/rng.h"
#include "model/schedule.h"
#include "model/state.h"

#include "report/png.h"
#include "report/report.h"
#include "report/svg.h"

#include "train/batch.h"
#include "train/checkpoint.h"
#include "train/comm.h"
#include "train/data.h"
#include "train/evaluate.h"
#include "train/options.h"
#include "train/progress.h"
#include "train/train.h"

#include "commands/commands.h"

#endif
