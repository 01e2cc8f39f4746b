/* Built as the core is: a class header is not on its include path. */
#include "gradebook.h"
