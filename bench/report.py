"""report.py - the `make bench` table: reads the raw `key value` outputs that bench/run.sh
collected (and the MPI runs' `train --log` CSV files) and writes a Markdown table, the
Scaling table and a JSON file for tracking.

    python3 bench/report.py RAW_DIR OUT.md OUT.json
"""
import csv
import glob
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netspec  # noqa: E402

TOOLS = [("netc", "netc"), ("torch", "PyTorch"), ("fann", "FANN")]
THREADS = [1, 2]
MEASURES = ["train_samples_per_s", "infer_batched_samples_per_s", "infer_single_samples_per_s"]
# The same per second of the process's processor time (the trainer's bench command and
# peer_torch.py print both): what the work costs on a shared machine.
CPU_MEASURES = ["train_cpu_samples_per_s", "infer_batched_cpu_samples_per_s",
                "infer_single_cpu_samples_per_s"]
RANKS = [1, 2]
MPI_TOOL, MPI_NAME = "netc_mpi", "netc MPI (train)"


def read_kv(path):
    """`key value...` lines into a dict of strings; {} if the file is missing."""
    if not os.path.exists(path):
        return {}
    out = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition(" ")
            if key:
                out[key] = value
    return out


def number(kv, key):
    return float(kv[key]) if key in kv else None


def peak(raw):
    """Best FMA GFLOP/s per thread count over the run's measurements (fma-*.txt), and
    ("cpu") one core's per second of processor time."""
    runs = [read_kv(f) for f in sorted(glob.glob(os.path.join(raw, "fma-*.txt")))]
    best = {1: 0.0, 2: 0.0, "cpu": 0.0}
    for r in runs:
        for t, key in ((1, "fma_gflops_1thread"), (2, "fma_gflops_2threads"),
                       ("cpu", "fma_gflops_per_cpu_second")):
            best[t] = max(best[t], float(r.get(key, 0)))
    return best, int(runs[0].get("fma_vector_bits", 0))


def make_row(raw, net, spec, tool, threads, peaks):
    kv = read_kv(os.path.join(raw, "%s-%s-%d.txt" % (tool, net, threads)))
    row = {"network": net, "threads": threads, "tool": tool,
           "status": kv.get("status", "ok" if kv else "n/a (not run)")}
    if row["status"] != "ok":
        return row
    batch = int(kv.get("batch", spec["batch"]))
    flops = netspec.training_flops(spec, batch)
    for m in MEASURES + CPU_MEASURES:
        if m + "_median" in kv:
            row[m] = {s: number(kv, m + "_" + s) for s in ("median", "min", "max")}
    row["train_samples_per_s"]["epochs"] = [float(v) for v in
                                            kv["train_samples_per_s_epochs"].split()]
    for key in ("train_samples", "epochs", "warmup_epochs", "batch", "infer_samples",
                "infer_single_samples"):
        if key in kv:
            row[key] = int(kv[key])
    for key in ("train_loss", "test_accuracy"):
        if key in kv:
            row[key] = float(kv[key])
    row["library"] = kv.get("library", "netc")
    row["flop_per_sample"] = flops
    row["gflops"] = row["train_samples_per_s"]["median"] * flops * 1e-9
    row["peak_fraction"] = row["gflops"] / peaks[threads] if peaks[threads] else None
    if CPU_MEASURES[0] in row and peaks["cpu"]:
        # per processor second: against one core's peak per processor second
        row["cpu_gflops"] = row[CPU_MEASURES[0]]["median"] * flops * 1e-9
        row["peak_fraction"] = row["cpu_gflops"] / peaks["cpu"]
    return row


