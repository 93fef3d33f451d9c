#!/bin/bash
# Editor support for .net files, each editor in batch mode on tests/editors/highlight.net
# (keywords, activations, settings, shapes, numbers, strings and escapes, comments, a
# byte the lexer rejects) against tests/editors/highlight.expect, and on every sample
# (the network keyword and whole-line comments): Vim's syntax and ftdetect, Emacs's
# netc-mode (font-lock), and the TextMate grammar (JSON checked, its rules run by a small
# tokenizer in Python: begin/end, match, in order, as a TextMate engine tries them).
source tests/e2e/common.bash
root=$PWD
expect=tests/editors/highlight.expect
grep -v '^#' "$expect" > "$work/want"

# The samples: line 'network' is a keyword at column 1, lines starting '#' comments.
for f in samples/*.net; do
    grep -n '^network \|^#' "$f" | head -5 | while IFS=: read -r line text; do
        case $text in
        network*) echo "$f $line 1 netcKeyword font-lock-keyword-face keyword.other" ;;
        *) echo "$f $line 2 netcComment font-lock-comment-face comment.line" ;;
        esac
    done
done > "$work/samples"
awk -v f="$root/tests/editors/highlight.net" '{ print f, $0 }' "$work/want" >> "$work/samples"
sort -s -k1,1 -o "$work/samples" "$work/samples"
cut -d' ' -f1 "$work/samples" | uniq > "$work/files"

if command -v vim > /dev/null; then
    cat > "$work/check.vim" <<'VIM'
set nocompatible
let &rtp = g:root . '/editors/vim,' . &rtp
filetype on
syntax on
let res = []
for w in readfile(g:cases)
  let [f, l, c; rest] = split(w)
  if f !=# expand('%')
    execute 'edit ' . f
  endif
  call add(res, join([f, l, c, synIDattr(synID(str2nr(l), str2nr(c), 1), 'name'), &filetype]))
endfor
call writefile(res, g:out)
qall!
VIM
    # one Vim per file, each file edited once: synID() after a second :edit can answer
    # for the column asked before (Vim 9.0 in batch mode)
    while read -r f; do
        awk -v f="$f" '$1 == f' "$work/samples" > "$work/cases"
        vim -Es -u NONE -i NONE --cmd "let g:root='$root' | let g:cases='$work/cases' | let g:out='$work/out'" \
            -S "$work/check.vim" < /dev/null || true
        cat "$work/out"
    done < "$work/files" > "$work/vim.out"
    paste -d' ' "$work/samples" "$work/vim.out" | awk '$4 != $10 || $11 != "netc" { print; bad = 1 } END { exit bad }' ||
        fail "vim: FILE LINE COL want... / got GROUP FILETYPE above"
    echo "ok: vim: $(wc -l < "$work/samples") places, filetype netc"
fi

if command -v emacs > /dev/null; then
    cat > "$work/check.el" <<'EL'
(load-file (concat (getenv "ROOT") "/editors/emacs/netc-mode.el"))
(with-temp-buffer
  (insert-file-contents (getenv "CASES"))
  (dolist (w (split-string (buffer-string) "\n" t))
    (let ((f (split-string w)))
      (with-current-buffer (find-file-noselect (nth 0 f))
        (font-lock-ensure)
        (goto-char (point-min))
        (forward-line (1- (string-to-number (nth 1 f))))
        (forward-char (1- (string-to-number (nth 2 f))))
        (let ((face (get-text-property (point) 'face)))
          (when (eq face 'font-lock-comment-delimiter-face) (setq face 'font-lock-comment-face))
          (princ (format "%s %s\n" face major-mode)))))))
EL
    ROOT=$root CASES=$work/samples emacs -Q --batch -l "$work/check.el" > "$work/emacs.out" 2> "$work/emacs.err" ||
        fail "emacs: $(cat "$work/emacs.err")"
    paste -d' ' "$work/samples" "$work/emacs.out" | awk '$5 != $7 || $8 != "netc-mode" { print; bad = 1 } END { exit bad }' ||
        fail "emacs: FILE LINE COL want... / got FACE MODE above"
    echo "ok: emacs: $(wc -l < "$work/samples") places, netc-mode"
fi

/usr/bin/python3 - "$work/samples" <<'PY' || fail "textmate grammar"
import json, re, sys
g = json.load(open("editors/textmate/netc.tmLanguage.json"))
def rules(patterns):
    for p in patterns:
        if "include" in p:
            yield from rules([g["repository"][p["include"][1:]]])
        else:
            yield p
def scopes(line):
    """The scope of each column of one line (begin/end and match rules, first match wins)."""
    out, pos = [None] * (len(line) + 1), 0
    top = list(rules(g["patterns"]))
    while pos < len(line):
        best = None
        for r in top:
            m = re.compile(r.get("match") or r["begin"]).search(line, pos)
            if m and (best is None or m.start() < best[1].start()):
                best = (r, m)
        if best is None:
            break
        r, m = best
        if "match" in r:
            out[m.start():m.end()] = [r["name"]] * (m.end() - m.start())
            pos = max(m.end(), m.start() + 1)
            continue
        start, pos = m.start(), m.end()
        while True:         # inside begin/end: inner rules, until end
            end = re.compile(r["end"]).search(line, pos)
            inner = [(p, re.compile(p["match"]).search(line, pos)) for p in r.get("patterns", [])]
            inner = [(p, i) for p, i in inner if i and i.start() < end.start()]
            if not inner:
                out[start:end.end()] = [x or r["name"] for x in out[start:end.end()]]
                pos = max(end.end(), pos + 1)
                break
            p, i = min(inner, key=lambda t: t[1].start())
            out[i.start():i.end()] = [p["name"]] * (i.end() - i.start())
            pos = i.end()
    return out
bad = 0
for case in open(sys.argv[1]):
    f, l, c, _, _, want = case.split()
    line = open(f).read().split("\n")[int(l) - 1]
    got = scopes(line)[int(c) - 1] or ""
    if not got.startswith(want):
        print(f"{f}:{l}:{c}: want {want}, got {got}"); bad = 1
sys.exit(bad)
PY
echo "ok: textmate: $(wc -l < "$work/samples") places"
