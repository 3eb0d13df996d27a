/*
 * Bearer tokens: shape, checksum, hashing. The fixed tokens below were made
 * independently (Python's zlib.crc32 and hashlib.sha256), so they also pin
 * the CRC variant and the base62 spelling.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <string.h>

#include "token.h"

#define KNOWN_A "svk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa4SHDYg"
#define KNOWN_A_SHA256 "022fad780cb1663c55e4a8b27e9c2ced1f2d19106e74bf1e49db52ce9262facf"
#define KNOWN_B "svk_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg37cCQ0"
#define KNOWN_B_SHA256 "aafc68279bd07ccc25395ca7466f1fac0f64916c490bb8d8f33d98a142f6d87a"

static bool is_base62(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

Test(token, generate_has_the_shape)
{
	char t[TOKEN_LEN + 1];

	for (int n = 0; n < 200; n++) {
		cr_assert_eq(token_generate(t, sizeof t), 0);
		cr_assert_eq(strlen(t), TOKEN_LEN);
		cr_assert_eq(TOKEN_LEN, 53);
		cr_assert_eq(strncmp(t, "svk_", 4), 0);
		for (size_t i = 4; i < TOKEN_LEN; i++)
			cr_assert(is_base62(t[i]), "%s: char %zu", t, i);
		cr_assert(token_well_formed(t, strlen(t)), "%s", t);
	}
}

Test(token, generate_is_not_repeated)
{
	char a[TOKEN_LEN + 1], b[TOKEN_LEN + 1];

	cr_assert_eq(token_generate(a, sizeof a), 0);
	cr_assert_eq(token_generate(b, sizeof b), 0);
	cr_assert_str_neq(a, b);
}

Test(token, generate_refuses_short_buffer)
{
	char t[TOKEN_LEN];

	cr_assert_eq(token_generate(t, sizeof t), -1);
	cr_assert_eq(token_generate(NULL, 100), -1);
}

Test(token, known_tokens_are_well_formed)
{
	cr_assert(token_well_formed(KNOWN_A, strlen(KNOWN_A)));
	cr_assert(token_well_formed(KNOWN_B, strlen(KNOWN_B)));
}

Test(token, every_single_change_is_caught)
{
	/* CRC-32 catches every change of one character in the random part,
	 * and the base62 spelling of a CRC is unique, so every change of one
	 * character anywhere after the prefix is caught. */
	for (size_t i = 0; i < TOKEN_LEN; i++) {
		char t[TOKEN_LEN + 1];

		memcpy(t, KNOWN_B, sizeof t);
		t[i] = t[i] == 'x' ? 'y' : 'x';
		cr_assert_not(token_well_formed(t, TOKEN_LEN), "position %zu", i);
	}
}

struct shape_case {
	char s[80]; /* inline: Criterion re-executes the binary, so no pointers */
};

ParameterizedTestParameters(token, malformed)
{
	static struct shape_case cases[] = {
		{ "" },
		{ "svk_" },
		{ "SVK_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg37cCQ0" },
		{ "ghp_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg37cCQ0" },
		{ "svk-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg37cCQ0" },
		{ "svk_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg37cCQ" },
		{ "svk_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg37cCQ00" },
		{ "svk_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef_37cCQ0" },
		{ "svk_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg37cCQ1" },
		{ "svk_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgzzzzzz" },
		{ " svk_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg37cCQ" },
		{ "svk_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg37cC\n0" },
	};
	return cr_make_param_array(struct shape_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct shape_case *c, token, malformed, table_none, table_none)
{
	cr_assert_not(token_well_formed(c->s, strlen(c->s)), "\"%s\"", c->s);
}

Test(token, well_formed_uses_len_not_nul)
{
	char buf[TOKEN_LEN + 8];

	memcpy(buf, KNOWN_B, TOKEN_LEN);
	memcpy(buf + TOKEN_LEN, "garbage", 8);
	cr_assert(token_well_formed(buf, TOKEN_LEN));
	cr_assert_not(token_well_formed(buf, TOKEN_LEN + 1));
	cr_assert_not(token_well_formed(NULL, TOKEN_LEN));
}

Test(token, hash_hex_matches_sha256)
{
	char h[TOKEN_HASH_HEX_LEN + 1];

	cr_assert_eq(token_hash_hex(KNOWN_A, strlen(KNOWN_A), h, sizeof h), 0);
	cr_assert_str_eq(h, KNOWN_A_SHA256);
	cr_assert_eq(token_hash_hex(KNOWN_B, strlen(KNOWN_B), h, sizeof h), 0);
	cr_assert_str_eq(h, KNOWN_B_SHA256);
	cr_assert_eq(token_hash_hex("abc", 3, h, sizeof h), 0);
	cr_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223"
			    "b00361a396177a9cb410ff61f20015ad");
}

Test(token, hash_hex_uses_len)
{
	char h1[TOKEN_HASH_HEX_LEN + 1], h2[TOKEN_HASH_HEX_LEN + 1];

	cr_assert_eq(token_hash_hex("abcdef", 3, h1, sizeof h1), 0);
	cr_assert_eq(token_hash_hex("abc", 3, h2, sizeof h2), 0);
	cr_assert_str_eq(h1, h2);
}

Test(token, hash_hex_refuses_short_buffer)
{
	char h[TOKEN_HASH_HEX_LEN];

	cr_assert_eq(token_hash_hex("abc", 3, h, sizeof h), -1);
	cr_assert_eq(token_hash_hex(NULL, 0, h, 100), -1);
}
