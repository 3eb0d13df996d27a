/*
 * samverkan: the command-line client. Everything happens in cli_run; main
 * only sets up the process (locale for table widths, libcurl) and the one
 * `struct app`.
 */
#include <langinfo.h>
#include <locale.h>
#include <string.h>

#include "client.h"
#include "http.h"

int main(int argc, char **argv)
{
	struct app app;
	int rc;

	/* Tables measure UTF-8 names (Upplands Väsby): need a UTF-8 ctype. */
	if (!setlocale(LC_CTYPE, "") || strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		(void)setlocale(LC_CTYPE, "C.UTF-8");
	if (http_global_init() != 0) {
		fputs("samverkan: cannot initialise libcurl\n", stderr);
		return CLI_ERROR;
	}
	app_init(&app);
	rc = cli_run(&app, argc - 1, argv + 1);
	app_cleanup(&app);
	http_global_cleanup();
	if (fflush(stdout) != 0 && rc == CLI_OK) {
		fputs("samverkan: cannot write the output\n", stderr);
		rc = CLI_ERROR;
	}
	return rc;
}
