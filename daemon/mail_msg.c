/*
 * The text of a notification mail (see mail.h): headers, then the body in
 * base64, so that any relay takes the UTF-8 of Swedish text unchanged,
 * and a subject in RFC 2047 encoded words, so that no title can add a
 * header line. A digest lists its notifications under one greeting.
 */
#include "mail.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define B64_LINE 76
#define WORD_BYTES 42 /* of UTF-8 per encoded word: 56 characters of base64 */

const char *mail_domain(const char *address)
{
	const char *at = address ? strrchr(address, '@') : NULL;

	return at && at[1] ? at + 1 : "localhost";
}

static int put_base64(struct strbuf *out, const unsigned char *s, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *b = malloc(cap);
	int rc = -1;

	if (!b)
		return -1;
	sodium_bin2base64(b, cap, s, n, sodium_base64_VARIANT_ORIGINAL);
	rc = strbuf_puts(out, b);
	free(b);
	return rc;
}

/* The subject as encoded words of whole UTF-8 characters, folded; control
 * characters become spaces first. */
static int put_subject(struct strbuf *out, const char *subject)
{
	unsigned char word[WORD_BYTES + 4];
	const unsigned char *p = (const unsigned char *)subject;
	int first = 1;

	if (strbuf_puts(out, "Subject:") != 0)
		return -1;
	while (*p) {
		size_t n = 0;
		while (p[n]) {
			size_t len = 1;
			while ((p[n + len] & 0xC0) == 0x80)
				len++;
			if (n + len > WORD_BYTES)
				break;
			for (size_t k = 0; k < len; k++)
				word[n + k] = p[n + k] < 0x20 || p[n + k] == 0x7F ? ' ' : p[n + k];
			n += len;
		}
		if (n == 0)
			return -1; /* a character longer than a word: not UTF-8 */
		if (strbuf_puts(out, first ? " =?UTF-8?B?" : "\r\n =?UTF-8?B?") != 0 ||
		    put_base64(out, word, n) != 0 || strbuf_puts(out, "?=") != 0)
			return -1;
		first = 0;
		p += n;
	}
	return strbuf_puts(out, "\r\n");
}

/* Text with LF line ends, as CRLF. */
static int put_crlf(struct strbuf *out, const char *s)
{
	for (const char *nl; (nl = strchr(s, '\n')) != NULL; s = nl + 1) {
		if (strbuf_append(out, s, (size_t)(nl - s)) != 0 || strbuf_puts(out, "\r\n") != 0)
			return -1;
	}
	return strbuf_puts(out, s);
}

/* A body without its greeting ("Hej NN,\n\n"), for a digest. */
static const char *without_greeting(const char *body)
{
	const char *end = strstr(body, "\n\n");

	return strncmp(body, "Hej ", 4) == 0 && end ? end + 2 : body;
}

static int put_text(struct strbuf *text, const struct mail_msg *m)
{
	int rc = 0;

	if (m->n == 1)
		return strbuf_printf(text, "%s\n%s%s\n", m->items[0].body, m->base_url,
				     m->items[0].link);
	rc |= strbuf_printf(text,
			    "Hej,\n\nhär är det som hänt i Samverkan sedan förra "
			    "sammanfattningen (%zu meddelanden).\n",
			    m->n);
	for (size_t i = 0; i < m->n; i++)
		rc |= strbuf_printf(text, "\n* %s\n\n%s\n%s%s\n", m->items[i].subject,
				    without_greeting(m->items[i].body), m->base_url,
				    m->items[i].link);
	return rc;
}

int mail_compose(struct strbuf *out, const struct mail_msg *m)
{
	struct strbuf text, crlf;
	char date[64], subject[64];
	time_t t = (time_t)m->date;
	struct tm tm;
	int rc = -1;

	strbuf_init(&text, 0);
	strbuf_init(&crlf, 0);
	if (m->n == 0 || !gmtime_r(&t, &tm) ||
	    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm) == 0)
		goto out;
	snprintf(subject, sizeof subject, "Samverkan: %zu meddelanden", m->n);
	if (strbuf_printf(out,
			  "From: Samverkan <%s>\r\nTo: <%s>\r\nDate: %s\r\n"
			  "Message-ID: <%s>\r\nMIME-Version: 1.0\r\n"
			  "Content-Type: text/plain; charset=UTF-8\r\n"
			  "Content-Transfer-Encoding: base64\r\n"
			  "Auto-Submitted: auto-generated\r\n",
			  m->from, m->to, date, m->message_id) != 0 ||
	    put_subject(out, m->n == 1 ? m->items[0].subject : subject) != 0 ||
	    strbuf_puts(out, "\r\n") != 0)
		goto out;
	if (put_text(&text, m) != 0 ||
	    strbuf_puts(&text, "\n-- \nSamverkan. Ändra när du får e-post: "
			       "samverkan me edit --notify immediate|daily|off\n") != 0 ||
	    put_crlf(&crlf, text.data) != 0)
		goto out;
	/* base64 in lines of 76 characters: 57 bytes each. */
	for (size_t at = 0; at < crlf.len; at += B64_LINE / 4 * 3) {
		size_t n = crlf.len - at < B64_LINE / 4 * 3 ? crlf.len - at : B64_LINE / 4 * 3;
		if (put_base64(out, (const unsigned char *)crlf.data + at, n) != 0 ||
		    strbuf_puts(out, "\r\n") != 0)
			goto out;
	}
	rc = 0;
out:
	strbuf_cleanup(&text);
	strbuf_cleanup(&crlf);
	return rc;
}
