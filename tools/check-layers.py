#!/usr/bin/python3
"""check-layers.py [BUILD [SOURCE]] - dependencies point one way: no circles, no upward calls.

From the object files of a build tree (default: build) it draws the file-level call
graph of netc and its runtime: each object's defined and undefined global symbols
(`nm -P`), each undefined symbol mapped to the file that defines it.  It then fails,
naming the files and the symbols that tie them, when

  * two files call each other, directly or around a loop of any length (one line per
    circle: "a.c -> b.c (sym) -> a.c (sym)"); and when
  * a file calls upward in the layers below (LAYERS), or across to a sibling of the same
    rank (the trainer and inference back ends never call each other).

Objects looked at: BUILD/compiler/**.o, BUILD/parser.o and BUILD/lexer.o (grammar/),
BUILD/runtime/**.o, each only while its source is still in SOURCE (default: the
repository this script is in).  Static functions are the file's own business and are
not seen.  Exit status 0: none found; 1: some, each on a line of its own.
"""
import collections
import os
import subprocess
import sys

# Where each file sits, by the longest matching path prefix: (prefix, layer, rank).
# A file may call files of its own layer (no circles) and of any lower rank, never
# upward, never across to another layer of the same rank.  A new folder goes here.
LAYERS = [
    # the driver: the command line, `netc build`
    ("compiler/main.c", "driver", 60),
    ("compiler/build.c", "driver", 60),
    ("compiler/locate.c", "driver", 60),       # where the runtime is, for netc build
    # the two back ends, siblings
    ("compiler/trainer/", "trainer", 50),
    ("compiler/infer/", "infer", 50),
    ("compiler/onnx/", "onnx", 50),             # netc import, --emit onnx
    ("compiler/web/", "web", 50),               # --emit web: the page, its WebAssembly
    # what both back ends print with
    ("compiler/emit/", "emit", 40),
    ("compiler/describe/", "describe", 30),
    ("compiler/check/", "check", 20),
    # .net -> tokens -> tree
    ("compiler/front/", "front", 10),
    ("grammar/", "front", 10),
    # C the generated code is made of (embedded as text): it calls nothing of netc's
    ("compiler/kernels/", "kernels", 5),
    # the runtime: below the compiler (--emit infer reads weights with runtime/io/).
    # Its own layers: mpi -> commands -> training -> report -> model -> I/O.
    ("runtime/mpi/", "runtime mpi", 4.5),       # netc_mpi_main (netc build --mpi)
    ("runtime/commands/", "runtime commands", 4),
    ("runtime/train/", "runtime train", 3),
    ("runtime/report/", "runtime report", 2),
    ("runtime/model/", "runtime model", 1),
    ("runtime/io/", "runtime io", 0),
    ("runtime/", "runtime", 0),
]


def source_of(obj, build):
    """build/compiler/emit/kernels.o -> compiler/emit/kernels.c; parser.o -> grammar/parser.y."""
    rel = os.path.relpath(obj, build)
    if rel in ("parser.o", "lexer.o"):
        return "grammar/" + rel[:-2] + (".y" if rel == "parser.o" else ".l")
    return rel[:-2] + ".c"


def objects(build, source):
    """The objects of the build tree whose source still exists (a file moved or deleted
    leaves its old object behind, which would look like a second definition)."""
    found = [os.path.join(build, g) for g in ("parser.o", "lexer.o")
             if os.path.exists(os.path.join(build, g))]
    for top in ("compiler", "runtime"):
        for folder, dirs, files in os.walk(os.path.join(build, top)):
            dirs.sort()
            found += [os.path.join(folder, f) for f in sorted(files) if f.endswith(".o")]
    return [o for o in found if os.path.exists(os.path.join(source, source_of(o, build)))]


