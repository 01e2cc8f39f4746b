/* Built as the core is: a delivery header reached by a relative path refuses it. */
#include "../../grader/deliver/webhook.h"
