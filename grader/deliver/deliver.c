/*
 * deliver.c: the webhook options, the signing secret, and a report's way
 * to the receiver: spooled, then delivered.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "deliver.h"
#include "report.h"
#include "spool.h"
#include "webhook.h"
#include "util.h"

void webhook_opts_release(struct webhook_opts *wo)
{
	strbuf_release(&wo->secret);
	free(wo->ca_file);
	free(wo->spool);
	wo->ca_file = wo->spool = NULL;
}

bool webhook_option(int c)
{
	return c >= WEBHOOK_OPT_URL && c <= WEBHOOK_OPT_STRICT;
}

/* An http or https URL without blanks or control characters. */
static bool valid_url(const char *url)
{
	const char *p;

	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return false;
	for (p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

bool webhook_parse_seconds(const char *s, long *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v <= 0 || v > 3600)
		return false;
	*ms = (long)(v * 1000.0 + 0.5);
	return *ms > 0;
}

int webhook_opts_parse(struct webhook_opts *wo, int c, const char *arg, struct strbuf *err)
{
	char *path;

	switch (c) {
	case WEBHOOK_OPT_URL:
		if (!valid_url(arg)) {
			strbuf_addf(err, "--webhook: expected an http:// or https:// URL, not '%s'", arg);
			return -EINVAL;
		}
		wo->url = arg;
		return 0;
	case WEBHOOK_OPT_SECRET_FILE:
		wo->secret_file = arg;
		return 0;
	case WEBHOOK_OPT_CA:
		/* Absolute: the spool keeps it, and 'grader deliver' may run from anywhere. */
		path = realpath(arg, NULL);
		if (!path) {
			strbuf_addf(err, "--webhook-ca: cannot read '%s': %s", arg, strerror(errno));
			return -EINVAL;
		}
		free(wo->ca_file);
		wo->ca_file = path;
		return 0;
	case WEBHOOK_OPT_DEADLINE:
		if (!webhook_parse_seconds(arg, &wo->deadline_ms)) {
			strbuf_addf(err, "--webhook-deadline: expected seconds (at most 3600), not '%s'",
				    arg);
			return -EINVAL;
		}
		return 0;
	case WEBHOOK_OPT_STRICT:
		wo->strict = true;
		return 0;
	default:
		strbuf_addf(err, "option %d is not a webhook option", c);
		return -EINVAL;
	}
}

int webhook_secret(const char *file, struct strbuf *out, struct strbuf *err)
{
	const char *env = getenv("GRADER_WEBHOOK_SECRET");
	int ret = 0;

	strbuf_reset(out);
	if (file) {
		ret = read_file(file, 4096, false, out);
		if (ret == -EFBIG)
			strbuf_addf(err, "'%s' is too large for a secret", file);
		else if (ret)
			strbuf_addf(err, "cannot read '%s': %s", file, strerror(-ret));
	} else if (env) {
		strbuf_addstr(out, env);
	} else {
		ret = -ENOENT;
		strbuf_addstr(err, "no signing secret: set GRADER_WEBHOOK_SECRET or use "
				   "--webhook-secret-file FILE");
	}
	/* Whatever happens next, no child inherits it. */
	unsetenv("GRADER_WEBHOOK_SECRET");
	if (ret)
		return ret;
	if (out->len && out->buf[out->len - 1] == '\n')
		out->buf[--out->len] = '\0';
	if (out->len && out->buf[out->len - 1] == '\r')
		out->buf[--out->len] = '\0';
	if (!out->len) {
		strbuf_addstr(err, file ? "the secret file is empty" : "GRADER_WEBHOOK_SECRET is empty");
		return -EINVAL;
	}
	return 0;
}

int webhook_opts_setup(struct webhook_opts *wo, bool need, struct strbuf *err)
{
	struct strbuf ignored = STRBUF_INIT;
	int ret;

	need = need || wo->url;
	ret = webhook_secret(wo->secret_file, &wo->secret, need ? err : &ignored);
	strbuf_release(&ignored);
	if (!need)
		return 0;
	if (ret)
		return -EINVAL;
	if (!wo->spool && !(wo->spool = spool_dir())) {
		strbuf_addstr(err, "no spool directory: set GRADER_SPOOL_DIR or HOME");
		return -EINVAL;
	}
	return 0;
}

/* What became of a delivery, as lines for the user. */
static void tell(struct strbuf *log, const struct spool_entry *e, const char *exercise,
		 bool spooled, int ret, const struct webhook_result *res)
{
	char *url = webhook_redacted_url(e->url);

	if (ret) {
		strbuf_addf(log, "webhook: cannot set up libcurl: %s\n", webhook_setup_error(ret));
	} else if (res->outcome == WEBHOOK_DELIVERED) {
		if (*res->reason)
			strbuf_addf(log, "webhook: delivery %s: %s\n", e->id, res->reason);
		else if (res->attempts > 1)
			strbuf_addf(log, "webhook: delivered %s (%s) to %s after %d attempts\n",
				    e->id, exercise, url, res->attempts);
	} else {
		strbuf_addf(log, "webhook: delivery %s (%s) to %s %s: %s\n", e->id, exercise, url,
			    res->outcome == WEBHOOK_REJECTED ? "was rejected" : "failed",
			    res->reason);
	}
	if ((ret || res->outcome != WEBHOOK_DELIVERED) && spooled)
		strbuf_addf(log, "webhook: kept in '%s'; 'grader deliver' sends it again\n",
			    e->path);
	free(url);
}

bool deliver_report(const struct report *r, const struct webhook_opts *wo, struct strbuf *log)
{
	struct spool_entry e = SPOOL_ENTRY_INIT;
	struct webhook_result res;
	struct strbuf err = STRBUF_INIT;
	bool spooled, delivered;
	int ret;

	e.id = xstrdup(r->delivery_id);
	e.url = xstrdup(wo->url);
	e.ca_file = wo->ca_file ? xstrdup(wo->ca_file) : NULL;
	e.created = xstrdup(r->timestamp);
	e.body = report_json(r);
	e.body_len = strlen(e.body);
	/* Spooled before the first attempt: a kill from here on loses nothing. */
	spooled = spool_put(wo->spool, &e, &err) == 0;
	if (!spooled)
		strbuf_addf(log, "webhook: %s; delivering without a spooled copy\n", err.buf);
	ret = webhook_deliver_entry(&e, wo->secret.buf, wo->secret.len, wo->deadline_ms, &res);
	delivered = !ret && res.outcome == WEBHOOK_DELIVERED;
	tell(log, &e, r->exercise, spooled, ret, &res);
	spool_entry_release(&e);
	strbuf_release(&err);
	return delivered;
}
