/*
 * webhook.c: signed, retried HTTP delivery of a json report (libcurl).
 *
 * libcurl is loaded the first time a report is delivered, not when the
 * grader starts: linked in, it and the thirty libraries it pulls in (TLS,
 * Kerberos, LDAP, ...) cost every grader process about 5 ms of start-up,
 * a grading or `grader --version` alike, which most never repay.
 */
#define CURL_DISABLE_TYPECHECK /* curl_easy_setopt is called through a pointer */
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "digest.h"
#include "text-escape.h"
#include "version.h"
#include "webhook.h"
#include "util.h"

#define SNIPPET_MAX 160
#define BACKOFF_BASE_MS 500L
#define BACKOFF_CAP_MS 8000L

#define LIBCURL_SONAME "libcurl.so.4"

/* The part of libcurl's API used here, from the library loaded at run time. */
static struct {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	void (*easy_reset)(CURL *c);
	CURLcode (*easy_setopt)(CURL *c, CURLoption option, ...);
	CURLcode (*easy_perform)(CURL *c);
	CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
	const char *(*easy_strerror)(CURLcode code);
	void (*easy_cleanup)(CURL *c);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
	void (*slist_free_all)(struct curl_slist *list);
	time_t (*getdate)(const char *s, const time_t *unused);
	bool ready;
} lc;

static pthread_once_t lc_once = PTHREAD_ONCE_INIT;

/* POSIX's way to turn dlsym's answer into a function pointer (dlsym(3)). */
#define LOAD(h, field, name) ((*(void **)&lc.field = dlsym(h, name)) != NULL)

static void load_curl_once(void)
{
	void *h = dlopen(LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL);

	lc.ready = h && LOAD(h, global_init, "curl_global_init") &&
		   LOAD(h, easy_init, "curl_easy_init") && LOAD(h, easy_reset, "curl_easy_reset") &&
		   LOAD(h, easy_setopt, "curl_easy_setopt") &&
		   LOAD(h, easy_perform, "curl_easy_perform") &&
		   LOAD(h, easy_getinfo, "curl_easy_getinfo") &&
		   LOAD(h, easy_strerror, "curl_easy_strerror") &&
		   LOAD(h, easy_cleanup, "curl_easy_cleanup") &&
		   LOAD(h, slist_append, "curl_slist_append") &&
		   LOAD(h, slist_free_all, "curl_slist_free_all") && LOAD(h, getdate, "curl_getdate");
}

/* Loads libcurl once per process: 0, or -ELIBACC when it is not installed. */
static int load_curl(void)
{
	pthread_once(&lc_once, load_curl_once);
	return lc.ready ? 0 : -ELIBACC;
}

const char *webhook_setup_error(int ret)
{
	if (ret == -ELIBACC)
		return "cannot load " LIBCURL_SONAME " (on Debian, install libcurl4)";
	return strerror(-ret);
}

/* What one attempt brought back. */
struct attempt {
	CURLcode code;
	long status;
	long retry_after_ms;           /* -1: no Retry-After */
	char snippet[SNIPPET_MAX + 1]; /* the start of the answer's body */
	size_t snippet_len;
	char errbuf[CURL_ERROR_SIZE];
};

bool webhook_status_retryable(long status)
{
	return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

/* Transport errors that another attempt may not meet. */
static bool code_retryable(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_WEIRD_SERVER_REPLY:
		return true;
	default:
		return false;
	}
}

long webhook_backoff_ms(int n, uint64_t rnd)
{
	long base = BACKOFF_BASE_MS;

	while (--n > 0 && base < BACKOFF_CAP_MS)
		base *= 2;
	if (base > BACKOFF_CAP_MS)
		base = BACKOFF_CAP_MS;
	/* "Equal jitter": half fixed, half random, so retries of many graders spread out. */
	return base / 2 + (long)(rnd % (uint64_t)(base / 2 + 1));
}

