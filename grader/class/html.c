/*
 * html.c: the parts every class page shares.
 */
#include <string.h>

#include "digest.h"
#include "html.h"
#include "util.h"

static const char css[] =
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;"
	"color:#1d2330;background:#f6f7f9}"
	"main{max-width:1100px;margin:0 auto;padding:24px}"
	"h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 10px}"
	"h3{font-size:16px;margin:18px 0 8px}"
	"section{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:4px 20px 18px;"
	"margin-top:18px}"
	".sub{color:#5b6475;margin:0 0 12px}"
	"#overview{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0 0;padding:0}"
	"#overview div{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:10px 16px;"
	"min-width:110px}"
	"#overview dt{font-size:12px;color:#5b6475;text-transform:uppercase;letter-spacing:.04em}"
	"#overview dd{margin:0;font-size:22px;font-weight:600}"
	"table{border-collapse:collapse;width:100%}"
	"th,td{text-align:left;padding:5px 10px;border-bottom:1px solid #eceef2;vertical-align:top}"
	"th{font-size:12px;color:#5b6475;text-transform:uppercase;letter-spacing:.04em}"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	".bar{fill:#3d6fd8}.count{font-size:13px;fill:#1d2330}.label{font-size:12px;fill:#5b6475}"
	".axis{stroke:#9aa3b2}.track{fill:#e8ebf0}.pass-bar{fill:#2f9e66}"
	".st{display:inline-block;padding:0 8px;border-radius:10px;font-size:13px}"
	".st-passed{background:#dcf3e6;color:#17623c}"
	".st-failed,.st-timeout,.st-memory,.st-output_limit{background:#fde7d6;color:#8a3d06}"
	".st-compile_error,.st-crashed,.st-forbidden,.st-memory_error{background:#fbdada;"
	"color:#8f1d1d}"
	".st-missing,.st-ambiguous,.st-invalid,.st-skipped{background:#ece4fb;color:#4b2a8c}"
	".st-error,.st-pending{background:#1d2330;color:#fff}"
	"ol#hints li{margin:6px 0}.where{color:#5b6475;font-size:13px}"
	".note{color:#5b6475;font-size:13px}"
	"pre{background:#f3f4f7;border:1px solid #e3e6ec;border-radius:6px;padding:8px 10px;"
	"margin:6px 0;max-height:360px;overflow:auto;white-space:pre-wrap;word-break:break-word}"
	".hint{margin:6px 0}.hidden{color:#5b6475;font-style:italic}"
	"a{color:#2c59b8}";

/*
 * Every page declares charset utf-8, and a student's name is a file name,
 * whose bytes need not be UTF-8: s is made valid first.
 */
void html_esc(struct strbuf *sb, const char *s)
{
	struct strbuf clean = STRBUF_INIT;
	const char *p;

	if (s)
		strbuf_add_utf8(&clean, s, strlen(s));
	for (p = strbuf_str(&clean); *p; p++) {
		switch (*p) {
		case '&': strbuf_addstr(sb, "&amp;"); break;
		case '<': strbuf_addstr(sb, "&lt;"); break;
		case '>': strbuf_addstr(sb, "&gt;"); break;
		case '"': strbuf_addstr(sb, "&quot;"); break;
		case '\'': strbuf_addstr(sb, "&#39;"); break;
		default:
			if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
				strbuf_addstr(sb, "\xef\xbf\xbd"); /* U+FFFD */
			else
				strbuf_addch(sb, *p);
		}
	}
	strbuf_release(&clean);
}

void html_begin(struct strbuf *sb, const char *title)
{
	strbuf_addstr(sb, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
		      "'none'; style-src 'unsafe-inline'\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
		      "<title>");
	html_esc(sb, title);
	strbuf_addf(sb, "</title>\n<style>%s</style></head>\n<body><main>\n", css);
}

void html_end(struct strbuf *sb)
{
	strbuf_addstr(sb, "</main></body></html>\n");
}

void html_score(struct strbuf *sb, double v)
{
	char buf[SCORE_BUF];

	format_score(v, buf);
	strbuf_addstr(sb, buf);
}

void html_badge(struct strbuf *sb, const char *status)
{
	/* Statuses are the grader's own words ([a-z_]), never a learner's. */
	strbuf_addstr(sb, "<span class=\"st st-");
	html_esc(sb, status);
	strbuf_addstr(sb, "\">");
	html_esc(sb, status);
	strbuf_addstr(sb, "</span>");
}

void html_page_name(struct strbuf *sb, const char *name)
{
	static const char hex[] = "0123456789abcdef";
	size_t start = sb->len;
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-') {
			strbuf_addch(sb, (char)*p);
		} else {
			strbuf_addch(sb, '_');
			strbuf_addch(sb, hex[*p >> 4]);
			strbuf_addch(sb, hex[*p & 15]);
		}
		if (sb->len - start > HTML_NAME_MAX) {
			char digest[65];

			/* Cut at a whole byte's encoding: the first HTML_NAME_MAX - 20 or so. */
			while (sb->len - start > HTML_NAME_MAX - 20 || sb->buf[sb->len - 1] == '_' ||
			       (sb->len - start >= 2 && sb->buf[sb->len - 2] == '_')) {
				sb->len--;
				sb->buf[sb->len] = '\0';
			}
			sha256_hex(name, strlen(name), digest);
			strbuf_addf(sb, "~%.16s", digest);
			return;
		}
	}
}

void html_student_href(struct strbuf *sb, const char *student)
{
	strbuf_addstr(sb, "students/");
	html_page_name(sb, student);
	strbuf_addstr(sb, ".html");
}

void html_test_href(struct strbuf *sb, const char *exercise, const char *test)
{
	strbuf_addstr(sb, "tests/");
	html_page_name(sb, exercise);
	strbuf_addch(sb, '/');
	html_page_name(sb, test);
	strbuf_addstr(sb, ".html");
}

static void page_link(struct strbuf *sb, const char *cls, const struct strbuf *href,
		      const char *text)
{
	strbuf_addf(sb, "<a class=\"%s\" href=\"", cls);
	html_esc(sb, href->buf);
	strbuf_addstr(sb, "\">");
	html_esc(sb, text);
	strbuf_addstr(sb, "</a>");
}

void html_student_link(struct strbuf *sb, const char *up, const char *student)
{
	struct strbuf href = STRBUF_INIT;

	strbuf_addstr(&href, up);
	html_student_href(&href, student);
	page_link(sb, "student-link", &href, student);
	strbuf_release(&href);
}

void html_test_link(struct strbuf *sb, const char *up, const char *exercise, const char *test)
{
	struct strbuf href = STRBUF_INIT;

	strbuf_addstr(&href, up);
	html_test_href(&href, exercise, test);
	page_link(sb, "test-link", &href, test);
	strbuf_release(&href);
}
