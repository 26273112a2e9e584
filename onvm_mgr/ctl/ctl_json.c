/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* A recursive-descent JSON reader (RFC 8259), bounded in depth, and a
 * compact writer. Only onvmctl uses it, on one reply at a time. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_json.h"

struct ctl_json_in {
	const char *p;
	const char *end;
	const char *start;
	char *err;
	size_t errlen;
	int failed;
};

static void
jerr(struct ctl_json_in *in, const char *what)
{
	if (in->failed)
		return;
	in->failed = 1;
	if (in->p < in->end)
		snprintf(in->err, in->errlen, "%s at byte %zu", what,
			 (size_t)(in->p - in->start));
	else
		snprintf(in->err, in->errlen, "%s at the end", what);
}

static void
skip_ws(struct ctl_json_in *in)
{
	while (in->p < in->end && (*in->p == ' ' || *in->p == '\t' ||
				   *in->p == '\n' || *in->p == '\r'))
		in->p++;
}

static struct ctl_json *
jnew(struct ctl_json_in *in, enum ctl_json_type type)
{
	struct ctl_json *v = calloc(1, sizeof(*v));

	if (v == NULL)
		jerr(in, "out of memory");
	else
		v->type = type;
	return v;
}

static int
hex4(const char *s, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		v <<= 4;
		if (s[i] >= '0' && s[i] <= '9')
			v |= (unsigned int)(s[i] - '0');
		else if (s[i] >= 'a' && s[i] <= 'f')
			v |= (unsigned int)(s[i] - 'a' + 10);
		else if (s[i] >= 'A' && s[i] <= 'F')
			v |= (unsigned int)(s[i] - 'A' + 10);
		else
			return -EINVAL;
	}
	*out = v;
	return 0;
}

static size_t
put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string at in->p (on its opening quote); the unescaped text, or NULL.
 * The result is never longer than the escaped form. */
static char *
parse_str(struct ctl_json_in *in)
{
	const char *s = in->p + 1, *q;
	unsigned int cp, lo;
	char *out, *o;

	/* find the closing quote first, for the size */
	for (q = s; q < in->end && *q != '"'; q++)
		if (*q == '\\')
			q++;
	if (q >= in->end) {
		jerr(in, "unterminated string");
		return NULL;
	}
	out = malloc((size_t)(q - s) + 1);
	if (out == NULL) {
		jerr(in, "out of memory");
		return NULL;
	}
	for (o = out, in->p = s; in->p < q;) {
		unsigned char c = (unsigned char)*in->p;

		if (c < 0x20) {
			jerr(in, "control character in string");
			goto bad;
		}
		if (c != '\\') {
			*o++ = (char)c;
			in->p++;
			continue;
		}
		in->p++;
		switch (*in->p) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (q - in->p < 5 || hex4(in->p + 1, &cp) < 0) {
				jerr(in, "bad \\u escape");
				goto bad;
			}
			in->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00) {
				/* a surrogate pair: 12 escaped bytes, at most
				 * 4 out */
				if (q - in->p < 7 || in->p[1] != '\\' ||
				    in->p[2] != 'u' ||
				    hex4(in->p + 3, &lo) < 0 ||
				    lo < 0xdc00 || lo > 0xdfff) {
					jerr(in, "bad surrogate pair");
					goto bad;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
				in->p += 6;
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				jerr(in, "bad surrogate pair");
				goto bad;
			}
			o += put_utf8(o, cp);
			break;
		default:
			jerr(in, "bad escape in string");
			goto bad;
		}
		in->p++;
	}
	*o = '\0';
	in->p = q + 1;
	return out;
bad:
	free(out);
	return NULL;
}

static struct ctl_json *
parse_num(struct ctl_json_in *in)
{
	const char *s = in->p;
	struct ctl_json *v;

	if (in->p < in->end && *in->p == '-')
		in->p++;
	if (in->p >= in->end || *in->p < '0' || *in->p > '9') {
		jerr(in, "bad number");
		return NULL;
	}
	if (*in->p == '0')
		in->p++;
	else
		while (in->p < in->end && *in->p >= '0' && *in->p <= '9')
			in->p++;
	if (in->p < in->end && *in->p == '.') {
		in->p++;
		if (in->p >= in->end || *in->p < '0' || *in->p > '9') {
			jerr(in, "bad number");
			return NULL;
		}
		while (in->p < in->end && *in->p >= '0' && *in->p <= '9')
			in->p++;
	}
	if (in->p < in->end && (*in->p == 'e' || *in->p == 'E')) {
		in->p++;
		if (in->p < in->end && (*in->p == '+' || *in->p == '-'))
			in->p++;
		if (in->p >= in->end || *in->p < '0' || *in->p > '9') {
			jerr(in, "bad number");
			return NULL;
		}
		while (in->p < in->end && *in->p >= '0' && *in->p <= '9')
			in->p++;
	}
	v = jnew(in, CTL_JSON_NUM);
	if (v == NULL)
		return NULL;
	v->str = strndup(s, (size_t)(in->p - s));
	if (v->str == NULL) {
		free(v);
		jerr(in, "out of memory");
		return NULL;
	}
	return v;
}

static int
match_word(struct ctl_json_in *in, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(in->end - in->p) < n || memcmp(in->p, w, n) != 0)
		return 0;
	in->p += n;
	return 1;
}

static struct ctl_json *parse_value(struct ctl_json_in *in, int depth);

