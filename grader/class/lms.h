/*
 * lms.h: a class's grades in the import formats of learning management
 * systems, written beside grades.csv: grades-canvas.csv (Canvas's gradebook
 * import) and grades-moodle.csv (Moodle's CSV grade import).
 *
 * One column per exercise, holding the exercise's weighted score (its
 * weight times its points), so that the columns add up to the total of
 * grades.csv; every number is written by format_score(), as summary.json
 * writes it. A student's identity comes from the roster file
 * (gradebook.roster); a student with no roster entry keeps a row, with
 * the directory name as the name and no LMS identity. Roster entries with
 * no student in the class get no row (nothing was graded, and an empty
 * cell could erase a grade entered by hand): lms_not_in_class() lists
 * them for summary.json and report.html.
 */
#ifndef GRADER_LMS_H
#define GRADER_LMS_H

#ifndef GRADER_LAYER_CLASS
#error "a header of grader/class/, for that layer and those above it only: see \"Layers\" in CMakeLists.txt"
#endif

#include "gradebook.h"
#include "roster.h"

#define LMS_CANVAS_FILE "grades-canvas.csv"
#define LMS_MOODLE_FILE "grades-moodle.csv"

/*
 * Canvas: Student, ID, SIS User ID, SIS Login ID, Section (the roster's
 * name, lms_id, sis_id, email and section), one column per exercise, and a
 * second row "Points Possible" with each column's weighted maximum.
 * Allocated; the caller frees.
 */
char *lms_canvas_csv(const struct gradebook *gb);

/*
 * Moodle: Email address, ID number (the roster's lms_id), Full name, then
 * one column per exercise. Allocated; the caller frees.
 */
char *lms_moodle_csv(const struct gradebook *gb);

/* The column title of exercise e: "<assignment>: <id>", or the id when the assignment has no name. */
void lms_column_title(const struct gradebook *gb, size_t e, struct strbuf *sb);

/*
 * The roster entries whose student is not in gb (of gb's shard only:
 * another shard's students are not missing), in roster order: an array of
 * *n borrowed pointers that the caller frees; NULL when there are none or
 * no roster.
 */
const struct roster_entry **lms_not_in_class(const struct gradebook *gb, size_t *n);

#endif /* GRADER_LMS_H */
