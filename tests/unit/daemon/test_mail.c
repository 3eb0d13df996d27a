/*
 * The notification mail's text (mail_msg.c): headers a relay and a mail
 * reader take, the subject as encoded words that no title can break out
 * of, the body in base64, and a digest of several notifications.
 */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"

/* The decoded body of a composed message (caller frees). */
static char *body_of(const char *msg)
{
	const char *b = strstr(msg, "\r\n\r\n");
	size_t cap = strlen(msg), len = 0;
	unsigned char *out = malloc(cap + 1);

	cr_assert(b && out);
	cr_assert_eq(sodium_base642bin(out, cap, b + 4, strlen(b + 4), "\r\n", &len, NULL,
				       sodium_base64_VARIANT_ORIGINAL),
		     0, "the body is not base64");
	out[len] = '\0';
	return (char *)out;
}

static const struct mail_item one[] = {
	{ "Beslut väntar: Ökad närvaro\r\nBcc: evil@example.com",
	  "Hej Anna,\n\nFörslaget väntar.\n\nLäs här:", "/forslag/42" },
};

Test(mail, one_notification)
{
	struct strbuf sb;
	const struct mail_msg m = { .from = "samverkan@kommun.se",
				    .to = "anna@sigtuna.se",
				    .message_id = "outbox-7@kommun.se",
				    .base_url = "https://samverkan.kommun.se",
				    .items = one,
				    .n = 1,
				    .date = 1764806400 };
	char *body;

	strbuf_init(&sb, 0);
	cr_assert_eq(mail_compose(&sb, &m), 0);
	cr_expect(strstr(sb.data, "From: Samverkan <samverkan@kommun.se>\r\n"), "%s", sb.data);
	cr_expect(strstr(sb.data, "To: <anna@sigtuna.se>\r\n"));
	cr_expect(strstr(sb.data, "Message-ID: <outbox-7@kommun.se>\r\n"));
	cr_expect(strstr(sb.data, "Date: Thu, 04 Dec 2025 00:00:00 +0000\r\n"), "%s", sb.data);
	cr_expect(strstr(sb.data, "Content-Type: text/plain; charset=UTF-8\r\n"));
	cr_expect(strstr(sb.data, "Subject: =?UTF-8?B?"));
	/* The title's line break became a space inside an encoded word: no
	 * header of its own. */
	cr_expect(!strstr(sb.data, "\nBcc:"), "%s", sb.data);
	for (const char *p = sb.data; *p; p++)
		cr_expect((unsigned char)*p < 0x80, "a byte beyond ASCII in the message");
	body = body_of(sb.data);
	cr_expect(strstr(body, "Hej Anna,\r\n\r\nFörslaget väntar.\r\n\r\nLäs här:\r\n"
			       "https://samverkan.kommun.se/forslag/42\r\n"),
		  "%s", body);
	free(body);
	strbuf_cleanup(&sb);
}

Test(mail, a_long_subject_is_folded_on_whole_characters)
{
	struct strbuf sb;
	const struct mail_item long_one[] = {
		{ "Beslut väntar: åäöåäöåäöåäöåäöåäöåäöåäöåäöåäöåäöåäöåäöåäöåäöåäö", "Hej,\n\nx",
		  "/forslag/1" },
	};
	const struct mail_msg m = { .from = "a@b.se",
				    .to = "c@d.se",
				    .message_id = "outbox-1@b.se",
				    .base_url = "https://x.se",
				    .items = long_one,
				    .n = 1 };
	const char *s, *end;

	strbuf_init(&sb, 0);
	cr_assert_eq(mail_compose(&sb, &m), 0);
	s = strstr(sb.data, "Subject: ");
	cr_assert(s);
	end = strstr(s, "\r\n\r\n");
	cr_expect(strstr(s, "?=\r\n =?UTF-8?B?"), "not folded: %s", s);
	/* Every line of the header at most 78 characters. */
	for (const char *l = s; l < end;) {
		const char *nl = strstr(l, "\r\n");
		cr_expect(nl - l <= 78, "a line of %td", nl - l);
		l = nl + 2;
	}
	strbuf_cleanup(&sb);
}

Test(mail, a_digest_lists_each_under_one_greeting)
{
	struct strbuf sb;
	const struct mail_item items[] = {
		{ "Beslut väntar: A",
		  "Hej Anna,\n\nFörslaget A väntar.\n\nLäs här:", "/forslag/1" },
		{ "Antaget: B", "Hej Anna,\n\nFörslaget B är antaget.\n\nLäs här:", "/forslag/2" },
	};
	const struct mail_msg m = { .from = "a@b.se",
				    .to = "anna@sigtuna.se",
				    .message_id = "outbox-3@b.se",
				    .base_url = "https://x.se",
				    .items = items,
				    .n = 2 };
	char *body;

	strbuf_init(&sb, 0);
	cr_assert_eq(mail_compose(&sb, &m), 0);
	body = body_of(sb.data);
	cr_expect(strstr(body, "* Beslut väntar: A\r\n\r\nFörslaget A väntar.\r\n\r\nLäs här:\r\n"
			       "https://x.se/forslag/1\r\n"),
		  "%s", body);
	cr_expect(strstr(body, "* Antaget: B\r\n"), "%s", body);
	cr_expect(!strstr(body, "Hej Anna"), "a greeting per item: %s", body);
	free(body);
	strbuf_cleanup(&sb);
	cr_expect_str_eq(mail_domain("samverkan@kommun.se"), "kommun.se");
	cr_expect_str_eq(mail_domain("nobody"), "localhost");
}
