;;; netc-mode.el --- major mode for netc's .net network descriptions  -*- lexical-binding: t; -*-

;; Keywords: languages
;; Version: 0.1.0

;;; Commentary:

;; Highlighting and comment syntax for the .net language of netc (netc(5),
;; docs/language.md): keywords (the layers among them: dense, conv, maxpool, avgpool,
;; dropout), activations, the conv and pooling layers' options, the train and data
;; blocks' settings and values, numbers, shapes, strings, `#' comments, and bytes the
;; lexer rejects.

;;; Code:

(defgroup netc nil "Editing netc's .net files." :group 'languages)

(defcustom netc-indent-offset 4
  "Indentation of the settings inside a train or data block."
  :type 'integer)

(defconst netc-keywords '("network" "input" "dense" "conv" "maxpool" "avgpool" "dropout"
                          "train" "data" "classes" "as"))
(defconst netc-layer-options '("stride" "padding"))
(defconst netc-activations '("sigmoid" "relu" "leaky_relu" "tanh" "linear" "softmax"))
(defconst netc-settings
  '("loss" "optimizer" "learning_rate" "schedule" "weight_decay" "batch" "epochs" "init"
    "seed" "format" "train_images" "train_labels" "test_images" "test_labels" "train_csv"
    "test_csv" "label_column" "header" "scale" "targets" "validation"))
(defconst netc-values
  '("mse" "cross_entropy" "binary_cross_entropy" "sgd" "adam" "constant" "step" "cosine"
    "exponential" "plateau" "uniform" "normal" "xavier" "he" "idx" "csv" "first" "last" "none" "unit"
    "standardize" "one_hot" "value" "true" "false"))

(defconst netc-font-lock-keywords
  `((,(regexp-opt netc-keywords 'symbols) . font-lock-keyword-face)
    (,(regexp-opt netc-activations 'symbols) . font-lock-type-face)
    (,(regexp-opt netc-layer-options 'symbols) . font-lock-variable-name-face)
    (,(regexp-opt netc-settings 'symbols) . font-lock-variable-name-face)
    (,(regexp-opt netc-values 'symbols) . font-lock-constant-face)
    ("\\_<[0-9]+\\(?:x[0-9]+\\)+\\_>" . font-lock-constant-face)
    ("\\(?:^\\|[^A-Za-z0-9_.]\\)\\([-+]?\\(?:[0-9]+\\.?[0-9]*\\|\\.[0-9]+\\)\\(?:[eE][-+]?[0-9]+\\)?\\)"
     1 font-lock-constant-face)
    ("[^][ \t\n#{}()=,:\"A-Za-z0-9_.+-]" 0 font-lock-warning-face))
  "What netc-mode highlights; strings and comments come from the syntax table.")

(defvar netc-mode-syntax-table
  (let ((st (make-syntax-table)))
    (modify-syntax-entry ?# "<" st)
    (modify-syntax-entry ?\n ">" st)
    (modify-syntax-entry ?\" "\"" st)
    (modify-syntax-entry ?\\ "\\" st)
    (modify-syntax-entry ?_ "_" st)
    (modify-syntax-entry ?- "_" st)
    (modify-syntax-entry ?' "." st)
    st)
  "Syntax table of `netc-mode': # comments to the end of the line, \"strings\".")

(defun netc-indent-line ()
  "Indent a line: settings inside a block by `netc-indent-offset', the rest not at all."
  (interactive)
  (let ((depth (save-excursion (beginning-of-line) (car (syntax-ppss)))))
    (save-excursion
      (beginning-of-line)
      (when (looking-at "[ \t]*}") (setq depth (max 0 (1- depth))))
      (indent-line-to (* depth netc-indent-offset)))
    (when (< (current-column) (current-indentation))
      (back-to-indentation))))

;;;###autoload
(define-derived-mode netc-mode prog-mode "netc"
  "Major mode for netc's .net network descriptions."
  (setq-local comment-start "# ")
  (setq-local comment-start-skip "#+[ \t]*")
  (setq-local font-lock-defaults '(netc-font-lock-keywords))
  (setq-local indent-line-function #'netc-indent-line))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.net\\'" . netc-mode))

(provide 'netc-mode)
;;; netc-mode.el ends here
