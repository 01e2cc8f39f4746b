/*
 * digest_tool.c: grader/digest.c from the command line, for tests/unit/digest.py,
 * which compares what it prints with the openssl tool's.
 *
 *   digest_tool sha256 FILE            sha256_update_file: the file in blocks
 *   digest_tool sha256-chunks FILE N   the file mapped, sha256_update N
 *                                      bytes at a time; N 0: sha256_hex at once
 *   digest_tool hmac KEYFILE FILE      hmac_sha256_hex, keyed by KEYFILE's bytes
 *
 * Prints 64 hex digits and a newline; exit 2 on bad usage or unreadable files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "util.h"

struct mapped {
	char *p;
	size_t len;
};

/* The file's bytes, mapped: no copy, so tests/bench/digest.sh times the hash. */
static int map_file(const char *path, struct mapped *m)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	m->p = NULL;
	m->len = 0;
	if (fd < 0 || fstat(fd, &st) < 0) {
		ret = -errno;
	} else if (st.st_size > 0) {
		m->p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m->p == MAP_FAILED) {
			m->p = NULL;
			ret = -errno;
		} else {
			m->len = (size_t)st.st_size;
		}
	}
	if (fd >= 0)
		close(fd);
	if (ret)
		fprintf(stderr, "digest_tool: cannot read '%s': %s\n", path, strerror(-ret));
	return ret;
}

static void unmap_file(struct mapped *m)
{
	if (m->p)
		munmap(m->p, m->len);
}

int main(int argc, char **argv)
{
	struct mapped a = { NULL, 0 }, b = { NULL, 0 };
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

		if (map_file(argv[2], &a))
			goto out;
		if (n == 0) {
			sha256_hex(a.len ? a.p : "", a.len, hex);
		} else {
			sha256_init(&c);
			for (off = 0; off < a.len; off += n)
				sha256_update(&c, a.p + off, a.len - off < n ? a.len - off : n);
			sha256_final(&c, d);
			hex_encode(d, 32, hex);
		}
	} else if (argc == 4 && !strcmp(argv[1], "hmac")) {
		if (map_file(argv[2], &a) || map_file(argv[3], &b))
			goto out;
		hmac_sha256_hex(a.len ? a.p : "", a.len, b.len ? b.p : "", b.len, hex);
	} else {
		fprintf(stderr, "usage: digest_tool sha256 FILE | sha256-chunks FILE N | "
				"hmac KEYFILE FILE\n");
		goto out;
	}
	printf("%s\n", hex);
	ret = 0;
out:
	unmap_file(&a);
	unmap_file(&b);
	return ret;
}
