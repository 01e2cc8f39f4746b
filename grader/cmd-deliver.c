/*
 * cmd-deliver.c: grader deliver
 *
 * Re-sends every report the webhook spool holds, under its own delivery
 * id, and says what became of each.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "spool.h"
#include "webhook.h"
#include "util.h"

static const char usage[] =
	"usage: grader deliver [options]\n\n"
	"Re-sends every webhook report that 'grader check --webhook' could not\n"
	"deliver (a receiver down, a refusal, a grader killed mid-delivery), to\n"
	"the URL it was meant for and with its original delivery id, so that\n"
	"receivers can drop duplicates. A report leaves the spool only after a\n"
	"2xx answer. One line per report: delivered, rejected (kept) or still\n"
	"failing (kept), with the reason.\n\n"
	"  --spool DIR       the spool (default: $GRADER_SPOOL_DIR, else\n"
	"                    $XDG_STATE_HOME/grader/spool, else\n"
	"                    ~/.local/state/grader/spool)\n"
	"  --webhook-secret-file FILE\n"
	"                    the signing secret (default: $GRADER_WEBHOOK_SECRET)\n"
	"  --webhook-ca FILE CA certificates, instead of the ones the report was\n"
	"                    spooled with\n"
	"  --webhook-deadline SECONDS\n"
	"                    retry each report for at most this long (default 30)\n\n"
	"exit status: 0 the spool is empty (everything delivered), 2 bad usage,\n"
	"3 the spool cannot be read, 4 some reports are still not delivered\n";

int cmd_deliver(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "spool", required_argument, NULL, 'd' },
		{ "webhook-secret-file", required_argument, NULL, 'S' },
		{ "webhook-ca", required_argument, NULL, 'C' },
		{ "webhook-deadline", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	struct strbuf err = STRBUF_INIT, secret = STRBUF_INIT;
	const char *secret_file = NULL, *ca_file = NULL;
	long deadline_ms = WEBHOOK_DEADLINE_MS;
	char *dir = NULL, **ids = NULL;
	size_t n = 0, i, left = 0;
	int c, ret, status = EXIT_PASSED;

	if (wants_help(argc, argv, usage))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			free(dir);
			dir = xstrdup(optarg);
			break;
		case 'S':
			secret_file = optarg;
			break;
		case 'C':
			ca_file = optarg;
			break;
		case 'D':
			if (!webhook_parse_seconds(optarg, &deadline_ms)) {
				error("--webhook-deadline: expected seconds (at most 3600), not '%s'",
				      optarg);
				free(dir);
				return EXIT_USAGE;
			}
			break;
		default:
			fputs(usage, stderr);
			free(dir);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		status = EXIT_USAGE;
		goto out;
	}
	ret = webhook_secret(secret_file, &secret, &err);
	if (ret) {
		if (ret == -ENOENT && !secret_file)
			error("no signing secret: set GRADER_WEBHOOK_SECRET or use "
			      "--webhook-secret-file FILE");
		else
			error("%s", err.buf);
		status = EXIT_USAGE;
		goto out;
	}
	if (!dir && !(dir = spool_dir())) {
		error("no spool directory: set GRADER_SPOOL_DIR or HOME, or use --spool DIR");
		status = EXIT_USAGE;
		goto out;
	}
	ret = spool_list(dir, &ids, &n);
	if (ret) {
		error("cannot read the spool '%s': %s", dir, strerror(-ret));
		status = EXIT_GRADER;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct spool_entry e = SPOOL_ENTRY_INIT;
		struct webhook_result res;
		char *url;

		strbuf_reset(&err);
		ret = spool_load(dir, ids[i], &e, &err);
		if (ret == -ENOENT) {
			/* Delivered by someone else since we listed it. */
			spool_entry_release(&e);
			continue;
		}
		if (ret == -EAGAIN) {
			printf("busy %s: another grader is delivering it\n", ids[i]);
			left++;
			spool_entry_release(&e);
			continue;
		}
		if (ret) {
			printf("unreadable %s: %s\n", ids[i],
			       err.len ? err.buf : strerror(-ret));
			left++;
			spool_entry_release(&e);
			continue;
		}
		if (ca_file) {
			free(e.ca_file);
			e.ca_file = xstrdup(ca_file);
		}
		url = webhook_redacted_url(e.url);
		ret = webhook_deliver_entry(&e, secret.buf, secret.len, deadline_ms, &res);
		if (ret) {
			error("cannot set up libcurl: %s", strerror(-ret));
			status = EXIT_GRADER;
			left++;
		} else if (res.outcome == WEBHOOK_DELIVERED) {
			printf("delivered %s to %s%s%s\n", e.id, url, *res.reason ? ": " : "",
			       res.reason);
		} else {
			printf("%s %s to %s: %s (kept in the spool)\n",
			       res.outcome == WEBHOOK_REJECTED ? "rejected" : "still failing", e.id,
			       url, res.reason);
			left++;
		}
		fflush(stdout);
		free(url);
		spool_entry_release(&e);
	}
	if (left && status == EXIT_PASSED)
		status = EXIT_UNDELIVERED;
out:
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	free(dir);
	strbuf_release(&err);
	strbuf_release(&secret);
	return status;
}
