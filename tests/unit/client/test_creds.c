/*
 * The credentials file: refused when group or others may read it (0644),
 * used at 0600; written atomically (a new file renamed into place, mode
 * 0600, no temporary files left) and removed when empty.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "creds.h"

static char tmpdir[64];
static char path[128];

static void setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/svk-test-creds.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	snprintf(path, sizeof path, "%s/credentials", tmpdir);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	cr_assert_eq(system(cmd), 0);
}

static void write_file(const char *p, const char *text, mode_t mode)
{
	FILE *f = fopen(p, "w");

	cr_assert_not_null(f);
	cr_assert(fputs(text, f) >= 0);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(p, mode), 0);
}

struct mode_case {
	unsigned mode;
	int exit_code;
};

ParameterizedTestParameters(creds, mode)
{
	static struct mode_case cases[] = {
		{ 0600, CLI_OK },   { 0400, CLI_OK },   { 0700, CLI_OK },   { 0644, CLI_AUTH },
		{ 0640, CLI_AUTH }, { 0604, CLI_AUTH }, { 0660, CLI_AUTH }, { 0606, CLI_AUTH },
		{ 0610, CLI_AUTH }, { 0601, CLI_AUTH }, { 0666, CLI_AUTH },
	};
	return cr_make_param_array(struct mode_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct mode_case *c, creds, mode, setup, teardown)
{
	struct creds cr;
	struct strbuf err;
	int rc;

	strbuf_init(&err, 0);
	write_file(path, "server = https://svk.example\ntoken = svk_secret\n", (mode_t)c->mode);
	rc = creds_load(path, &cr, &err);
	cr_assert_eq(rc, c->exit_code, "mode %04o", c->mode);
	if (rc == 0) {
		cr_assert_str_eq(cr.server, "https://svk.example");
		cr_assert_str_eq(cr.token, "svk_secret");
	} else {
		cr_assert_null(cr.token);
		cr_assert(strstr(err.data, "chmod 600") != NULL, "%s", err.data);
	}
	creds_cleanup(&cr);
	strbuf_cleanup(&err);
}

Test(creds, missing_file_is_no_token, .init = setup, .fini = teardown)
{
	struct creds cr;
	struct strbuf err;

	strbuf_init(&err, 0);
	cr_assert_eq(creds_load(path, &cr, &err), 0);
	cr_assert_null(cr.server);
	cr_assert_null(cr.token);
	strbuf_cleanup(&err);
}

Test(creds, symlink_is_refused, .init = setup, .fini = teardown)
{
	struct creds cr;
	struct strbuf err;
	char target[160];

	strbuf_init(&err, 0);
	snprintf(target, sizeof target, "%s/elsewhere", tmpdir);
	write_file(target, "token = planted\n", 0600);
	cr_assert_eq(symlink(target, path), 0);
	cr_assert_neq(creds_load(path, &cr, &err), 0);
	cr_assert_null(cr.token);
	strbuf_cleanup(&err);
}

/* Names in tmpdir other than "credentials" and except. */
static int stray_files(const char *except)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	for (e = readdir(d); e; e = readdir(d)) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    strcmp(e->d_name, "credentials") == 0 ||
		    (except && strcmp(e->d_name, except) == 0))
			continue;
		n++;
	}
	closedir(d);
	return n;
}

Test(creds, save_is_0600_and_reads_back, .init = setup, .fini = teardown)
{
	struct creds in = { "https://svk.example:8443", "svk_token1" }, out;
	struct strbuf err;
	struct stat st;

	strbuf_init(&err, 0);
	umask(0); /* the file must not depend on the umask */
	cr_assert_eq(creds_save(path, &in, &err), 0, "%s", err.data);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0600, "mode %04o", (unsigned)(st.st_mode & 07777));
	cr_assert_eq(creds_load(path, &out, &err), 0, "%s", err.data);
	cr_assert_str_eq(out.server, "https://svk.example:8443");
	cr_assert_str_eq(out.token, "svk_token1");
	cr_assert_eq(stray_files(NULL), 0);
	creds_cleanup(&out);
	strbuf_cleanup(&err);
}

Test(creds, save_replaces_atomically, .init = setup, .fini = teardown)
{
	struct creds in = { "https://new.example", "svk_new" }, out;
	struct strbuf err;
	struct stat before, after;
	char old_link[160], buf[256];
	FILE *f;
	size_t n;

	strbuf_init(&err, 0);
	/* A loose old file, and a second name for its inode. */
	write_file(path, "server = https://old.example\ntoken = svk_old\n", 0644);
	snprintf(old_link, sizeof old_link, "%s/old", tmpdir);
	cr_assert_eq(link(path, old_link), 0);
	cr_assert_eq(stat(path, &before), 0);

	cr_assert_eq(creds_save(path, &in, &err), 0, "%s", err.data);

	/* rename() put a new inode in place; the old one was never touched,
	 * so a reader at any moment saw either the old or the new file. */
	cr_assert_eq(stat(path, &after), 0);
	cr_assert_neq(before.st_ino, after.st_ino);
	cr_assert_eq(after.st_mode & 07777, 0600);
	f = fopen(old_link, "r");
	cr_assert_not_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	cr_assert_str_eq(buf, "server = https://old.example\ntoken = svk_old\n");
	cr_assert_eq(creds_load(path, &out, &err), 0, "%s", err.data);
	cr_assert_str_eq(out.token, "svk_new");
	cr_assert_eq(stray_files("old"), 0, "no temporary file left");
	creds_cleanup(&out);
	strbuf_cleanup(&err);
}

Test(creds, save_creates_private_directory, .init = setup, .fini = teardown)
{
	struct creds in = { "https://svk.example", "svk_t" };
	struct strbuf err;
	struct stat st;
	char deep[160], file[192];

	strbuf_init(&err, 0);
	snprintf(deep, sizeof deep, "%s/a/samverkan", tmpdir);
	snprintf(file, sizeof file, "%s/credentials", deep);
	cr_assert_eq(creds_save(file, &in, &err), 0, "%s", err.data);
	cr_assert_eq(stat(deep, &st), 0);
	cr_assert_eq(st.st_mode & 077, 0, "dir mode %04o", (unsigned)(st.st_mode & 07777));
	cr_assert_eq(stat(file, &st), 0);
	strbuf_cleanup(&err);
}

Test(creds, save_without_token_keeps_server, .init = setup, .fini = teardown)
{
	struct creds in = { "https://svk.example", "svk_t" };
	struct creds logged_out = { "https://svk.example", NULL };
	struct creds none = { NULL, NULL }, out;
	struct strbuf err;

	strbuf_init(&err, 0);
	cr_assert_eq(creds_save(path, &in, &err), 0);
	cr_assert_eq(creds_save(path, &logged_out, &err), 0);
	cr_assert_eq(creds_load(path, &out, &err), 0);
	cr_assert_str_eq(out.server, "https://svk.example");
	cr_assert_null(out.token);
	creds_cleanup(&out);
	cr_assert_eq(creds_save(path, &none, &err), 0);
	cr_assert_neq(access(path, F_OK), 0, "removed");
	strbuf_cleanup(&err);
}

Test(creds, unknown_key_is_an_error, .init = setup, .fini = teardown)
{
	struct creds cr;
	struct strbuf err;

	strbuf_init(&err, 0);
	write_file(path, "passwd = oops\n", 0600);
	cr_assert_eq(creds_load(path, &cr, &err), CLI_ERROR);
	cr_assert(strstr(err.data, ":1:") != NULL, "%s", err.data);
	strbuf_cleanup(&err);
}