/* An array or object at in->p (on its bracket). */
static struct ctl_json *
parse_container(struct ctl_json_in *in, int depth)
{
	int obj = *in->p == '{';
	char close = obj ? '}' : ']';
	struct ctl_json *v, *m, **tail;
	char *key = NULL;

	if (depth >= CTL_JSON_MAX_DEPTH) {
		jerr(in, "nested too deep");
		return NULL;
	}
	v = jnew(in, obj ? CTL_JSON_OBJ : CTL_JSON_ARR);
	if (v == NULL)
		return NULL;
	tail = &v->child;
	in->p++;
	skip_ws(in);
	if (in->p < in->end && *in->p == close) {
		in->p++;
		return v;
	}
	for (;;) {
		skip_ws(in);
		if (obj) {
			if (in->p >= in->end || *in->p != '"') {
				jerr(in, "expected a member name");
				goto bad;
			}
			key = parse_str(in);
			if (key == NULL)
				goto bad;
			skip_ws(in);
			if (in->p >= in->end || *in->p != ':') {
				jerr(in, "expected ':'");
				goto bad;
			}
			in->p++;
		}
		m = parse_value(in, depth + 1);
		if (m == NULL)
			goto bad;
		m->key = key;
		key = NULL;
		*tail = m;
		tail = &m->next;
		v->n++;
		skip_ws(in);
		if (in->p < in->end && *in->p == ',') {
			in->p++;
			continue;
		}
		if (in->p < in->end && *in->p == close) {
			in->p++;
			return v;
		}
		jerr(in, obj ? "expected ',' or '}'" : "expected ',' or ']'");
		goto bad;
	}
bad:
	free(key);
	ctl_json_free(v);
	return NULL;
}

static struct ctl_json *
parse_value(struct ctl_json_in *in, int depth)
{
	struct ctl_json *v;
	char *s;

	skip_ws(in);
	if (in->p >= in->end) {
		jerr(in, "expected a value");
		return NULL;
	}
	switch (*in->p) {
	case '{':
	case '[':
		return parse_container(in, depth);
	case '"':
		s = parse_str(in);
		if (s == NULL)
			return NULL;
		v = jnew(in, CTL_JSON_STR);
		if (v == NULL)
			free(s);
		else
			v->str = s;
		return v;
	case 'n':
		if (match_word(in, "null"))
			return jnew(in, CTL_JSON_NULL);
		break;
	case 't':
		if (match_word(in, "true"))
			return jnew(in, CTL_JSON_TRUE);
		break;
	case 'f':
		if (match_word(in, "false"))
			return jnew(in, CTL_JSON_FALSE);
		break;
	default:
		if (*in->p == '-' || (*in->p >= '0' && *in->p <= '9'))
			return parse_num(in);
		break;
	}
	jerr(in, "unexpected character");
	return NULL;
}

struct ctl_json *
ctl_json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct ctl_json_in in = { .p = text, .end = text + len, .start = text,
				  .err = err, .errlen = errlen };
	struct ctl_json *v;

	if (errlen > 0)
		err[0] = '\0';
	v = parse_value(&in, 0);
	if (v == NULL)
		return NULL;
	skip_ws(&in);
	if (in.p != in.end) {
		jerr(&in, "trailing characters");
		ctl_json_free(v);
		return NULL;
	}
	return v;
}

void
ctl_json_free(struct ctl_json *v)
{
	struct ctl_json *m, *next;

	if (v == NULL)
		return;
	for (m = v->child; m != NULL; m = next) {
		next = m->next;
		ctl_json_free(m);
	}
	free(v->key);
	free(v->str);
	free(v);
}

const struct ctl_json *
ctl_json_get(const struct ctl_json *obj, const char *key)
{
	const struct ctl_json *m;

	if (obj == NULL || obj->type != CTL_JSON_OBJ)
		return NULL;
	for (m = obj->child; m != NULL; m = m->next)
		if (strcmp(m->key, key) == 0)
			return m;
	return NULL;
}

const struct ctl_json *
ctl_json_at(const struct ctl_json *v, size_t i)
{
	const struct ctl_json *m;

	if (v == NULL || (v->type != CTL_JSON_ARR && v->type != CTL_JSON_OBJ))
		return NULL;
	for (m = v->child; m != NULL && i > 0; m = m->next)
		i--;
	return m;
}

int
ctl_json_int(const struct ctl_json *v, int64_t *out)
{
	long long x;
	char *end;

	if (v == NULL || v->type != CTL_JSON_NUM)
		return -EINVAL;
	errno = 0;
	x = strtoll(v->str, &end, 10);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	*out = x;
	return 0;
}

int
ctl_json_u64(const struct ctl_json *v, uint64_t *out)
{
	unsigned long long x;
	char *end;

	if (v == NULL || v->type != CTL_JSON_NUM || v->str[0] == '-')
		return -EINVAL;
	errno = 0;
	x = strtoull(v->str, &end, 10);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	*out = x;
	return 0;
}

static void
write_str(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void
ctl_json_write(FILE *f, const struct ctl_json *v)
{
	const struct ctl_json *m;

	switch (v->type) {
	case CTL_JSON_NULL: fputs("null", f); break;
	case CTL_JSON_FALSE: fputs("false", f); break;
	case CTL_JSON_TRUE: fputs("true", f); break;
	case CTL_JSON_NUM: fputs(v->str, f); break;
	case CTL_JSON_STR: write_str(f, v->str); break;
	case CTL_JSON_ARR:
	case CTL_JSON_OBJ:
		fputc(v->type == CTL_JSON_OBJ ? '{' : '[', f);
		for (m = v->child; m != NULL; m = m->next) {
			if (m != v->child)
				fputs(", ", f);
			if (v->type == CTL_JSON_OBJ) {
				write_str(f, m->key);
				fputs(": ", f);
			}
			ctl_json_write(f, m);
		}
		fputc(v->type == CTL_JSON_OBJ ? '}' : ']', f);
		break;
	}
}
