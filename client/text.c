/*
 * Text for a terminal (see text.h). UTF-8 is decoded here rather than with
 * mbrtowc so that a text measures the same whatever the locale says about
 * multibyte characters; the locale is asked only for a character's width
 * (wcwidth) and whether it prints (iswprint), and main() makes its ctype
 * UTF-8. What a table shows is libsmartcols' business; text_table_width
 * and text_wrap are what the table code needs to wrap its cells at words.
 */
#include "text.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

size_t text_term_width(int fd)
{
	struct winsize ws;
	const char *env;
	char *end;
	long n;

	if (fd < 0 || !isatty(fd))
		return 0;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	env = getenv("COLUMNS");
	if (env && env[0]) {
		errno = 0;
		n = strtol(env, &end, 10);
		if (errno == 0 && *end == '\0' && n > 0 && n <= INT_MAX)
			return (size_t)n;
	}
	return TEXT_TERM_FALLBACK;
}

static int is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/*
 * The length of the UTF-8 character at s (n bytes left) with its code
 * point in *cp, or 0 when s does not start a well-formed one (a stray
 * continuation byte, an overlong form, a surrogate, a cut sequence).
 */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2, c &= 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, c &= 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if (!is_cont(s[i]))
			return 0;
		c = c << 6 | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

static int is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/* Columns of one well-formed character of len bytes, as text_width. */
static size_t char_width(uint32_t cp, size_t len)
{
	int w;

	if (is_control(cp))
		return len; /* text_clean makes each byte a space */
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : (size_t)w;
}

/* Columns of s[0..n) as text_width; the width of one line for text_wrap. */
static size_t width_n(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0, i = 0;

	while (i < n) {
		uint32_t cp = 0;
		size_t len = decode(p + i, n - i, &cp);

		if (len == 0) {
			/* As the old count of characters: lead bytes only. */
			w += !is_cont(p[i]);
			i++;
			continue;
		}
		w += char_width(cp, len);
		i += len;
	}
	return w;
}

size_t text_width(const char *s)
{
	return s ? width_n(s, strlen(s)) : 0;
}

size_t text_table_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = s ? strlen(s) : 0, w = 0, i = 0;

	while (i < n) {
		uint32_t cp = 0;
		size_t len = decode(p + i, n - i, &cp);

		if (p[i] == '\\' && i + 1 < n && p[i + 1] == 'x') {
			w += 4; /* \x5c: a literal \x would read as a code */
			i++;
		} else if (len == 0 || is_control(cp) || !iswprint((wint_t)cp)) {
			len = len ? len : 1;
			w += 4 * len;
			i += len;
		} else {
			int cw = wcwidth((wchar_t)cp);

			w += cw < 0 ? 0 : (size_t)cw;
			i += len;
		}
	}
	return w;
}

void text_clean(char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			s[i] = ' ';
		} else if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
			   (unsigned char)s[i + 1] <= 0x9f) {
			s[i] = ' ';
			s[i + 1] = ' ';
			i++;
		}
	}
}

void text_cell_lines(char *s, int lines)
{
	char *w = s;

	for (const char *r = s; *r; r++) {
		if (r[0] == '\r' && r[1] == '\n')
			continue;
		if (*r == '\t' || (*r == '\n' && !lines))
			*w++ = ' ';
		else
			*w++ = *r;
	}
	*w = '\0';
}

int text_append_clean(struct strbuf *sb, const char *s)
{
	size_t from = sb->len;

	if (strbuf_puts(sb, s ? s : "-") != 0)
		return -1;
	text_clean(sb->data + from, sb->len - from);
	return 0;
}

int text_append_spaces(struct strbuf *sb, size_t n)
{
	static const char blanks[] = "                                ";

	while (n > 0) {
		size_t k = n < sizeof blanks - 1 ? n : sizeof blanks - 1;

		if (strbuf_append(sb, blanks, k) != 0)
			return -1;
		n -= k;
	}
	return 0;
}

int text_append_padded(struct strbuf *sb, const char *s, size_t width, enum text_align align)
{
	size_t w = text_width(s ? s : "-");
	size_t pad = w < width ? width - w : 0;

	if (align == TEXT_RIGHT && text_append_spaces(sb, pad) != 0)
		return -1;
	if (text_append_clean(sb, s) != 0)
		return -1;
	if (align == TEXT_LEFT && text_append_spaces(sb, pad) != 0)
		return -1;
	return 0;
}

size_t text_wrap(const char *s, size_t width, size_t *next)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, w = 0, brk = 0, first = 1, end;

	while (i < n) {
		uint32_t cp = 0;
		size_t len = decode(p + i, n - i, &cp);
		size_t cw;

		if (len == 0)
			len = 1;
		if (i == 0)
			first = len;
		cw = width_n(s + i, len);
		/* A space after a word: the word fitted, a line may end. */
		if (p[i] == ' ' && i > 0 && p[i - 1] != ' ')
			brk = i;
		if (w + cw > width)
			break;
		w += cw;
		i += len;
	}
	if (i >= n) {
		*next = n;
		return n;
	}
	if (p[i] == ' ')
		end = i; /* the text that fits ends at a space */
	else if (brk > 0)
		end = brk;
	else if (i > 0)
		end = i; /* one word wider than the line: break inside it */
	else
		end = first; /* not even one character fits: show it anyway */
	*next = end;
	while (*next < n && p[*next] == ' ')
		(*next)++;
	while (end > 0 && p[end - 1] == ' ')
		end--;
	return end;
}
