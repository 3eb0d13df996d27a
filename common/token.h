/*
 * Bearer tokens (SPEC §7): "svk_" + 43 base62 characters of CSPRNG output +
 * a 6-character base62 checksum (CRC-32 of the 43 random characters), so
 * that a leaked token can be recognised offline by secret scanners. Only the
 * SHA-256 of a token is ever stored.
 */
#ifndef SVK_TOKEN_H
#define SVK_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#define TOKEN_PREFIX "svk_"
#define TOKEN_RANDOM_LEN 43
#define TOKEN_CHECK_LEN 6
#define TOKEN_LEN (4 + TOKEN_RANDOM_LEN + TOKEN_CHECK_LEN) /* 53 */
#define TOKEN_HASH_HEX_LEN 64

/* Writes a new NUL-terminated token into out (at least TOKEN_LEN + 1
 * bytes). Returns 0, or -1 when the CSPRNG is not available. */
int token_generate(char *out, size_t outlen);

/* True when s has the token shape and its checksum matches. */
bool token_well_formed(const char *s, size_t len);

/* Lowercase hex SHA-256 of the token, NUL-terminated, into out (at least
 * TOKEN_HASH_HEX_LEN + 1 bytes). Returns 0 or -1. */
int token_hash_hex(const char *token, size_t len, char *out, size_t outlen);

#endif
