/*
 * digest.h: SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto, for receipts,
 * cache keys, shards and webhook signatures. libcrypto is fenced into
 * digest.c: no other file includes an OpenSSL header.
 *
 * A digest the grader cannot compute has no fallback (a cache key or a
 * signature that is silently wrong is worse than none): when libcrypto
 * fails (no memory, SHA-256 unavailable), these functions print why and
 * abort, as xmalloc does.
 */
#ifndef GRADER_DIGEST_H
#define GRADER_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

struct evp_md_ctx_st;

/*
 * An incremental SHA-256: sha256_init, any number of sha256_update, then
 * sha256_final, which writes the digest and frees what sha256_init
 * allocated. Every sha256_init must be matched by one sha256_final.
 */
struct sha256 {
	struct evp_md_ctx_st *ctx;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t len);
/*
 * Hashes the bytes of the file at path, read in blocks, without holding it
 * in memory. Returns 0, or -errno when it cannot be opened or read: then
 * the bytes read before the error are hashed, and nothing else.
 */
int sha256_update_file(struct sha256 *c, const char *path);
void sha256_final(struct sha256 *c, unsigned char out[32]);

/* Hex digest of data: out receives 64 hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char out[65]);
/* HMAC-SHA256 of data keyed by key (keylen may be 0), as 64 hex digits and a NUL. */
void hmac_sha256_hex(const void *key, size_t keylen, const void *data, size_t len,
		     char out[65]);
/* len bytes as 2 * len lower-case hex digits and a NUL. */
void hex_encode(const unsigned char *in, size_t len, char *out);
/*
 * The other way: len hex digits (either case) into len / 2 bytes of out.
 * false when len is odd or a character is not a hex digit.
 */
bool hex_decode(const char *in, size_t len, unsigned char *out);

#endif /* GRADER_DIGEST_H */
