/*
 * digest.c: SHA-256 and HMAC-SHA256 through OpenSSL 3's EVP interfaces, the
 * only file that includes an OpenSSL header (CMakeLists.txt, "Layers").
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "digest.h"

/*
 * The algorithms, fetched once from the default provider and kept for the
 * life of the process: an implicit fetch at every digest costs more than a
 * short digest does, and grading threads share them (they are read-only).
 */
static EVP_MD *sha256_md;
static EVP_MAC *hmac_mac;
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void crypto_failed(const char *what)
{
	unsigned long e = ERR_get_error();
	char reason[256] = "unknown error";

	if (e)
		ERR_error_string_n(e, reason, sizeof(reason));
	fprintf(stderr, "grader: libcrypto: %s failed: %s\n", what, reason);
	abort();
}

static void fetch_algorithms(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	hmac_mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

static void fetch(void)
{
	pthread_once(&fetch_once, fetch_algorithms);
	if (!sha256_md)
		crypto_failed("fetching SHA256");
	if (!hmac_mac)
		crypto_failed("fetching HMAC");
}

void sha256_init(struct sha256 *c)
{
	fetch();
	c->ctx = EVP_MD_CTX_new();
	if (!c->ctx || !EVP_DigestInit_ex2(c->ctx, sha256_md, NULL))
		crypto_failed("SHA-256 init");
}

void sha256_update(struct sha256 *c, const void *data, size_t len)
{
	if (len && !EVP_DigestUpdate(c->ctx, data, len))
		crypto_failed("SHA-256 update");
}

int sha256_update_file(struct sha256 *c, const char *path)
{
	unsigned char block[65536];
	struct stat st;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL; /* a fifo could block */
		goto out_close;
	}
	for (;;) {
		ssize_t n = read(fd, block, sizeof(block));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		sha256_update(c, block, (size_t)n);
	}
out_close:
	close(fd);
	return ret;
}

void sha256_final(struct sha256 *c, unsigned char out[32])
{
	unsigned int n = 0;

	if (!EVP_DigestFinal_ex(c->ctx, out, &n) || n != 32)
		crypto_failed("SHA-256 final");
	EVP_MD_CTX_free(c->ctx);
	c->ctx = NULL;
}

void hex_encode(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool hex_decode(const char *in, size_t len, unsigned char *out)
{
	size_t i;

	if (len % 2)
		return false;
	for (i = 0; i < len; i += 2) {
		int hi = hex_digit(in[i]), lo = hex_digit(in[i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

void sha256_hex(const void *data, size_t len, char out[65])
{
	struct sha256 c;
	unsigned char d[32];

	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final(&c, d);
	hex_encode(d, 32, out);
}

void hmac_sha256_hex(const void *key, size_t keylen, const void *data, size_t len,
		     char out[65])
{
	/* An empty key is still a key: NULL would ask HMAC to keep a previous one. */
	static const unsigned char no_key[1];
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	unsigned char d[EVP_MAX_MD_SIZE];
	EVP_MAC_CTX *ctx;
	size_t n = 0;

	fetch();
	ctx = EVP_MAC_CTX_new(hmac_mac);
	if (!ctx || !EVP_MAC_init(ctx, keylen ? key : no_key, keylen, params))
		crypto_failed("HMAC-SHA256 init");
	if (len && !EVP_MAC_update(ctx, data, len))
		crypto_failed("HMAC-SHA256 update");
	if (!EVP_MAC_final(ctx, d, &n, sizeof(d)) || n != 32)
		crypto_failed("HMAC-SHA256 final");
	EVP_MAC_CTX_free(ctx);
	hex_encode(d, 32, out);
}
