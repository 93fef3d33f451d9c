" .net files are netc's network descriptions (netc(5)).
autocmd BufRead,BufNewFile *.net setfiletype netc
