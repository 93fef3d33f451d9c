#!/usr/bin/python3
"""sine-data.py [DIR] - samples/sine_train.csv and sine_test.csv: y = sin(x) on [-pi, pi].

The data of samples/sine.net, written the same byte for byte on every machine (no random
numbers: evenly spaced points, six decimals): 200 training points x_i = -pi + 2 pi (i + 0.5) / 200
and 100 test points x_k = -pi + 2 pi (2k + 1) / 200, half-way between training points 2k and
2k + 1.  Columns: x, then the target sin(x).
tests/e2e/regression.sh checks the committed files against this script's output.
"""
import math
import os
import sys


def write(path, xs):
    with open(path, "w", newline="\n") as f:
        f.write("x,sin_x\n")
        for x in xs:
            f.write("%.6f,%.6f\n" % (x, math.sin(x)))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "samples")
    n = 200
    train = [-math.pi + 2 * math.pi * (i + 0.5) / n for i in range(n)]
    test = [-math.pi + 2 * math.pi * (2 * i + 1) / n for i in range(n // 2)]
    write(os.path.join(out, "sine_train.csv"), train)
    write(os.path.join(out, "sine_test.csv"), test)


if __name__ == "__main__":
    main()
