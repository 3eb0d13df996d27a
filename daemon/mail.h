/*
 * E-mail notifications: the sender (mail.c), one thread of its own beside
 * the workers, with a blocking database connection and blocking SMTP
 * (libcurl), so that neither ever waits in an event loop. It takes the
 * mails the SQL functions queued in svk.outbox, one transaction per mail
 * (the row stays locked while it is sent: two daemons on one database
 * send each row once), and is woken by NOTIFY svk_outbox and by a timer
 * for the retries.
 *
 * mail_msg.c composes the message text (RFC 5322, UTF-8 in base64), with
 * no I/O, so that unit tests can read it.
 */
#ifndef SVK_MAIL_H
#define SVK_MAIL_H

#include <stddef.h>

#include "strbuf.h"

struct app;
struct mailer;

/*
 * Starts the sender when [mail] url is set; returns NULL otherwise (mail
 * is queued, not sent) and on failure (logged; *failed set). The caller
 * stops it with mailer_stop(), which joins the thread and frees it.
 */
struct mailer *mailer_start(struct app *app, int *failed);
void mailer_stop(struct mailer *m);

/* One notification of a mail (a digest has several). */
struct mail_item {
	const char *subject;
	const char *body;
	const char *link; /* a path under base_url */
};

struct mail_msg {
	const char *from;
	const char *to;
	const char *message_id; /* "outbox-ID@host", without the brackets */
	const char *base_url;
	const struct mail_item *items;
	size_t n;
	long long date; /* seconds since the epoch, for the Date header */
};

/* Appends the whole message (headers, CRLF line ends) to out; 0 or -1
 * (out of memory). A digest (n > 1) gets a subject of its own. */
int mail_compose(struct strbuf *out, const struct mail_msg *m);

/* The domain of an address ("a@b.se" → "b.se"), or "localhost". */
const char *mail_domain(const char *address);

#endif
