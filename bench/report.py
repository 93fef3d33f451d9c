"""report.py - the `make bench` table: reads the raw `key value` outputs that bench/run.sh
collected and writes a Markdown table and a JSON file for tracking.

    python3 bench/report.py RAW_DIR OUT.md OUT.json
"""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netspec  # noqa: E402

TOOLS = [("netc", "netc"), ("torch", "PyTorch"), ("fann", "FANN")]
THREADS = [1, 2]
MEASURES = ["train_samples_per_s", "infer_batched_samples_per_s", "infer_single_samples_per_s"]


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
    """Best FMA GFLOP/s per thread count over the run's measurements (fma-*.txt)."""
    runs = [read_kv(f) for f in sorted(glob.glob(os.path.join(raw, "fma-*.txt")))]
    best = {1: 0.0, 2: 0.0}
    for r in runs:
        for t, key in ((1, "fma_gflops_1thread"), (2, "fma_gflops_2threads")):
            best[t] = max(best[t], float(r.get(key, 0)))
    return best, int(runs[0].get("fma_vector_bits", 0))


def make_row(raw, net, spec, tool, threads, peaks):
    kv = read_kv(os.path.join(raw, "%s-%s-%d.txt" % (tool, net, threads)))
    row = {"network": net, "threads": threads, "tool": tool,
           "status": kv.get("status", "ok" if kv else "n/a (not run)")}
    if row["status"] != "ok":
        return row
    batch = int(kv.get("batch", spec["batch"]))
    flops = netspec.training_flops(spec["sizes"], batch)
    for m in MEASURES:
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
    return row


def add_ratios(rows):
    """netc / peer per measure, for the peers' rows of the same network and threads."""
    netc = {(r["network"], r["threads"]): r for r in rows if r["tool"] == "netc"}
    for r in rows:
        ref = netc.get((r["network"], r["threads"]))
        if r["tool"] == "netc" or r["status"] != "ok" or not ref or ref["status"] != "ok":
            continue
        r["ratio_netc_over_peer"] = {m: ref[m]["median"] / r[m]["median"]
                                     for m in MEASURES if m in r and m in ref}


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
    head = "| %s | %d | %s |" % (description, r["threads"], name)
    if r["status"] != "ok":
        return head + " %s | | | | | | | |" % r["status"]
    t = r["train_samples_per_s"]
    cells = ["%s (%s–%s)" % (si(t["median"]), si(t["min"]), si(t["max"])),
             ratio_cell(r, MEASURES[0])]
    for m, missing in ((MEASURES[1], "n/a (no batched API)"), (MEASURES[2], "")):
        cells += [si(r[m]["median"]) if m in r else missing, ratio_cell(r, m)]
    cells += ["%.2f" % r["gflops"],
              "%.1f %%" % (100 * r["peak_fraction"]) if r["peak_fraction"] else ""]
    return head + " " + " | ".join(cells) + " |"


def settings_note(rows, tool, name):
    """'netc: w1 60000 samples x 5 epochs, ...' from what each run reports."""
    parts = ["%s %d samples × %d (+%d warm-up)" % (r["network"].upper(), r["train_samples"],
                                                   r["epochs"], r["warmup_epochs"])
             for r in rows if r["tool"] == tool and r["threads"] == 1 and r["status"] == "ok"]
    return "%s: %s" % (name, ", ".join(parts)) if parts else None


