/*
 * Bearer tokens (see token.h): generation from libsodium's CSPRNG, the
 * offline shape-and-checksum test, and the SHA-256 that is all the database
 * ever sees. The checksum is CRC-32 (IEEE 802.3, the one zlib computes) of
 * the 43 random characters, written as 6 base62 digits, most significant
 * first; 62^6 > 2^32, so every CRC has exactly one spelling.
 */
#include "token.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>

#define TOKEN_PREFIX_LEN (sizeof TOKEN_PREFIX - 1)

static const char token_alphabet[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* Bitwise CRC-32, reflected polynomial 0xEDB88320. Tokens are 43 bytes, so
 * a table would buy nothing worth its 1 KiB. */
static uint32_t crc32_ieee(const char *p, size_t n)
{
	uint32_t crc = 0xFFFFFFFFu;

	for (size_t i = 0; i < n; i++) {
		crc ^= (uint8_t)p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return crc ^ 0xFFFFFFFFu;
}

static bool is_base62(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* The 6-character checksum of the random part, into out (no NUL). */
static void token_checksum(const char *random, char out[TOKEN_CHECK_LEN])
{
	uint32_t crc = crc32_ieee(random, TOKEN_RANDOM_LEN);

	for (int i = TOKEN_CHECK_LEN - 1; i >= 0; i--) {
		out[i] = token_alphabet[crc % 62];
		crc /= 62;
	}
}

int token_generate(char *out, size_t outlen)
{
	char *random;

	if (!out || outlen < TOKEN_LEN + 1)
		return -1;
	/* sodium_init is idempotent and thread-safe; a negative result means
	 * no entropy source, and then there must be no token at all. */
	if (sodium_init() < 0)
		return -1;
	memcpy(out, TOKEN_PREFIX, TOKEN_PREFIX_LEN);
	random = out + TOKEN_PREFIX_LEN;
	/* randombytes_uniform rejects the biased tail, so every character is
	 * uniform: 43 * log2(62) ≈ 256 bits. */
	for (size_t i = 0; i < TOKEN_RANDOM_LEN; i++)
		random[i] = token_alphabet[randombytes_uniform(62)];
	token_checksum(random, random + TOKEN_RANDOM_LEN);
	out[TOKEN_LEN] = '\0';
	return 0;
}

bool token_well_formed(const char *s, size_t len)
{
	char check[TOKEN_CHECK_LEN];

	if (!s || len != TOKEN_LEN)
		return false;
	if (memcmp(s, TOKEN_PREFIX, TOKEN_PREFIX_LEN) != 0)
		return false;
	for (size_t i = TOKEN_PREFIX_LEN; i < TOKEN_LEN; i++)
		if (!is_base62(s[i]))
			return false;
	token_checksum(s + TOKEN_PREFIX_LEN, check);
	return memcmp(check, s + TOKEN_PREFIX_LEN + TOKEN_RANDOM_LEN, TOKEN_CHECK_LEN) == 0;
}

int token_hash_hex(const char *token, size_t len, char *out, size_t outlen)
{
	unsigned char digest[crypto_hash_sha256_BYTES];

	if (!token || !out || outlen < TOKEN_HASH_HEX_LEN + 1)
		return -1;
	if (sodium_init() < 0)
		return -1;
	if (crypto_hash_sha256(digest, (const unsigned char *)token, len) != 0)
		return -1;
	/* sodium_bin2hex writes lowercase and the terminating NUL. */
	sodium_bin2hex(out, outlen, digest, sizeof digest);
	return 0;
}
