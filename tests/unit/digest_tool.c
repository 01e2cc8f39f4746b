/*
 * digest_tool.c: grader/digest.c from the command line, for tests/unit/digest.py,
 * which compares what it prints with the openssl tool's.
 *
 *   digest_tool sha256 FILE            sha256_update_file: the file in blocks
 *   digest_tool sha256-chunks FILE N   the file in memory, sha256_update N
 *                                      bytes at a time; N 0: sha256_hex at once
 *   digest_tool hmac KEYFILE FILE      hmac_sha256_hex, keyed by KEYFILE's bytes
 *
 * Prints 64 hex digits and a newline; exit 2 on bad usage or unreadable files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "util.h"

static int slurp(const char *path, struct strbuf *sb)
{
	int ret = read_file(path, 64 << 20, false, sb);

	if (ret)
		fprintf(stderr, "digest_tool: cannot read '%s': %s\n", path, strerror(-ret));
	return ret;
}

int main(int argc, char **argv)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	unsigned char d[32];
	char hex[65];
	int ret = 2;

	if (argc == 3 && !strcmp(argv[1], "sha256")) {
		struct sha256 c;
		int err;

		sha256_init(&c);
		err = sha256_update_file(&c, argv[2]);
		sha256_final(&c, d);
		if (err) {
			fprintf(stderr, "digest_tool: cannot hash '%s': %s\n", argv[2], strerror(-err));
			goto out;
		}
		hex_encode(d, 32, hex);
	} else if (argc == 4 && !strcmp(argv[1], "sha256-chunks")) {
		size_t n = strtoul(argv[3], NULL, 10), off;
		struct sha256 c;

		if (slurp(argv[2], &a))
			goto out;
		if (n == 0) {
			sha256_hex(a.buf, a.len, hex);
		} else {
			sha256_init(&c);
			for (off = 0; off < a.len; off += n)
				sha256_update(&c, a.buf + off, a.len - off < n ? a.len - off : n);
			sha256_final(&c, d);
			hex_encode(d, 32, hex);
		}
	} else if (argc == 4 && !strcmp(argv[1], "hmac")) {
		if (slurp(argv[2], &a) || slurp(argv[3], &b))
			goto out;
		hmac_sha256_hex(a.buf, a.len, b.buf, b.len, hex);
	} else {
		fprintf(stderr, "usage: digest_tool sha256 FILE | sha256-chunks FILE N | "
				"hmac KEYFILE FILE\n");
		goto out;
	}
	printf("%s\n", hex);
	ret = 0;
out:
	strbuf_release(&a);
	strbuf_release(&b);
	return ret;
}