def markdown(meta, peaks, bits, specs, rows):
    out = ["## netc benchmark: training and inference samples/s on MNIST", "",
           "| network | threads | tool | training samples/s, median (min–max) | netc/peer "
           "| inference, batched | netc/peer | inference, 1 sample per call | netc/peer "
           "| training GFLOP/s | of FMA peak |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for net, spec in specs.items():
        description = "%s %s" % (net.upper(), "-".join(map(str, spec["sizes"])))
        for threads in THREADS:
            for tool, name in TOOLS:
                r = next(x for x in rows if (x["network"], x["threads"], x["tool"]) ==
                         (net, threads, tool))
                out.append(markdown_row(r, name, description))
    flops = ", ".join("%s %.4f" % (n.upper(), netspec.training_flops(s["sizes"], s["batch"])
                                   / 1e6) for n, s in specs.items())
    fann_flops = ", ".join("%s %.4f" % (n.upper(), netspec.training_flops(s["sizes"], 1) / 1e6)
                           for n, s in specs.items())
    notes = [
        "FMA peak (bench/fma_peak.c, %d-bit vectors, best of the measurements at the start "
        "and after each network): "
        "%.1f GFLOP/s on 1 thread, %.1f on 2." % (bits, peaks[1], peaks[2]),
        "Training FLOPs per sample = 2 × (forward MACs + weight-gradient MACs + input-gradient "
        "MACs of every layer but the first) + 2 × parameters / batch (the SGD update): "
        "MFLOP %s at the .net batch (netc, PyTorch); FANN, batch 1: %s." % (flops, fann_flops),
        "Batches: W1 10, W2 32, W3 128, SGD with the .net file's learning rate; samples/s of "
        "training counts the timed epochs only (each epoch's shuffle is done before its clock "
        "starts); inference runs over the 10,000 test images.",
        "PyTorch %s with %s: nn.Linear layers, torch.optim.SGD, softmax + cross-entropy as "
        "nn.CrossEntropyLoss on logits; single-sample inference over the first %s test images."
        % (meta.get("torch", "?"), os.path.basename(os.path.dirname(meta.get("blas", "?/?")))
           or meta.get("blas"), meta.get("infer_samples_peers", "?")),
        "FANN %s (libfloatfann): no mini-batches, so incremental training (one update per "
        "sample, learning rate / batch); no ReLU in 2.2, so W2/W3 hidden layers use "
        "FANN_LINEAR_PIECE (min(max(x, 0), 1), the same cost); no softmax, so the output layer "
        "is sigmoid with the MSE error; no batched inference, no threads."
        % meta.get("fann", "?"),
        "Ratios compare medians of the same run. 2-thread rows are n/a for netc until the "
        "trainer has --threads.",
    ]
    notes += [n for n in (settings_note(rows, t, name) for t, name in TOOLS) if n]
    notes.append("Machine: %s; %s; netc CFLAGS %s; commit %s; %s. Load average (1, 5, 15 min) "
                 "at start %s, at end %s: this machine is shared, timings drift 20–30 %% between "
                 "runs." % (meta.get("cpu"), meta.get("compiler"), meta.get("netc_cflags"),
                            meta.get("commit"), meta.get("date"), meta.get("load_start"),
                            meta.get("load_end")))
    out += ["", "Notes:", ""] + ["- " + n for n in notes]
    return "\n".join(out) + "\n"


def main():
    raw, md_path, json_path = sys.argv[1:4]
    bench_dir = os.path.dirname(os.path.abspath(__file__))
    meta = read_kv(os.path.join(raw, "meta.txt"))
    peaks, bits = peak(raw)
    specs = {n: netspec.parse(os.path.join(bench_dir, n + ".net")) for n in ("w1", "w2", "w3")}
    rows = [make_row(raw, net, spec, tool, threads, peaks)
            for net, spec in specs.items() for threads in THREADS for tool, _ in TOOLS]
    add_ratios(rows)
    with open(md_path, "w") as f:
        f.write(markdown(meta, peaks, bits, specs, rows))
    result = {"meta": meta, "fma_vector_bits": bits,
              "fma_peak_gflops": {str(t): g for t, g in peaks.items()},
              "networks": {n: {"description": netspec.describe(s),
                               "flop_per_sample": netspec.training_flops(s["sizes"], s["batch"])}
                           for n, s in specs.items()},
              "rows": rows}
    with open(json_path, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
