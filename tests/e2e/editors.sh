#!/bin/bash
# Editor support for .net files, each editor in batch mode on tests/editors/highlight.net
# (keywords, activations, settings, shapes, numbers, strings and escapes, comments, a
# byte the lexer rejects) against tests/editors/highlight.expect, and on every sample
# (the network keyword and whole-line comments): Vim's syntax and ftdetect, Emacs's
# netc-mode (font-lock), and the TextMate grammar (run by vscode-textmate and
# vscode-oniguruma, VS Code's engine, under Node: tests/editors/textmate/tokenize.js).
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

# The TextMate grammar, run by vscode-textmate and vscode-oniguruma (the engine VS Code
# uses) under Node: the versions tests/editors/textmate/package-lock.json pins, each
# tarball checked against the lock's sha512 integrity by npm ci; no install scripts.
# TM_GRAMMAR=FILE checks another grammar (a broken copy, to see this part fail).
command -v npm > /dev/null || tools/deps.sh npm
tm=${BUILD:-build}/editors/textmate
mkdir -p "$tm"
cp tests/editors/textmate/package.json tests/editors/textmate/package-lock.json "$tm/"
if ! cmp -s tests/editors/textmate/package-lock.json "$tm/node_modules/.package-lock.json.netc" 2> /dev/null; then
    (cd "$tm" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) || fail "textmate: npm ci"
    cp tests/editors/textmate/package-lock.json "$tm/node_modules/.package-lock.json.netc"
fi
NODE_PATH=$(cd "$tm" && pwd)/node_modules /usr/bin/node tests/editors/textmate/tokenize.js \
    "${TM_GRAMMAR:-editors/textmate/netc.tmLanguage.json}" "$work/samples" > "$work/tm.out" ||
    { grep -v '^ok' "$work/tm.out"; fail "textmate grammar: FILE:LINE:COL want SCOPE above"; }
echo "ok: textmate: $(wc -l < "$work/samples") places"