def symbols(objs):
    """{file: (defined globals, undefined)} from one run of nm."""
    out = subprocess.run(["nm", "-P", "-A"] + objs, check=True, capture_output=True,
                         text=True).stdout
    table = {o: (set(), set()) for o in objs}
    for line in out.splitlines():
        where, _, rest = line.partition(": ")
        fields = rest.split()
        if len(fields) < 2:
            continue
        name, kind = fields[0], fields[1]
        if kind == "U":
            table[where][1].add(name)
        elif kind.isupper() or kind in "vw":      # global (or weak) definitions only
            table[where][0].add(name)
    return table


def layer_of(path):
    best = None
    for prefix, name, rank in LAYERS:
        if path.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, name, rank)
    return best and best[1:]


def call_graph(build, source):
    """{file: {callee file: sorted symbols}}."""
    objs = objects(build, source)
    if not objs:
        sys.exit(f"check-layers: no object files under {build}/ (build it first)")
    table = symbols(objs)
    files = {o: source_of(o, build) for o in objs}
    group = lambda f: f.split("/")[0] == "runtime"
    definer = collections.defaultdict(list)
    for o, (defined, _) in table.items():
        for s in defined:
            definer[s].append(files[o])
    graph = {f: collections.defaultdict(set) for f in files.values()}
    for o, (_, undefined) in table.items():
        caller = files[o]
        for s in undefined:
            homes = definer.get(s, [])
            # a name defined twice (the compiler's and the runtime's): its own side's
            near = [h for h in homes if group(h) == group(caller)] or homes
            for h in near[:1]:
                if h != caller:
                    graph[caller][h].add(s)
    return {f: {g: sorted(s) for g, s in callees.items()} for f, callees in graph.items()}


def strongly_connected(graph):
    """Tarjan's algorithm, iteratively; the components of more than one file."""
    index, low, on_stack, stack, comps = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    comps.append(sorted(comp))
    return comps


def shortest_cycle(graph, start, within):
    """The shortest loop from start back to it, through files of within."""
    prev, queue = {start: None}, collections.deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph[node]):
            if nxt == start:
                path = [node]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return path[::-1] + [start]
            if nxt in within and nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    return None


def show_symbols(names, most=3):
    more = f", +{len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def circles(graph):
    """One line per loop: every mutual pair, then a shortest loop per file of a component
    not already shown."""
    lines = []
    for comp in strongly_connected(graph):
        members, seen = set(comp), set()
        for start in comp:
            cycle = shortest_cycle(graph, start, members)
            key = frozenset(zip(cycle, cycle[1:]))
            if key in seen:
                continue
            seen.add(key)
            hops = [cycle[0]] + [f"{b} ({show_symbols(graph[a][b])})"
                                 for a, b in zip(cycle, cycle[1:])]
            lines.append("circle: " + " -> ".join(hops))
    return lines


def upward_calls(graph):
    lines, unplaced = [], set()
    for caller in sorted(graph):
        here = layer_of(caller)
        if here is None:
            unplaced.add(caller)
            continue
        for callee in sorted(graph[caller]):
            there = layer_of(callee)
            if there is None:
                unplaced.add(callee)
                continue
            if there[0] == here[0] or there[1] < here[1]:
                continue
            how = "across to its sibling" if there[1] == here[1] else "up to"
            lines.append(f"layers: {caller} ({here[0]}) calls {how} {callee} ({there[0]}): "
                         f"{show_symbols(graph[caller][callee])}")
    lines += [f"layers: {f} is in no layer: give its folder a line in tools/check-layers.py's "
              "LAYERS" for f in sorted(unplaced)]
    return lines


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BUILD", "build")
    source = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))
    graph = call_graph(build, source)
    problems = circles(graph) + upward_calls(graph)
    edges = sum(len(c) for c in graph.values())
    for line in problems:
        print(line)
    if problems:
        print(f"check-layers: {len(problems)} problem(s) in {len(graph)} files "
              f"({edges} file-to-file dependencies) of {build}/")
        return 1
    print(f"check-layers: {len(graph)} files, {edges} file-to-file dependencies: "
          "no circles, no upward calls")
    return 0


if __name__ == "__main__":
    sys.exit(main())
