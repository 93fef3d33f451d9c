// tokenize.js GRAMMAR CASES: editors/textmate/netc.tmLanguage.json run by the TextMate
// engine VS Code uses (vscode-textmate, with vscode-oniguruma's onig.wasm for the regular
// expressions), each file of CASES tokenized line by line from its start (the rule stack
// carried from line to line, as in an editor). CASES holds 'FILE LINE COL VIM EMACS SCOPE'
// lines (tests/e2e/editors.sh writes them); the scope at LINE:COL (1-based; COL in bytes)
// must start with SCOPE. Prints ok/FAIL per place; exits 1 on any failure.
'use strict';
const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const [grammarPath, casesPath] = process.argv.slice(2);
if (!grammarPath || !casesPath) {
    console.error('usage: node tokenize.js GRAMMAR CASES');
    process.exit(2);
}

async function main() {
    const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
        onigLib: Promise.resolve({
            createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
            createOnigString: (s) => new oniguruma.OnigString(s),
        }),
        loadGrammar: async (scopeName) => scopeName === 'source.netc'
            ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath)
            : null,
    });
    const grammar = await registry.loadGrammar('source.netc');
    if (!grammar) throw new Error(`${grammarPath}: no grammar for source.netc`);

    // each file's lines as tokens (the innermost scope of each token)
    const tokenized = new Map();
    function tokens(file) {
        if (!tokenized.has(file)) {
            let stack = vsctm.INITIAL;
            const lines = fs.readFileSync(file, 'utf8').split('\n').map((text) => {
                const r = grammar.tokenizeLine(text, stack);
                stack = r.ruleStack;
                return { text, tokens: r.tokens };
            });
            tokenized.set(file, lines);
        }
        return tokenized.get(file);
    }

    let bad = 0, n = 0;
    for (const c of fs.readFileSync(casesPath, 'utf8').split('\n').filter((l) => l.trim())) {
        const [file, line, col, , , want] = c.split(/\s+/);
        const l = tokens(file)[Number(line) - 1];
        let got = '';
        if (l) {
            // byte column to UTF-16 index
            const at = Buffer.from(l.text, 'utf8').subarray(0, Number(col) - 1).toString('utf8').length;
            const t = l.tokens.find((t) => t.startIndex <= at && at < t.endIndex);
            if (t) got = t.scopes[t.scopes.length - 1];
        }
        n++;
        if (got.startsWith(want)) {
            console.log(`ok: ${file}:${line}:${col}: ${got}`);
        } else {
            console.log(`FAIL: ${file}:${line}:${col}: want ${want}, got ${got || '(none)'}`);
            bad = 1;
        }
    }
    if (n === 0) { console.log('FAIL: no places to check'); bad = 1; }
    process.exit(bad);
}

main().catch((e) => { console.error(`FAIL: ${e.stack || e}`); process.exit(1); });
