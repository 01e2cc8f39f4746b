/* Built as the reports are: a class header (the layer above) refuses them. */
#include "../../grader/class/gradebook.h"
