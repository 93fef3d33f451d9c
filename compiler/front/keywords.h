/* keywords.h - the words the language reserves (grammar/lexer.l returns a token of its
 * own for each): not usable as a name. */
#ifndef NETC_FRONT_KEYWORDS_H
#define NETC_FRONT_KEYWORDS_H

#include <stddef.h>

extern const char *const front_keywords[];
extern const int front_nkeywords;

/* Whether the n bytes at s are one of the keywords. */
int front_is_keyword(const char *s, size_t n);

#endif