long webhook_retry_after_ms(const char *value, time_t now)
{
	uint64_t secs;
	time_t when;
	char *v = xstrdup(value), *s = v, *e;
	long ret = -1;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	if (parse_u64(s, &secs)) {
		ret = secs > 86400 ? 86400000L : (long)secs * 1000;
	} else if (*s && load_curl() == 0 && (when = lc.getdate(s, NULL)) != -1) {
		ret = when <= now ? 0 : when - now > 86400 ? 86400000L : (long)(when - now) * 1000;
	}
	free(v);
	return ret;
}

char *webhook_redacted_url(const char *url)
{
	const char *scheme = strstr(url, "://"), *auth, *at, *end;
	struct strbuf sb = STRBUF_INIT;

	if (!scheme)
		return xstrdup(url);
	auth = scheme + 3;
	end = auth + strcspn(auth, "/?#");
	at = memchr(auth, '@', (size_t)(end - auth));
	if (!at)
		return xstrdup(url);
	strbuf_add(&sb, url, (size_t)(auth - url));
	strbuf_addstr(&sb, "***");
	strbuf_addstr(&sb, at);
	return strbuf_detach(&sb);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The answer's body is not kept: its start names the problem, at most. */
static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct attempt *a = ud;
	size_t len = size * n, room = SNIPPET_MAX - a->snippet_len;

	if (room > len)
		room = len;
	memcpy(a->snippet + a->snippet_len, p, room);
	a->snippet_len += room;
	a->snippet[a->snippet_len] = '\0';
	return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct attempt *a = ud;
	size_t len = size * n;
	static const char name[] = "retry-after:";

	/* A new status line starts a new answer (after a 100 Continue). */
	if (len >= 5 && !memcmp(p, "HTTP/", 5))
		a->retry_after_ms = -1;
	if (len > strlen(name) && len < 200 && !strncasecmp(p, name, strlen(name))) {
		char value[200];

		memcpy(value, p + strlen(name), len - strlen(name));
		value[len - strlen(name)] = '\0';
		a->retry_after_ms = webhook_retry_after_ms(value, time(NULL));
	}
	return len;
}

static CURLcode perform(CURL *c, const struct webhook *w, struct curl_slist *headers,
			long timeout_ms, struct attempt *a)
{
	memset(a, 0, sizeof(*a));
	a->retry_after_ms = -1;
	lc.easy_reset(c);
	lc.easy_setopt(c, CURLOPT_URL, w->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	lc.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	lc.easy_setopt(c, CURLOPT_POST, 1L);
	lc.easy_setopt(c, CURLOPT_POSTFIELDS, w->body);
	lc.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)w->body_len);
	lc.easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	lc.easy_setopt(c, CURLOPT_USERAGENT, "grader/" GRADER_VERSION);
	lc.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	lc.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	lc.easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	lc.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	lc.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	lc.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (w->ca_file)
		lc.easy_setopt(c, CURLOPT_CAINFO, w->ca_file);
	lc.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	lc.easy_setopt(c, CURLOPT_WRITEDATA, a);
	lc.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	lc.easy_setopt(c, CURLOPT_HEADERDATA, a);
	lc.easy_setopt(c, CURLOPT_ERRORBUFFER, a->errbuf);
	a->code = lc.easy_perform(c);
	if (a->code == CURLE_OK)
		lc.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a->status);
	return a->code;
}

static void describe(const struct attempt *a, char *out, size_t len)
{
	struct strbuf sb = STRBUF_INIT;

	if (a->code != CURLE_OK) {
		strbuf_addstr(&sb, *a->errbuf ? a->errbuf : lc.easy_strerror(a->code));
	} else {
		strbuf_addf(&sb, "HTTP %ld", a->status);
		if (a->snippet_len) {
			strbuf_addstr(&sb, ": ");
			/* The receiver's words, shown but never trusted. */
			text_line(&sb, a->snippet, 120);
		}
	}
	snprintf(out, len, "%s", strbuf_str(&sb));
	strbuf_release(&sb);
}

static struct curl_slist *make_headers(const struct webhook *w)
{
	struct curl_slist *h = NULL;
	struct strbuf sb = STRBUF_INIT;
	char mac[65];

