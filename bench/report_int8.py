"""report_int8.py - bench/int8.sh's table: the float and the int8 export of each network,
side by side (samples/s batched and one per call, int8/float, MNIST test accuracy).

    python3 bench/report_int8.py RAW_DIR OUT.md OUT.json NET...
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netspec  # noqa: E402
from report import read_kv, si  # noqa: E402


def row(raw, net):
    kv = read_kv(os.path.join(raw, "int8-%s.txt" % net))
    if "int8_single_per_s" not in kv:
        return {"net": net, "status": "failed (see %s)" % raw}
    r = {"net": net, "status": "ok", "isa": kv["int8_isa"], "cflags": kv["cflags"],
         "load_start": kv["load_start"], "load_end": kv["load_end"]}
    n = int(kv["test_images"])
    for kind in ("float", "int8"):
        r[kind + "_accuracy"] = 100.0 * int(kv[kind + "_correct"]) / n
        for how in ("batch", "single"):
            r["%s_%s_per_s" % (kind, how)] = float(kv["%s_%s_per_s" % (kind, how)])
    for how in ("batch", "single"):
        r[how + "_ratio"] = r["int8_%s_per_s" % how] / r["float_%s_per_s" % how]
    return r


def markdown(rows, bench_dir):
    out = ["## int8 inference (`--emit infer --quantize int8` against the float export)", "",
           "| network | float batched | int8 batched | int8/float | float one per call "
           "| int8 one per call | int8/float | test accuracy float / int8 |",
           "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        spec = netspec.parse(os.path.join(bench_dir, r["net"] + ".net"))
        name = "%s (%s)" % (r["net"].upper(), netspec.label(spec))
        if r["status"] != "ok":
            out.append("| %s | %s |" % (name, r["status"]) + " |" * 6)
            continue
        out.append("| %s | %s/s | %s/s | **%.2f×** | %s/s | %s/s | **%.2f×** | %.2f%% / %.2f%% |" % (
            name, si(r["float_batch_per_s"]), si(r["int8_batch_per_s"]), r["batch_ratio"],
            si(r["float_single_per_s"]), si(r["int8_single_per_s"]), r["single_ratio"],
            r["float_accuracy"], r["int8_accuracy"]))
    ok = [r for r in rows if r["status"] == "ok"]
    if ok:
        out += ["", "Samples/s on the 10,000 MNIST test images, per second of the thread's processor "
                "time, median of the timed passes, float and int8 in turns in one program, one "
                "thread; compiled with `%s`; "
                "int8 kernels: %s. Load average (1, 5, 15 min) at the start of each network: %s."
                % (ok[0]["cflags"], ok[0]["isa"],
                   ", ".join("%s %s" % (r["net"].upper(), r["load_start"]) for r in ok))]
    return "\n".join(out) + "\n"


def main():
    raw, md_path, json_path = sys.argv[1:4]
    bench_dir = os.path.dirname(os.path.abspath(__file__))
    rows = [row(raw, net) for net in sys.argv[4:]]
    with open(md_path, "w") as f:
        f.write(markdown(rows, bench_dir))
    with open(json_path, "w") as f:
        json.dump({"rows": rows}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