def make_mpi_row(raw, net, spec, ranks, peaks):
    """netc's `build --mpi` trainer under `mpirun -np RANKS`: mpi-NET-RANKS.txt says how it
    ran, mpi-NET-RANKS.csv is its --log (one row per epoch, the first warm-up ones left
    out).  Threads per rank: 1."""
    base = os.path.join(raw, "mpi-%s-%d" % (net, ranks))
    kv = read_kv(base + ".txt")
    row = {"network": net, "threads": 1, "ranks": ranks, "tool": MPI_TOOL,
           "measured_by": "train --log under mpirun",
           "status": kv.get("status", "n/a (not run)")}
    if row["status"] != "ok":
        return row
    with open(base + ".csv") as f:
        log = list(csv.DictReader(f))
    warmup = int(kv["warmup_epochs"])
    timed = [float(r["samples_per_s"]) for r in log[warmup:] if r["samples_per_s"]]
    if not timed:
        row["status"] = "failed (no timed epoch in %s.csv)" % os.path.basename(base)
        return row
    flops = netspec.training_flops(spec, spec["batch"])
    row["train_samples_per_s"] = {"median": statistics.median(timed), "min": min(timed),
                                  "max": max(timed), "epochs": timed}
    row["train_samples"] = int(kv["train_samples"])
    row["epochs"] = len(timed)
    row["warmup_epochs"] = warmup
    row["batch"] = spec["batch"]
    last = log[-1]
    if last.get("train_loss"):
        row["train_loss"] = float(last["train_loss"])
    if last.get("test_acc"):
        row["test_accuracy"] = float(last["test_acc"])
    row["library"] = "netc, Open MPI"
    row["flop_per_sample"] = flops
    row["gflops"] = row["train_samples_per_s"]["median"] * flops * 1e-9
    row["peak_fraction"] = row["gflops"] / peaks[ranks] if peaks.get(ranks) else None
    return row


def scaling(rows, specs):
    """Per network, netc's speed-up from 1 to 2 threads (`bench --threads`) and from 1 to 2
    MPI ranks (`train` under mpirun); efficiency = rate_2 / (2 × rate_1)."""
    out = {}
    for net in specs:
        entry = {}
        for kind, tool, key, how in (("threads", "netc", "threads", "bench --threads N"),
                                     ("mpi_ranks", MPI_TOOL, "ranks",
                                      "train --log under mpirun -np N")):
            pair = [next((r for r in rows if r["network"] == net and r["tool"] == tool and
                          r.get(key) == n), None) for n in (1, 2)]
            e = {"measured_by": how}
            bad = [r["status"] if r else "n/a (not run)" for r in pair
                   if not r or r["status"] != "ok"]
            if bad:
                e["status"] = bad[0]
            else:
                r1, r2 = (r["train_samples_per_s"]["median"] for r in pair)
                e.update(status="ok", rate_1=r1, rate_2=r2, speedup=r2 / r1,
                         efficiency=r2 / (2 * r1))
            entry[kind] = e
        out[net] = entry
    return out


def add_ratios(rows):
    """netc / peer per measure, for the peers' rows of the same network and threads."""
    netc = {(r["network"], r["threads"]): r for r in rows if r["tool"] == "netc"}
    for r in rows:
        ref = netc.get((r["network"], r["threads"]))
        if r["tool"] == "netc" or r["status"] != "ok" or not ref or ref["status"] != "ok":
            continue
        r["ratio_netc_over_peer"] = {m: ref[m]["median"] / r[m]["median"]
                                     for m in MEASURES + CPU_MEASURES if m in r and m in ref}


def si(x):
    if x >= 1e6:
        return "%.2f M" % (x / 1e6)
    if x >= 1e4:
        return "%.0f k" % (x / 1e3)
    if x >= 1e3:
        return "%.1f k" % (x / 1e3)
    return "%.0f" % x


def ratio_cell(r, m):
    ratio = r.get("ratio_netc_over_peer", {}).get(m)
    return "%.2f×" % ratio if ratio else ""


def markdown_row(r, name, description):
    if r["tool"] == MPI_TOOL:
        head = "| %s | %d rank%s | %s |" % (description, r["ranks"],
                                           "s" if r["ranks"] > 1 else "", name)
    else:
        head = "| %s | %d | %s |" % (description, r["threads"], name)
    if r["status"] != "ok":
        return head + " %s | | | | | | | | | |" % r["status"]
    t = r["train_samples_per_s"]
    cells = ["%s (%s–%s)" % (si(t["median"]), si(t["min"]), si(t["max"])),
             ratio_cell(r, MEASURES[0])]
    batched_missing = ("n/a (`train` only)" if r["tool"] == MPI_TOOL
                       else "n/a (no batched API)")
    for m, missing in ((MEASURES[1], batched_missing), (MEASURES[2], "")):
        cells += [si(r[m]["median"]) if m in r else missing, ratio_cell(r, m)]
    cpu = r.get(CPU_MEASURES[0])
    cells += [si(cpu["median"]) if cpu else "", ratio_cell(r, CPU_MEASURES[0]),
              "%.2f" % r.get("cpu_gflops", r["gflops"]),
              "%.1f %%" % (100 * r["peak_fraction"]) if r["peak_fraction"] else ""]
    return head + " " + " | ".join(cells) + " |"


