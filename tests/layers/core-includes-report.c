/* Built as the core is: a report header is not on its include path. */
#include "report.h"
