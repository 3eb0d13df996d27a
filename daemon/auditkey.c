/*
 * The audit log's signing key (auditkey.h).
 */
#include "auditkey.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

static void derive(struct audit_key *k, const unsigned char seed[32])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_sign_seed_keypair(k->pk, k->sk, seed);
	crypto_hash_sha256(h, k->pk, sizeof k->pk);
	sodium_bin2hex(k->key_id, sizeof k->key_id, h, AUDIT_KEY_ID_LEN / 2);
	sodium_bin2base64(k->pk_b64, sizeof k->pk_b64, k->pk, sizeof k->pk,
			  sodium_base64_VARIANT_ORIGINAL);
	k->loaded = true;
}

int audit_key_load(const char *path, struct audit_key *k, char *err, size_t errlen)
{
	char text[80];
	unsigned char seed[32];
	size_t n, got = 0;
	struct stat st;
	FILE *f;

	memset(k, 0, sizeof *k);
	f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen,
			 "[audit] signing_key %s: %s (make it with samverkand audit-key)", path,
			 strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077) != 0) {
		fclose(f);
		snprintf(err, errlen, "[audit] signing_key %s: readable by others (chmod 600 it)",
			 path);
		return -1;
	}
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
		text[--n] = '\0';
	if (sodium_hex2bin(seed, sizeof seed, text, n, NULL, &got, NULL) != 0 ||
	    got != sizeof seed) {
		sodium_memzero(text, sizeof text);
		snprintf(err, errlen, "[audit] signing_key %s: not a key (64 hex digits)", path);
		return -1;
	}
	derive(k, seed);
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(text, sizeof text);
	return 0;
}

void audit_key_clear(struct audit_key *k)
{
	sodium_memzero(k, sizeof *k);
}

/* A new key file at path (never over an existing one); 0 or -1. */
static int make_key(const char *path)
{
	unsigned char seed[32];
	char hex[65];
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "samverkand: cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	randombytes_buf(seed, sizeof seed);
	sodium_bin2hex(hex, sizeof hex, seed, sizeof seed);
	hex[64] = '\n';
	if (write(fd, hex, sizeof hex) != (ssize_t)sizeof hex || fsync(fd) != 0) {
		fprintf(stderr, "samverkand: cannot write %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	if (close(fd) != 0)
		rc = -1;
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(hex, sizeof hex);
	if (rc != 0)
		unlink(path);
	else
		fprintf(stderr, "samverkand: made the audit signing key %s\n", path);
	return rc;
}

int admin_audit_key(const struct config *cfg)
{
	struct audit_key k;
	char err[512];

	if (!cfg->audit_signing_key[0]) {
		fputs(
		    "samverkand: set [audit] signing_key (a file path) to sign audit checkpoints\n",
		    stderr);
		return 2;
	}
	if (access(cfg->audit_signing_key, F_OK) != 0 && errno == ENOENT &&
	    make_key(cfg->audit_signing_key) != 0)
		return 1;
	if (audit_key_load(cfg->audit_signing_key, &k, err, sizeof err) != 0) {
		fprintf(stderr, "samverkand: %s\n", err);
		return 1;
	}
	printf("key_id %s\npublic_key %s\n", k.key_id, k.pk_b64);
	audit_key_clear(&k);
	return 0;
}
