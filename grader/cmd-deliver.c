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
#include "deliver.h"
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
	WEBHOOK_USAGE_SECRET_FILE WEBHOOK_USAGE_CA WEBHOOK_USAGE_DEADLINE "\n"
	"--webhook-ca replaces the CA file a report was spooled with; the deadline\n"
	"holds for each report.\n\n"
	"exit status: 0 the spool is empty (everything delivered), 2 bad usage,\n"
	"3 the spool cannot be read, 4 some reports are still not delivered\n";

int cmd_deliver(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "spool", required_argument, NULL, 'd' },
		WEBHOOK_OPTION_SECRET_FILE,
		WEBHOOK_OPTION_CA,
		WEBHOOK_OPTION_DEADLINE,
		{ NULL, 0, NULL, 0 },
	};
	struct webhook_opts wo = WEBHOOK_OPTS_INIT;
	struct strbuf err = STRBUF_INIT;
	char **ids = NULL;
	size_t n = 0, i, left = 0;
	int c, ret, status = EXIT_USAGE;

	if (wants_help(argc, argv, usage))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd') {
			free(wo.spool);
			wo.spool = xstrdup(optarg);
			continue;
		}
		if (!webhook_option(c)) {
			fputs(usage, stderr);
			goto out;
		}
		if (webhook_opts_parse(&wo, c, optarg, &err)) {
			error("%s", err.buf);
			goto out;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		goto out;
	}
	if (webhook_opts_setup(&wo, true, &err)) {
		error("%s", err.buf);
		goto out;
	}
	status = EXIT_PASSED;
	ret = spool_list(wo.spool, &ids, &n);
	if (ret) {
		error("cannot read the spool '%s': %s", wo.spool, strerror(-ret));
		status = EXIT_GRADER;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct spool_entry e = SPOOL_ENTRY_INIT;
		struct webhook_result res;
		char *url;

		strbuf_reset(&err);
		ret = spool_load(wo.spool, ids[i], &e, &err);
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
		if (wo.ca_file) {
			free(e.ca_file);
			e.ca_file = xstrdup(wo.ca_file);
		}
		url = webhook_redacted_url(e.url);
		ret = webhook_deliver_entry(&e, wo.secret.buf, wo.secret.len, wo.deadline_ms, &res);
		if (ret) {
			error("cannot set up libcurl: %s", webhook_setup_error(ret));
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
	webhook_opts_release(&wo);
	strbuf_release(&err);
	return status;
}