def settings_note(rows, tool, name):
    """'netc: w1 60000 samples x 5 epochs, ...' from what each run reports."""
    parts = ["%s %d samples × %d (+%d warm-up)" % (r["network"].upper(), r["train_samples"],
                                                   r["epochs"], r["warmup_epochs"])
             for r in rows if r["tool"] == tool and r["threads"] == 1 and
             r.get("ranks", 1) == 1 and r["status"] == "ok"]
    return "%s: %s" % (name, ", ".join(parts)) if parts else None


def scaling_markdown(meta, specs, rows, scale):
    out = ["## Scaling: netc with 2 threads and with 2 MPI ranks", "",
           "| network | parallelism | rate from | 1: training samples/s | 2: training samples/s "
           "| speed-up | efficiency |",
           "|---|---|---|---|---|---|---|"]
    for net, spec in specs.items():
        description = "%s %s" % (net.upper(), netspec.label(spec))
        for kind, label in (("threads", "threads (`--threads N`)"),
                            ("mpi_ranks", "MPI ranks (`mpirun -np N`)")):
            e = scale[net][kind]
            head = "| %s | %s | `%s` |" % (description, label, e["measured_by"].split(" ")[0])
            if e["status"] != "ok":
                out.append(head + " %s | | | |" % e["status"])
                continue
            out.append(head + " %s | %s | %.2f× | %.0f %% |" % (
                si(e["rate_1"]), si(e["rate_2"]), e["speedup"], 100 * e["efficiency"]))
    warmup = next((r["warmup_epochs"] for r in rows
                   if r["tool"] == MPI_TOOL and r["status"] == "ok"), None)
    loads = ", ".join("%s %s" % (n.upper(), meta["load_" + n]) for n in specs
                      if "load_" + n in meta)
    notes = [
        "Speed-up = rate with 2 / rate with 1; efficiency = rate_2 / (2 × rate_1): 100 % is "
        "perfect scaling, 50 % means the second core bought nothing, below 50 % it slowed "
        "training down. Rates are the medians of the main table's rows.",
        "Threads: the trainer's `bench --threads N` (its timed loop: forward_backward + update "
        "on contiguous mini-batches). MPI ranks: the `netc build --mpi` trainer's `train` "
        "under `mpirun -np N --oversubscribe --bind-to none`, 1 thread per rank, samples/s of "
        "its --log per epoch after the warm-up epoch%s; that rate also counts the epoch's "
        "shuffle and gathering each shuffled mini-batch, and the MPI_Allreduce of the "
        "gradients (4 bytes per parameter per step) over shared memory. 1 rank is the same "
        "build under `mpirun -np 1` (no Allreduce). So compare each method's efficiency, not "
        "the two methods' absolute rates." % ("" if warmup is None else "s (%d)" % warmup),
        "This machine has %s: the 2-thread and 2-rank figures need two idle cores and drop "
        "sharply when other jobs run. Load average (1, 5, 15 min) before each network: %s; "
        "at the end %s." % (meta.get("cpu", "?").rsplit(", ", 1)[-1], loads or "?",
                            meta.get("load_end", "?")),
        "%s." % (meta.get("mpi") or "MPI: missing"),
    ]
    note = settings_note(rows, MPI_TOOL, "MPI runs")
    if note:
        notes.append(note)
    out += ["", "Notes:", ""] + ["- " + n for n in notes]
    return "\n".join(out) + "\n"


