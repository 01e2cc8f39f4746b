/* Built as the core is: a report header reached by a relative path refuses it. */
#include "../../grader/report/text-escape.h"
