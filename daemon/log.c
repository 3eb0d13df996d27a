/*
 * Log lines on stderr (see log.h). Each line is written with one call so
 * that lines from different worker threads never interleave.
 *
 * Every `%s` (and `%c`) argument is a value, and values come from clients:
 * a request path, a request id, a database message that quotes what a
 * client sent. So the formatting is done here, one conversion at a time,
 * and each string is escaped on its way into the line: nothing a client
 * sends can end the line and start a forged one, or close a key="value"
 * and add keys of its own. The structure (keys, quotes, spaces) is only
 * ever the format string, which the compiler has checked against the
 * arguments (log_msg's format attribute).
 */
#include "log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

static const char *const level_names[] = { "error", "warn", "info", "debug" };

int log_level_parse(const char *s, enum log_level *out)
{
	for (int i = 0; i <= LOG_DEBUG; i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

/* The line being built: what does not fit is dropped, never half of an
 * escape sequence. */
struct line {
	char *buf;
	size_t size, len;
	bool full;
};

static void put(struct line *l, const char *s, size_t n)
{
	/* One byte stays for the terminating NUL. */
	if (l->full || n >= l->size - l->len) {
		l->full = true;
		return;
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

/*
 * Appends n bytes of s escaped: backslash, quote, the C0 controls and DEL
 * as \\, \", \n, \r, \t or \xHH; the Unicode line breaks (U+0085 and the
 * other C1 controls, U+2028, U+2029) as \uHHHH, since some viewers end a
 * line there. In a value without quotes (key=%s) a space is \x20 too, so
 * it cannot start another key. Other bytes, UTF-8 included, are kept.
 */
static void put_escaped(struct line *l, const char *s, size_t n, bool quoted)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		const char *plain = NULL;

		if (c == '\\')
			plain = "\\\\";
		else if (c == '"')
			plain = "\\\"";
		else if (c == '\n')
			plain = "\\n";
		else if (c == '\r')
			plain = "\\r";
		else if (c == '\t')
			plain = "\\t";
		if (plain) {
			put(l, plain, 2);
		} else if (c < 0x20 || c == 0x7f || (c == ' ' && !quoted)) {
			snprintf(esc, sizeof esc, "\\x%02x", c);
			put(l, esc, 4);
		} else if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
			   (unsigned char)s[i + 1] <= 0x9f) {
			snprintf(esc, sizeof esc, "\\u%04x", (unsigned char)s[i + 1]);
			put(l, esc, 6);
			i++;
		} else if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
			   ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
			snprintf(esc, sizeof esc, "\\u%04x",
				 0x2000 + (unsigned char)s[i + 2] - 0x80);
			put(l, esc, 6);
			i += 2;
		} else {
			put(l, s + i, 1);
		}
	}
}

/* A string argument: at most prec bytes (prec < 0: all), not cutting a
 * UTF-8 character in two. As with printf, with a precision s need not be
 * terminated, so nothing past prec bytes is read. */
static void put_string(struct line *l, const char *s, int prec, bool quoted)
{
	size_t n, k;

	if (!s)
		s = "(null)";
	n = prec < 0 ? strlen(s) : strnlen(s, (size_t)prec);
	if (prec >= 0 && n == (size_t)prec) {
		/* k - 1: where the last character starts. */
		k = n;
		while (k > 0 && ((unsigned char)s[k - 1] & 0xc0) == 0x80)
			k--;
		if (k > 0) {
			unsigned char lead = (unsigned char)s[k - 1];
			size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;

			if (n - (k - 1) < need)
				n = k - 1;
		}
	}
	put_escaped(l, s, n, quoted);
}

/* The parts of one conversion specification. */
struct spec {
	char flags[8];
	int width, prec; /* -1: none */
	char length[3];  /* "", "hh", "h", "l", "ll", "z", "j", "t", "L" */
	char conv;
};

/* Parses the specification after '%' at *pp; false when it is not one
 * this file formats (the line then ends there). */
static bool parse_spec(const char **pp, struct spec *sp, va_list *ap)
{
	const char *p = *pp;
	size_t nf = 0, nl = 0;

	memset(sp, 0, sizeof *sp);
	sp->width = sp->prec = -1;
	while (*p && strchr("-+ #0", *p) && nf + 1 < sizeof sp->flags)
		sp->flags[nf++] = *p++;
	if (*p == '*') {
		sp->width = va_arg(*ap, int);
		p++;
	} else {
		for (sp->width = *p >= '0' && *p <= '9' ? 0 : -1; *p >= '0' && *p <= '9'; p++)
			sp->width = sp->width * 10 + (*p - '0');
	}
	if (*p == '.') {
		p++;
		sp->prec = 0;
		if (*p == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1; /* as if none was given */
			p++;
		}
		for (; *p >= '0' && *p <= '9'; p++)
			sp->prec = sp->prec * 10 + (*p - '0');
	}
	while (*p && strchr("hlzjtL", *p) && nl + 1 < sizeof sp->length)
		sp->length[nl++] = *p++;
	sp->conv = *p;
	if (!*p || !strchr("diuxXofFeEgGaAcsp", *p))
		return false;
	/* Wide strings and characters (%ls, %lc) are not escaped here. */
	if ((*p == 's' || *p == 'c') && nl > 0)
		return false;
	*pp = p + 1;
	return true;
}

