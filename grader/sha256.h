/*
 * sha256.h: SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), for receipts
 * and webhook signatures.
 */
#ifndef GRADER_SHA256_H
#define GRADER_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t total;
	unsigned char block[64];
	size_t used;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t len);
void sha256_final(struct sha256 *c, unsigned char out[32]);

/* Hex digest of data: out receives 64 hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char out[65]);
void hmac_sha256_hex(const void *key, size_t keylen, const void *data, size_t len,
		     char out[65]);
void hex_encode(const unsigned char *in, size_t len, char *out);

#endif /* GRADER_SHA256_H */
