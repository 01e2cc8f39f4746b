/*
 * deliver.h: the webhook options that check, ci and deliver share, and
 * delivering a report: spooled first (spool.h), then POSTed and signed
 * (webhook.h), kept in the spool until the receiver answers 2xx.
 *
 * How a command takes the options: put WEBHOOK_OPTIONS (or the single
 * WEBHOOK_OPTION_* entries it accepts) in its getopt_long table and
 * WEBHOOK_USAGE (or the WEBHOOK_USAGE_* lines) in its help; hand every
 * option for which webhook_option() holds to webhook_opts_parse(); call
 * webhook_opts_setup() once the options are parsed, before anything runs.
 */
#ifndef GRADER_DELIVER_H
#define GRADER_DELIVER_H

#ifndef GRADER_LAYER_DELIVER
#error "a header of grader/deliver/, for that layer and those above it only: see \"Layers\" in CMakeLists.txt"
#endif

#include <getopt.h>
#include <stdbool.h>

#include "result.h"
#include "strbuf.h"
#include "webhook.h"

/* getopt_long values of the webhook options, beyond any short option's. */
enum webhook_opt {
	WEBHOOK_OPT_URL = 0x1000,
	WEBHOOK_OPT_SECRET_FILE,
	WEBHOOK_OPT_CA,
	WEBHOOK_OPT_DEADLINE,
	WEBHOOK_OPT_STRICT,
};

#define WEBHOOK_OPTION_URL { "webhook", required_argument, NULL, WEBHOOK_OPT_URL }
#define WEBHOOK_OPTION_SECRET_FILE \
	{ "webhook-secret-file", required_argument, NULL, WEBHOOK_OPT_SECRET_FILE }
#define WEBHOOK_OPTION_CA { "webhook-ca", required_argument, NULL, WEBHOOK_OPT_CA }
#define WEBHOOK_OPTION_DEADLINE \
	{ "webhook-deadline", required_argument, NULL, WEBHOOK_OPT_DEADLINE }
#define WEBHOOK_OPTION_STRICT { "webhook-strict", no_argument, NULL, WEBHOOK_OPT_STRICT }
#define WEBHOOK_OPTIONS                                                            \
	WEBHOOK_OPTION_URL, WEBHOOK_OPTION_SECRET_FILE, WEBHOOK_OPTION_CA,        \
		WEBHOOK_OPTION_DEADLINE, WEBHOOK_OPTION_STRICT

#define WEBHOOK_USAGE_URL                                                          \
	"  --webhook URL     POST the json report to URL, signed with HMAC-SHA256;\n" \
	"                    spooled first and kept until a 2xx answer ('grader\n"   \
	"                    deliver' sends what is left again)\n"
#define WEBHOOK_USAGE_SECRET_FILE                                                  \
	"  --webhook-secret-file FILE\n"                                            \
	"                    the signing secret (default: $GRADER_WEBHOOK_SECRET;\n" \
	"                    never on the command line)\n"
#define WEBHOOK_USAGE_CA                                                           \
	"  --webhook-ca FILE CA certificates for a private CA (TLS is always verified)\n"
#define WEBHOOK_USAGE_DEADLINE                                                     \
	"  --webhook-deadline SECONDS\n"                                            \
	"                    give up retrying after this long (default 30)\n"
#define WEBHOOK_USAGE_STRICT                                                       \
	"  --webhook-strict  exit 4 when a report was not delivered\n"
#define WEBHOOK_USAGE                                                              \
	WEBHOOK_USAGE_URL WEBHOOK_USAGE_SECRET_FILE WEBHOOK_USAGE_CA                \
		WEBHOOK_USAGE_DEADLINE WEBHOOK_USAGE_STRICT

struct webhook_opts {
	const char *url;         /* --webhook; NULL: nothing to deliver */
	const char *secret_file; /* --webhook-secret-file */
	char *ca_file;           /* --webhook-ca, absolute: 'grader deliver' may run elsewhere */
	long deadline_ms;        /* --webhook-deadline */
	bool strict;             /* --webhook-strict */
	/* Set by webhook_opts_setup(). */
	struct strbuf secret;
	char *spool;             /* the spool directory; may be set before setup */
};

#define WEBHOOK_OPTS_INIT { NULL, NULL, NULL, WEBHOOK_DEADLINE_MS, false, STRBUF_INIT, NULL }

/* Frees what wo owns (the secret, the CA file's path, the spool's). */
void webhook_opts_release(struct webhook_opts *wo);

/* Whether c, a value from getopt_long, is one of the webhook options. */
bool webhook_option(int c);

/*
 * Takes one webhook option into wo: c as getopt_long returned it, arg its
 * argument. The URL must be http:// or https://; the CA file must be
 * readable, and is kept as an absolute path. Returns 0, or -EINVAL with
 * err saying why.
 */
int webhook_opts_parse(struct webhook_opts *wo, int c, const char *arg, struct strbuf *err);

/*
 * After the options, before anything runs: reads the signing secret and
 * finds the spool (unless wo->spool is set) when needed, that is when
 * wo->url is set or need is true. Always removes $GRADER_WEBHOOK_SECRET
 * from the environment, so that nothing the grader runs inherits it.
 * Returns 0, or -EINVAL with err saying why.
 */
int webhook_opts_setup(struct webhook_opts *wo, bool need, struct strbuf *err);

/*
 * The signing secret into out: the contents of file (one trailing newline
 * dropped) when file is set, else $GRADER_WEBHOOK_SECRET, which is removed
 * from the environment either way. Returns 0; -ENOENT when there is none;
 * -EINVAL when it is empty; -errno when file cannot be read. err says why
 * in every failing case.
 */
int webhook_secret(const char *file, struct strbuf *out, struct strbuf *err);

/* "1", "2.5", "30" seconds as milliseconds; false unless 0 < s <= 3600. */
bool webhook_parse_seconds(const char *s, long *ms);

/*
 * Spools r's json report for wo->url, then delivers it, signed with
 * wo->secret, within wo->deadline_ms. Returns true when it was delivered.
 * Whatever the user should hear (a failure, where the report was kept, a
 * delivery that took retries) is appended to log, one line each, for the
 * command to print; none of it changes a grade.
 */
bool deliver_report(const struct report *r, const struct webhook_opts *wo, struct strbuf *log);

#endif /* GRADER_DELIVER_H */
