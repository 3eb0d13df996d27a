/*
 * A minimal reader of multipart/form-data (RFC 7578), for the CSV upload:
 * the body is already in memory and no larger than [server] max_body
 * (intake.c), so the reader only walks it. It takes what a browser's form
 * sends — parts separated by the boundary of the Content-Type, each with a
 * Content-Disposition naming the field (and a file's name) — and refuses
 * anything else: no boundary, a part without its headers' end or its
 * closing delimiter, more parts or longer headers than MP_* allow. The
 * parts point into the body; nothing is copied or decoded.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "web_internal.h"

#define MP_HEADERS_MAX 2048 /* bytes of one part's headers */
#define MP_BOUNDARY_MAX 70  /* RFC 2046 */

/* The boundary parameter of a Content-Type into out ("--" + boundary). */
static bool boundary_of(const char *ct, char *out, size_t outlen)
{
	const char *b;
	size_t n;

	if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0)
		return false;
	for (b = ct; (b = strchr(b, ';')) != NULL;) {
		b++;
		while (*b == ' ' || *b == '\t')
			b++;
		if (strncasecmp(b, "boundary=", 9) == 0)
			break;
	}
	if (!b)
		return false;
	b += 9;
	if (*b == '"') {
		const char *end = strchr(++b, '"');

		n = end ? (size_t)(end - b) : 0;
	} else {
		n = strcspn(b, "; \t");
	}
	if (n == 0 || n > MP_BOUNDARY_MAX || n + 3 > outlen)
		return false;
	out[0] = out[1] = '-';
	memcpy(out + 2, b, n);
	out[n + 2] = '\0';
	return true;
}

/* A parameter (name="…") of a Content-Disposition header's value, which
 * runs to end; false when it is absent or unquoted. */
static bool disposition_param(const char *v, const char *end, const char *param, const char **out,
			      size_t *outlen)
{
	size_t plen = strlen(param);

	for (const char *p = v; p + plen + 2 < end; p++) {
		const char *q, *close;

		if ((p[-1] != ' ' && p[-1] != ';') || strncasecmp(p, param, plen) != 0 ||
		    p[plen] != '=' || p[plen + 1] != '"')
			continue;
		q = p + plen + 2;
		close = memchr(q, '"', (size_t)(end - q));
		if (!close)
			return false;
		*out = q;
		*outlen = (size_t)(close - q);
		return true;
	}
	return false;
}

/* Reads the headers hdr..end of one part into part. */
static bool part_headers(const char *hdr, const char *end, struct mp_part *part)
{
	const char *line = hdr;

	while (line < end) {
		const char *eol = memmem(line, (size_t)(end - line), "\r\n", 2);

		if (!eol)
			eol = end;
		if ((size_t)(eol - line) > 20 &&
		    strncasecmp(line, "Content-Disposition:", 20) == 0) {
			const char *v = line + 20;

			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			if ((size_t)(eol - v) < 10 || strncasecmp(v, "form-data", 9) != 0 ||
			    !disposition_param(v + 9, eol, "name", &part->name, &part->name_len))
				return false;
			part->has_filename = disposition_param(
			    v + 9, eol, "filename", &part->filename, &part->filename_len);
		}
		if (eol == end)
			break;
		line = eol + 2;
	}
	return part->name != NULL;
}

int multipart_parse(const char *body, size_t len, const char *content_type, struct mp_part *parts,
		    int max)
{
	char delim[MP_BOUNDARY_MAX + 3];
	const char *p, *end = body + len;
	size_t dlen;
	int n = 0;

	if (!boundary_of(content_type, delim, sizeof delim))
		return -1;
	dlen = strlen(delim);
	/* A preamble before the first delimiter is ignored (RFC 2046). */
	p = memmem(body, len, delim, dlen);
	if (!p)
		return -1;
	for (;;) {
		const char *hdr, *hdr_end, *next;
		struct mp_part part = { 0 };

		p += dlen;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return n; /* the closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n' || n == max)
			return -1;
		hdr = p + 2;
		hdr_end = memmem(hdr, (size_t)(end - hdr), "\r\n\r\n", 4);
		if (!hdr_end || hdr_end - hdr > MP_HEADERS_MAX)
			return -1;
		if (!part_headers(hdr, hdr_end, &part))
			return -1;
		part.data = hdr_end + 4;
		/* The part ends at CRLF and the next delimiter. */
		for (next = part.data;; next++) {
			next = memmem(next, (size_t)(end - next), "\r\n--", 4);
			if (!next)
				return -1;
			if ((size_t)(end - next) >= dlen + 2 && memcmp(next + 2, delim, dlen) == 0)
				break;
		}
		part.len = (size_t)(next - part.data);
		parts[n++] = part;
		p = next + 2;
	}
}

const struct mp_part *multipart_field(const struct mp_part *parts, int n, const char *name)
{
	size_t len = strlen(name);

	for (int i = 0; i < n; i++)
		if (parts[i].name_len == len && memcmp(parts[i].name, name, len) == 0)
			return &parts[i];
	return NULL;
}
