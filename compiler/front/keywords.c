/* keywords.c - the words the language reserves; keep in step with grammar/lexer.l. */
#include "front/keywords.h"

#include <string.h>

const char *const front_keywords[] = { "network", "input", "dense", "conv", "maxpool", "avgpool",
                                       "dropout", "train", "data", "classes", "as" };
const int front_nkeywords = sizeof front_keywords / sizeof front_keywords[0];

int front_is_keyword(const char *s, size_t n)
{
    for (int k = 0; k < front_nkeywords; k++)
        if (strlen(front_keywords[k]) == n && strncmp(s, front_keywords[k], n) == 0)
            return 1;
    return 0;
}
