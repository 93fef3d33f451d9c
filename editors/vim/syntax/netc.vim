" Vim syntax file for netc's .net network descriptions (netc(5), docs/language.md).
" Keywords are grammar/lexer.l's; stride and padding are the options of conv and
" pooling layers (check.c); the words of the train and data blocks are the values the
" checker knows (runtime/netc_enums.h).
if exists("b:current_syntax")
  finish
endif

syn keyword netcKeyword network input dense conv maxpool avgpool dropout train data classes as
syn keyword netcOption stride padding
syn keyword netcActivation sigmoid relu leaky_relu tanh linear softmax
syn keyword netcSetting loss optimizer learning_rate schedule weight_decay batch epochs init seed
syn keyword netcSetting format train_images train_labels test_images test_labels train_csv test_csv
syn keyword netcSetting label_column header scale targets validation
syn keyword netcValue mse cross_entropy binary_cross_entropy sgd adam constant step cosine exponential plateau
syn keyword netcValue uniform normal xavier he idx csv first last none unit standardize one_hot value
syn keyword netcBoolean true false
syn match netcShape "\<\d\+\(x\d\+\)\+\>"
syn match netcNumber "[-+]\=\(\<\d\+\(\.\d*\)\=\|\.\d\+\)\([eE][-+]\=\d\+\)\=\>"
syn match netcNumber "[-+]\=\<\d\+\.\ze\_[^0-9A-Za-z_]"
syn match netcEscape contained "\\."
syn region netcString start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ contains=netcEscape oneline
syn match netcError "[^ \t#{}()=,:\"A-Za-z0-9_.+-]"
syn match netcError "\<\d\+,\d\+\>"
syn match netcComment "#.*$" contains=netcTodo,@Spell
syn keyword netcTodo contained TODO FIXME XXX

hi def link netcKeyword Statement
hi def link netcOption Identifier
hi def link netcActivation Type
hi def link netcSetting Identifier
hi def link netcValue Constant
hi def link netcBoolean Boolean
hi def link netcShape Number
hi def link netcNumber Number
hi def link netcString String
hi def link netcEscape SpecialChar
hi def link netcComment Comment
hi def link netcTodo Todo
hi def link netcError Error

let b:current_syntax = "netc"