def markdown(meta, peaks, bits, specs, rows):
    out = ["## netc benchmark: training and inference samples/s on MNIST", "",
           "| network | threads | tool | training samples/s, median (min–max) | netc/peer "
           "| inference, batched | netc/peer | inference, 1 sample per call | netc/peer "
           "| training samples per processor-second | netc/peer "
           "| training GFLOP/s | of FMA peak |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for net, spec in specs.items():
        description = "%s %s" % (net.upper(), netspec.label(spec))
        for threads in THREADS:
            for tool, name in TOOLS:
                r = next(x for x in rows if (x["network"], x["threads"], x["tool"]) ==
                         (net, threads, tool))
                out.append(markdown_row(r, name, description))
                if tool == "netc":      # the MPI build with as many ranks as threads
                    r = next(x for x in rows if (x["network"], x["tool"], x.get("ranks")) ==
                             (net, MPI_TOOL, threads))
                    out.append(markdown_row(r, MPI_NAME, description))
    flops = ", ".join("%s %.4f" % (n.upper(), netspec.training_flops(s, s["batch"])
                                   / 1e6) for n, s in specs.items())
    fann_flops = ", ".join("%s %.4f" % (n.upper(), netspec.training_flops(s, 1) / 1e6)
                           for n, s in specs.items() if not netspec.is_conv(s))
    batches = ", ".join("%s %d" % (n.upper(), s["batch"]) for n, s in specs.items())
    conv = [n.upper() for n, s in specs.items() if netspec.is_conv(s)]
    notes = [
        "FMA peak (bench/fma_peak.c, %d-bit vectors, best of the measurements at the start "
        "and after each network): "
        "%.1f GFLOP/s on 1 thread, %.1f on 2 (wall clock); %.1f per second of a core's "
        "processor time." % (bits, peaks[1], peaks[2], peaks["cpu"]),
        "Samples/s are per second of wall-clock time, side by side in one run; per "
        "processor-second, per second of the process's processor time (all its threads): on "
        "this shared machine the wall clock also counts what other jobs took, the processor "
        "time only what the work cost. Training GFLOP/s and the fraction of the FMA peak are "
        "per processor-second where the tool reports it (netc's bench, PyTorch; against one "
        "core's peak per processor-second, so a 2-thread row says how well each core is used), "
        "else by the wall clock (FANN, MPI: against the wall-clock peak for as many threads).",
        "Training FLOPs per sample = 2 × (forward MACs + weight-gradient MACs + input-gradient "
        "MACs of every layer but the first) + 2 × parameters / batch (the SGD update): "
        "MFLOP %s at the .net batch (netc, PyTorch); FANN, batch 1: %s. A conv layer's "
        "forward MACs are OUT_C × C·KH·KW × OH·OW (its weight and input gradients as many); "
        "pooling and dropout are left out (one comparison, add or multiply per element, as "
        "activations and bias additions are)." % (flops, fann_flops),
        "Batches: %s, SGD with the .net file's learning rate; samples/s of " % batches +
        "training counts the timed epochs only (each epoch's shuffle is done before its clock "
        "starts); inference runs over the 10,000 test images.",
        "PyTorch %s with %s: nn.Linear layers (%s: nn.Conv2d, nn.MaxPool2d, nn.Flatten, "
        "nn.Dropout, on N × 1 × 28 × 28 images; dropout on while training, as netc's), "
        "torch.optim.SGD, softmax + cross-entropy as "
        "nn.CrossEntropyLoss on logits; single-sample inference over the first %s test images."
        % (meta.get("torch", "?"), os.path.basename(os.path.dirname(meta.get("blas", "?/?")))
           or meta.get("blas"), "/".join(conv) or "none", meta.get("infer_samples_peers", "?")),
        "FANN %s (libfloatfann): no mini-batches, so incremental training (one update per "
        "sample, learning rate / batch); no ReLU in 2.2, so W2/W3 hidden layers use "
        "FANN_LINEAR_PIECE (min(max(x, 0), 1), the same cost); no softmax, so the output layer "
        "is sigmoid with the MSE error; no batched inference, no threads; no convolutions "
        "(%s: n/a)."
        % (meta.get("fann", "?"), "/".join(conv) or "none"),
        "Ratios compare medians of the same run. netc's 2-thread rows: `--threads 2`, which "
        "runs parts of less than about a million multiply-adds on one thread (W1's whole step: "
        "10 samples × 13,002 parameters), so W1 runs as with 1 (docs/scaling.md).",
        "netc MPI rows: the `netc build --mpi` trainer's `train` under mpirun with 1 or 2 "
        "ranks of 1 thread (its `bench` runs on rank 0 only); `train`'s samples/s also count "
        "the shuffle and gathering each shuffled mini-batch, so they are below the `bench` "
        "row even with 1 rank. See the Scaling table.",
    ]
    notes += [n for n in (settings_note(rows, t, name) for t, name in TOOLS) if n]
    notes.append("Machine: %s; %s; netc CFLAGS %s; commit %s; %s. Load average (1, 5, 15 min) "
                 "at start %s, at end %s: this machine is shared, timings drift 20–30 %% between "
                 "runs." % (meta.get("cpu"), meta.get("compiler"), meta.get("netc_cflags"),
                            meta.get("commit"), meta.get("date"), meta.get("load_start"),
                            meta.get("load_end")))
    out += ["", "Notes:", ""] + ["- " + n for n in notes]
    if meta.get("quick") == "1":
        out[1:1] = ["", "**BENCH_QUICK=1: a smoke run on small subsets with one timed epoch; "
                    "the figures are not measurements.**"]
    return "\n".join(out) + "\n"


DENSE_TOOL = "netc_dense"


def sparse_rows(raw, specs, peaks):
    """netc's 1-thread row (its first layer skips zero inputs) beside the same trainer
    built with -DNETC_DENSE_INPUT=1 (netc_dense-NET-1.txt), per network."""
    out = {}
    for net, spec in specs.items():
        dense = make_row(raw, net, spec, DENSE_TOOL, 1, peaks)
        entry = {"status": dense["status"]}
        if dense["status"] == "ok":
            entry["dense_input"] = {m: dense[m]["median"] for m in MEASURES + CPU_MEASURES
                                    if m in dense}
        out[net] = entry
    return out


def sparse_markdown(specs, rows, sparse):
    out = ["## Zero inputs skipped: netc's first layer with and without", "",
           "| network | measure | skipping zero inputs (default) | every input "
           "(-DNETC_DENSE_INPUT=1) | skipping / every |", "|---|---|---|---|---|"]
    names = {MEASURES[0]: "training", MEASURES[1]: "inference, batched",
             MEASURES[2]: "inference, 1 sample per call",
             CPU_MEASURES[0]: "training, per processor-second",
             CPU_MEASURES[1]: "inference, batched, per processor-second",
             CPU_MEASURES[2]: "inference, 1 sample per call, per processor-second"}
    for net, spec in specs.items():
        description = "%s %s" % (net.upper(), netspec.label(spec))
        entry = sparse[net]
        r = next(x for x in rows if (x["network"], x["threads"], x["tool"]) ==
                 (net, 1, "netc"))
        if entry["status"] != "ok" or r["status"] != "ok":
            out.append("| %s | | %s | | |" % (description, entry["status"]
                                             if entry["status"] != "ok" else r["status"]))
            continue
        entry["ratio"] = {}
        for m in MEASURES + CPU_MEASURES:
            if m not in r or m not in entry["dense_input"]:
                continue
            ratio = r[m]["median"] / entry["dense_input"][m]
            entry["ratio"][m] = ratio
            out.append("| %s | %s | %s | %s | %.2f× |" % (description, names[m],
                       si(r[m]["median"]), si(entry["dense_input"][m]), ratio))
    out += ["", "Samples/s, medians, 1 thread; both builds run one after the other in the same "
            "run (the default first). The first layer's products leave out the inputs that are "
            "zero (81 % of MNIST's pixels) with the same results bit for bit "
            "(compiler/kernels/sparse.h; docs/internals.md).", ""]
    return "\n".join(out)


def main():
    raw, md_path, json_path = sys.argv[1:4]
    bench_dir = os.path.dirname(os.path.abspath(__file__))
    meta = read_kv(os.path.join(raw, "meta.txt"))
    peaks, bits = peak(raw)
    specs = {n: netspec.parse(os.path.join(bench_dir, n + ".net")) for n in ("w1", "w2", "w3", "w4")}
    rows = [make_row(raw, net, spec, tool, threads, peaks)
            for net, spec in specs.items() for threads in THREADS for tool, _ in TOOLS]
    add_ratios(rows)
    rows += [make_mpi_row(raw, net, spec, ranks, peaks)
             for net, spec in specs.items() for ranks in RANKS]
    scale = scaling(rows, specs)
    sparse = sparse_rows(raw, specs, peaks)
    with open(md_path, "w") as f:
        f.write(markdown(meta, peaks, bits, specs, rows))
        f.write("\n" + scaling_markdown(meta, specs, rows, scale))
        f.write("\n" + sparse_markdown(specs, rows, sparse))
    result = {"meta": meta, "fma_vector_bits": bits,
              "fma_peak_gflops": {str(t): g for t, g in peaks.items()},
              "networks": {n: {"description": netspec.describe(s),
                               "flop_per_sample": netspec.training_flops(s, s["batch"])}
                           for n, s in specs.items()},
              "rows": rows,
              "scaling": scale,
              "zero_inputs_skipped": sparse}
    with open(json_path, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
