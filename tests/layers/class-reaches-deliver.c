/* Built as the class code is: delivery is a sibling layer, not one below. */
#include "../../grader/deliver/spool.h"