/*
 * Formats one numeric argument with the specification rebuilt from its
 * parts. The format is not a literal, but every part of it comes from the
 * caller's format string, which the compiler checked against the argument
 * (log_msg's format attribute): hence the warning is off here only.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void put_number(struct line *l, const struct spec *sp, va_list *ap)
{
	char fmt[48], out[128];
	const char *len = sp->length;
	int n = snprintf(fmt, sizeof fmt, "%%%s", sp->flags);

	if (sp->width >= 0)
		n += snprintf(fmt + n, sizeof fmt - (size_t)n, "%d", sp->width);
	if (sp->prec >= 0)
		n += snprintf(fmt + n, sizeof fmt - (size_t)n, ".%d", sp->prec);
	snprintf(fmt + n, sizeof fmt - (size_t)n, "%s%c", len, sp->conv);
	if (strchr("di", sp->conv)) {
		if (!strcmp(len, "l"))
			n = snprintf(out, sizeof out, fmt, va_arg(*ap, long));
		else if (!strcmp(len, "ll"))
			n = snprintf(out, sizeof out, fmt, va_arg(*ap, long long));
		else if (!strcmp(len, "z"))
			n = snprintf(out, sizeof out, fmt, va_arg(*ap, ssize_t));
		else if (!strcmp(len, "j"))
			n = snprintf(out, sizeof out, fmt, va_arg(*ap, intmax_t));
		else if (!strcmp(len, "t"))
			n = snprintf(out, sizeof out, fmt, va_arg(*ap, ptrdiff_t));
		else
			n = snprintf(out, sizeof out, fmt, va_arg(*ap, int));
	} else if (strchr("uxXo", sp->conv)) {
		if (!strcmp(len, "l"))
			n = snprintf(out, sizeof out, fmt, va_arg(*ap, unsigned long));
		else if (!strcmp(len, "ll"))
			n = snprintf(out, sizeof out, fmt, va_arg(*ap, unsigned long long));
		else if (!strcmp(len, "z"))
			n = snprintf(out, sizeof out, fmt, va_arg(*ap, size_t));
		else if (!strcmp(len, "j"))
			n = snprintf(out, sizeof out, fmt, va_arg(*ap, uintmax_t));
		else if (!strcmp(len, "t"))
			n = snprintf(out, sizeof out, fmt, va_arg(*ap, ptrdiff_t));
		else
			n = snprintf(out, sizeof out, fmt, va_arg(*ap, unsigned));
	} else if (sp->conv == 'p') {
		n = snprintf(out, sizeof out, fmt, va_arg(*ap, void *));
	} else if (!strcmp(len, "L")) {
		n = snprintf(out, sizeof out, fmt, va_arg(*ap, long double));
	} else {
		n = snprintf(out, sizeof out, fmt, va_arg(*ap, double));
	}
	if (n > 0)
		put(l, out, (size_t)n < sizeof out ? (size_t)n : sizeof out - 1);
}
#pragma GCC diagnostic pop

size_t log_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct line l = { buf, size, 0, false };
	bool quoted = false;
	va_list aq;

	if (size == 0)
		return 0;
	va_copy(aq, ap);
	for (const char *p = fmt; *p && !l.full;) {
		struct spec sp;

		if (*p != '%' || p[1] == '%') {
			/* The format's own quotes say whether a value is
			 * inside "..." (see put_escaped). */
			if (*p == '"')
				quoted = !quoted;
			put(&l, p, 1);
			p += *p == '%' ? 2 : 1;
			continue;
		}
		p++;
		if (!parse_spec(&p, &sp, &aq))
			break;
		if (sp.conv == 's') {
			put_string(&l, va_arg(aq, const char *), sp.prec, quoted);
		} else if (sp.conv == 'c') {
			char c = (char)va_arg(aq, int);

			put_escaped(&l, &c, 1, quoted);
		} else {
			put_number(&l, &sp, &aq);
		}
	}
	va_end(aq);
	buf[l.len] = '\0';
	return l.len;
}

size_t log_format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = log_vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void log_msg(const struct log *log, enum log_level level, const char *fmt, ...)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	int n;
	size_t m;

	if (log && level > log->level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     ts.tv_nsec / 1000000L, level_names[level]);
	if (n < 0 || (size_t)n >= sizeof line)
		return;
	va_start(ap, fmt);
	/* One byte stays free for the newline. */
	m = log_vformat(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	line[(size_t)n + m] = '\n';
	fwrite(line, 1, (size_t)n + m + 1, stderr);
}
