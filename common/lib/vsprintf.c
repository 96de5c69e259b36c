// SPDX-License-Identifier: GPL-2.0
/*
 * A small vsnprintf: %d %i %u %x %X %o %p %s %c %%, flags '-' '0' '+' ' '
 * '#', width and precision (also '*'), length modifiers hh h l ll z t j.
 */
#include <xen-lite/lib.h>

struct outbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void out(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		out(o, c);
}

#define F_LEFT 1
#define F_ZERO 2
#define F_PLUS 4
#define F_SPACE 8
#define F_ALT 16

static void out_number(struct outbuf *o, u64 v, bool neg, int base, bool upper,
		       int flags, int width, int prec)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len;
	char sign = 0;
	const char *prefix = "";

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;
	if (neg)
		sign = '-';
	else if (flags & F_PLUS)
		sign = '+';
	else if (flags & F_SPACE)
		sign = ' ';
	if ((flags & F_ALT) && base == 16)
		prefix = upper ? "0X" : "0x";
	len = (prec > n ? prec : n) + (sign != 0) + (int)strlen(prefix);
	if (!(flags & F_LEFT) && !((flags & F_ZERO) && prec < 0))
		out_pad(o, ' ', width - len);
	if (sign)
		out(o, sign);
	for (const char *p = prefix; *p; p++)
		out(o, *p);
	if (!(flags & F_LEFT) && (flags & F_ZERO) && prec < 0)
		out_pad(o, '0', width - len);
	out_pad(o, '0', prec - n);
	while (n)
		out(o, tmp[--n]);
	if (flags & F_LEFT)
		out_pad(o, ' ', width - len);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int flags = 0, width = 0, prec = -1, lmod = 0;
		bool neg = false;
		u64 v;

		if (*fmt != '%') {
			out(&o, *fmt);
			continue;
		}
		for (;;) {
			fmt++;
			if (*fmt == '-')
				flags |= F_LEFT;
			else if (*fmt == '0')
				flags |= F_ZERO;
			else if (*fmt == '+')
				flags |= F_PLUS;
			else if (*fmt == ' ')
				flags |= F_SPACE;
			else if (*fmt == '#')
				flags |= F_ALT;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= F_LEFT;
				width = -width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
			}
		}
		for (;; fmt++) {
			if (*fmt == 'l')
				lmod++;
			else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j')
				lmod = 2;
			else if (*fmt == 'h')
				lmod = lmod > 0 ? 0 : lmod - 1;
			else
				break;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			s64 sv = lmod >= 1 ? va_arg(ap, long long) :
					     va_arg(ap, int);

			if (lmod == -1)
				sv = (short)sv;
			else if (lmod <= -2)
				sv = (signed char)sv;
			neg = sv < 0;
			v = neg ? (u64)(-(sv + 1)) + 1 : (u64)sv;
			out_number(&o, v, neg, 10, false, flags, width, prec);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			v = lmod >= 1 ? va_arg(ap, unsigned long long) :
					va_arg(ap, unsigned int);
			if (lmod == -1)
				v = (u16)v;
			else if (lmod <= -2)
				v = (u8)v;
			out_number(&o, v, false,
				   *fmt == 'u' ? 10 :
				   *fmt == 'o' ? 8 :
						 16,
				   *fmt == 'X', flags, width, prec);
			break;
		case 'p':
			v = (uintptr_t)va_arg(ap, void *);
			out_number(&o, v, false, 16, false, flags | F_ALT,
				   width, prec);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);

			if (!(flags & F_LEFT))
				out_pad(&o, ' ', width - 1);
			out(&o, c);
			if (flags & F_LEFT)
				out_pad(&o, ' ', width - 1);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len;

			if (!s)
				s = "(null)";
			len = (int)strnlen(s, prec < 0 ? (size_t)-1 :
							 (size_t)prec);
			if (!(flags & F_LEFT))
				out_pad(&o, ' ', width - len);
			for (int i = 0; i < len; i++)
				out(&o, s[i]);
			if (flags & F_LEFT)
				out_pad(&o, ' ', width - len);
			break;
		}
		case '%':
			out(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			out(&o, '%');
			out(&o, *fmt);
			break;
		}
	}
	if (o.size)
		o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
