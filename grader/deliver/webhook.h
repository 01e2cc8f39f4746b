/*
 * webhook.h: delivering a json report by HTTP POST, signed, retried within
 * a deadline. libcurl is used here and nowhere else.
 *
 * The request: POST url with the body as is, and the headers
 *   Content-Type: application/json
 *   User-Agent: grader/<version>
 *   X-Grader-Event: report
 *   X-Grader-Delivery: <delivery id>      (the same on every re-send)
 *   X-Grader-Signature-256: sha256=<hex HMAC-SHA256 of the body, keyed by the secret>
 * TLS certificates are always verified (ca_file adds a private CA).
 *
 * Retried: connection errors, timeouts, 408, 429 and 5xx, with exponential
 * backoff and jitter, never sooner than a Retry-After asks, until the
 * deadline. Not retried: any other answer that is not 2xx.
 */
#ifndef GRADER_WEBHOOK_H
#define GRADER_WEBHOOK_H

#ifndef GRADER_LAYER_DELIVER
#error "a header of grader/deliver/, for that layer and those above it only: see \"Layers\" in CMakeLists.txt"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "spool.h"

#define WEBHOOK_DEADLINE_MS 30000L   /* default overall deadline of a delivery */
#define WEBHOOK_ATTEMPT_MS 10000L    /* longest single attempt */

struct webhook {
	const char *url;
	const char *ca_file;          /* NULL: the system's CAs */
	const char *secret;
	size_t secret_len;
	const char *delivery_id;
	const char *body;
	size_t body_len;
	long deadline_ms;             /* all attempts and waits together */
};

enum webhook_outcome {
	WEBHOOK_DELIVERED,   /* a 2xx answer */
	WEBHOOK_REJECTED,    /* an answer that retrying cannot change (4xx, 3xx) */
	WEBHOOK_FAILED,      /* no 2xx before the deadline, or an error retrying cannot fix */
};

struct webhook_result {
	enum webhook_outcome outcome;
	long status;         /* the last HTTP status; 0 when there was no answer */
	int attempts;
	char reason[320];    /* the last problem, for a message ("" when delivered) */
};

/*
 * Delivers w, retrying as above; fills res. Returns 0 whatever the outcome
 * (res says it); -ELIBACC when libcurl is not installed, -ENOMEM or
 * -EINVAL when it could not be set up.
 */
int webhook_deliver(const struct webhook *w, struct webhook_result *res);

/* Why webhook_deliver() could not start (its negative return), for a message. */
const char *webhook_setup_error(int ret);

/*
 * Delivers an entry and, after a 2xx only, removes it from the spool when
 * it is there (locked, from spool_put() or spool_load()). Returns as
 * webhook_deliver().
 */
int webhook_deliver_entry(struct spool_entry *e, const char *secret, size_t secret_len,
			  long deadline_ms, struct webhook_result *res);

/* The retry policy, on its own for the tests. */
bool webhook_status_retryable(long status);
/* The wait after the nth failed attempt (n >= 1), jittered by rnd, in ms. */
long webhook_backoff_ms(int n, uint64_t rnd);
/*
 * A Retry-After value (delay-seconds or an HTTP date) as milliseconds from
 * now; -1 when it is neither.
 */
long webhook_retry_after_ms(const char *value, time_t now);

/* The URL without a user:password@ part, for messages; allocated. */
char *webhook_redacted_url(const char *url);

#endif /* GRADER_WEBHOOK_H */