	hmac_sha256_hex(w->secret, w->secret_len, w->body, w->body_len, mac);
	h = lc.slist_append(h, "Content-Type: application/json");
	/* No "Expect: 100-continue" round trip before a large body. */
	h = lc.slist_append(h, "Expect:");
	h = lc.slist_append(h, "X-Grader-Event: report");
	strbuf_addf(&sb, "X-Grader-Delivery: %s", w->delivery_id);
	h = lc.slist_append(h, sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "X-Grader-Signature-256: sha256=%s", mac);
	h = lc.slist_append(h, sb.buf);
	strbuf_release(&sb);
	return h;
}

int webhook_deliver(const struct webhook *w, struct webhook_result *res)
{
	static bool initialised;
	long start = (long)now_ms(), deadline = start + w->deadline_ms;
	struct curl_slist *headers;
	struct attempt a;
	CURL *c;
	int n;

	memset(res, 0, sizeof(*res));
	res->outcome = WEBHOOK_FAILED;
	/* Not thread-safe: called once grading is over and its threads are gone. */
	if (!initialised) {
		int ret = load_curl();

		if (ret)
			return ret;
		if (lc.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return -ENOMEM;
		initialised = true;
	}
	c = lc.easy_init();
	if (!c)
		return -ENOMEM;
	headers = make_headers(w);
	if (!headers) {
		lc.easy_cleanup(c);
		return -ENOMEM;
	}
	for (n = 1;; n++) {
		long remaining = deadline - (long)now_ms(), wait;

		if (remaining <= 0)
			break;
		perform(c, w, headers, remaining < WEBHOOK_ATTEMPT_MS ? remaining : WEBHOOK_ATTEMPT_MS,
			&a);
		res->attempts = n;
		res->status = a.code == CURLE_OK ? a.status : 0;
		describe(&a, res->reason, sizeof(res->reason));
		if (a.code == CURLE_OK && a.status >= 200 && a.status <= 299) {
			res->outcome = WEBHOOK_DELIVERED;
			res->reason[0] = '\0';
			break;
		}
		if (a.code == CURLE_OK && !webhook_status_retryable(a.status)) {
			res->outcome = WEBHOOK_REJECTED;
			break;
		}
		if (a.code != CURLE_OK && !code_retryable(a.code))
			break;
		wait = webhook_backoff_ms(n, random_u64());
		if (a.retry_after_ms > wait)
			wait = a.retry_after_ms;
		if ((long)now_ms() + wait >= deadline) {
			size_t used = strlen(res->reason);

			if (a.retry_after_ms >= 0 && a.retry_after_ms >= deadline - (long)now_ms())
				snprintf(res->reason + used, sizeof(res->reason) - used,
					 "; the receiver asked to wait %ld s, past the deadline",
					 a.retry_after_ms / 1000);
			break;
		}
		sleep_ms(wait);
	}
	if (res->outcome == WEBHOOK_FAILED && res->attempts > 0) {
		size_t used = strlen(res->reason);

		snprintf(res->reason + used, sizeof(res->reason) - used, " (%d attempt%s in %.1f s)",
			 res->attempts, res->attempts == 1 ? "" : "s",
			 (now_ms() - (double)start) / 1000.0);
	} else if (res->attempts == 0) {
		snprintf(res->reason, sizeof(res->reason), "no time left for an attempt");
	}
	lc.slist_free_all(headers);
	lc.easy_cleanup(c);
	return 0;
}

int webhook_deliver_entry(struct spool_entry *e, const char *secret, size_t secret_len,
			  long deadline_ms, struct webhook_result *res)
{
	struct webhook w = {
		.url = e->url,
		.ca_file = e->ca_file,
		.secret = secret,
		.secret_len = secret_len,
		.delivery_id = e->id,
		.body = e->body,
		.body_len = e->body_len,
		.deadline_ms = deadline_ms,
	};
	int ret = webhook_deliver(&w, res);

	/* Not locked: spool_put() failed and there is nothing to remove. */
	if (ret || res->outcome != WEBHOOK_DELIVERED || e->lock_fd < 0)
		return ret;
	ret = spool_remove(e);
	if (ret)
		snprintf(res->reason, sizeof(res->reason),
			 "delivered, but not removed from the spool (%s): it will be sent again",
			 strerror(-ret));
	return 0;
}
