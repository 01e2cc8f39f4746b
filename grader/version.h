/*
 * version.h: the grader's version, written here and nowhere else: the
 * build reads it (project() in CMakeLists.txt), and reports, receipts,
 * cache keys and the webhook's User-Agent print it.
 */
#ifndef GRADER_VERSION_H
#define GRADER_VERSION_H

#define GRADER_VERSION "0.1.0"

#endif /* GRADER_VERSION_H */
