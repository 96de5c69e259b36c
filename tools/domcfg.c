// SPDX-License-Identifier: GPL-2.0
/*
 * Domain file parser and checks. See docs/domain-file.md for the format.
 *
 * A file is read line by line. Each line is blank, a comment, or
 * "key = value" with an optional trailing comment. A value is a quoted
 * string ("..." or '...'), a list in brackets on one line, or a bare word
 * (numbers, sizes, booleans). Every problem becomes one diagnostic
 * "FILE:LINE: message"; parsing goes on after an error so a user sees all
 * of them at once.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "domcfg.h"

enum val_type {
	V_STRING,
	V_WORD,
	V_LIST,
};

struct val_item {
	enum val_type type; /* V_STRING or V_WORD */
	char *text;
};

struct value {
	enum val_type type;
	char *text; /* V_STRING, V_WORD */
	int nr; /* V_LIST */
	struct val_item item[DOMCFG_MAX_LIST];
};

struct parser {
	const char *path;
	int line;
	unsigned int flags;
	struct domcfg *d;
	struct domcfg_error *err;
	int errors; /* errors in this file */
};

static const char *const key_names[DOMCFG_NR_KEYS] = {
	[DOMCFG_K_NAME] = "name",
	[DOMCFG_K_KERNEL] = "kernel",
	[DOMCFG_K_RAMDISK] = "ramdisk",
	[DOMCFG_K_CMDLINE] = "cmdline",
	[DOMCFG_K_MEMORY] = "memory",
	[DOMCFG_K_VCPUS] = "vcpus",
	[DOMCFG_K_CPUS] = "cpus",
	[DOMCFG_K_P2M_POOL] = "p2m_pool",
	[DOMCFG_K_PRIVILEGED] = "privileged",
	[DOMCFG_K_ON_POWEROFF] = "on_poweroff",
	[DOMCFG_K_ON_REBOOT] = "on_reboot",
	[DOMCFG_K_ON_CRASH] = "on_crash",
	[DOMCFG_K_PV_MMU_POLICY] = "pv_mmu_policy",
	[DOMCFG_K_MMIO_FAULT] = "mmio_fault",
	[DOMCFG_K_SHM] = "shm",
	[DOMCFG_K_DISK] = "disk",
	[DOMCFG_K_VIF] = "vif",
	[DOMCFG_K_IOMEM] = "iomem",
	[DOMCFG_K_IRQS] = "irqs",
	[DOMCFG_K_DTDEV] = "dtdev",
	[DOMCFG_K_DIRECT_MAP] = "direct_map",
};

static const char *const action_names[] = {
	[DOMCFG_DESTROY] = XL_BOOT_ACTION_DESTROY,
	[DOMCFG_RESTART] = XL_BOOT_ACTION_RESTART,
	[DOMCFG_PRESERVE] = XL_BOOT_ACTION_PRESERVE,
};

const char *domcfg_action_name(enum domcfg_action a)
{
	return a <= DOMCFG_PRESERVE ? action_names[a] : "?";
}

const char *domcfg_pv_mmu_name(enum domcfg_pv_mmu p)
{
	switch (p) {
	case DOMCFG_PV_MMU_NONE:
		return XL_BOOT_PV_MMU_NONE;
	case DOMCFG_PV_MMU_NO_WX:
		return XL_BOOT_PV_MMU_NO_WX;
	default:
		return NULL;
	}
}

#define perr(p, ...)                                                      \
	do {                                                              \
		(p)->errors++;                                            \
		domcfg_diag((p)->err, (p)->path, (p)->line, __VA_ARGS__); \
	} while (0)

void domcfg_diag(struct domcfg_error *err, const char *file, int line,
		 const char *fmt, ...)
{
	struct domcfg_diag *dg;
	va_list ap;

	if (err->count++ >= DOMCFG_MAX_ERRORS)
		return;
	dg = &err->diag[err->count - 1];
	snprintf(dg->file, sizeof(dg->file), "%s", file);
	dg->line = line;
	va_start(ap, fmt);
	vsnprintf(dg->msg, sizeof(dg->msg), fmt, ap);
	va_end(ap);
}

void domcfg_error_print(const struct domcfg_error *err, FILE *f)
{
	int i, n = err->count < DOMCFG_MAX_ERRORS ? err->count :
						    DOMCFG_MAX_ERRORS;

	for (i = 0; i < n; i++)
		fprintf(f, "%s:%d: %s\n", err->diag[i].file, err->diag[i].line,
			err->diag[i].msg);
	if (err->count > n)
		fprintf(f, "(%d more errors not shown)\n", err->count - n);
}

int domcfg_parse_size(const char *s, uint64_t unit, uint64_t *out)
{
	uint64_t v = 0, mul = unit;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case '\0':
		break;
	case 'k':
	case 'K':
		mul = 1ull << 10;
		p++;
		break;
	case 'm':
	case 'M':
		mul = 1ull << 20;
		p++;
		break;
	case 'g':
	case 'G':
		mul = 1ull << 30;
		p++;
		break;
	case 't':
	case 'T':
		mul = 1ull << 40;
		p++;
		break;
	default:
		return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	if (v && mul > UINT64_MAX / v)
		return -ERANGE;
	*out = v * mul;
	return 0;
}

/* Parse a decimal integer (no sign, no suffix). */
static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return -ERANGE;
	}
	*out = v;
	return 0;
}

static bool is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' ||
	       c == '+' || c == '/';
}

static const char *skip_space(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	return s;
}

/*
 * Scan a quoted string starting at *sp (on the quote). Returns a heap
 * copy, or NULL after reporting an error.
 */
static char *scan_string(struct parser *p, const char **sp, const char *end)
{
	const char *s = *sp;
	char quote = *s++;
	char *buf = malloc(DOMCFG_STR_MAX);
	size_t n = 0;

	if (!buf) {
		perr(p, "out of memory");
		return NULL;
	}
	for (;;) {
		char c;

		if (s >= end) {
			perr(p, "unterminated string");
			free(buf);
			return NULL;
		}
		c = *s++;
		if (c == quote)
			break;
		if (c == '\\') {
			if (s >= end) {
				perr(p, "unterminated string");
				free(buf);
				return NULL;
			}
			c = *s++;
			if (c != '\\' && c != '"' && c != '\'') {
				perr(p,
				     "unknown escape '\\%c' in string "
				     "(only \\\\, \\\" and \\' are allowed)",
				     isprint((unsigned char)c) ? c : '?');
				free(buf);
				return NULL;
			}
		}
		if (n + 1 >= DOMCFG_STR_MAX) {
			perr(p, "string longer than %d bytes",
			     DOMCFG_STR_MAX - 1);
			free(buf);
			return NULL;
		}
		buf[n++] = c;
	}
	buf[n] = '\0';
	*sp = s;
	return buf;
}

static char *scan_word(const char **sp, const char *end)
{
	const char *s = *sp;
	char *w;

	while (s < end && is_word_char(*s))
		s++;
	w = strndup(*sp, (size_t)(s - *sp));
	*sp = s;
	return w;
}

static void value_free(struct value *v)
{
	int i;

	free(v->text);
	for (i = 0; i < v->nr; i++)
		free(v->item[i].text);
	memset(v, 0, sizeof(*v));
}

/* Scan one list element into v->item[v->nr]. */
static int scan_item(struct parser *p, const char **sp, const char *end,
		     struct value *v, const char *key)
{
	struct val_item *it;
	const char *s = *sp;

	if (*s == '[') {
		perr(p, "%s: nested lists are not allowed", key);
		return -EINVAL;
	}
	if (*s != '"' && *s != '\'' && !is_word_char(*s)) {
		perr(p, "%s: bad list: unexpected '%c'", key,
		     isprint((unsigned char)*s) ? *s : '?');
		return -EINVAL;
	}
	if (v->nr >= DOMCFG_MAX_LIST) {
		perr(p, "%s: list longer than %d elements", key,
		     DOMCFG_MAX_LIST);
		return -EINVAL;
	}
	it = &v->item[v->nr];
	if (*s == '"' || *s == '\'') {
		it->type = V_STRING;
		it->text = scan_string(p, &s, end);
	} else {
		it->type = V_WORD;
		it->text = scan_word(&s, end);
	}
	if (!it->text)
		return -EINVAL;
	v->nr++;
	*sp = s;
	return 0;
}

static int scan_list(struct parser *p, const char **sp, const char *end,
		     struct value *v, const char *key)
{
	const char *s = *sp + 1;

	v->type = V_LIST;
	for (;;) {
		s = skip_space(s, end);
		if (s >= end || *s == '#') {
			perr(p,
			     "%s: unterminated list (a list must end with "
			     "']' on the same line)",
			     key);
			return -EINVAL;
		}
		if (*s == ']')
			break;
		if (*s == ',') {
			perr(p, "%s: bad list: empty element", key);
			return -EINVAL;
		}
		if (scan_item(p, &s, end, v, key))
			return -EINVAL;
		s = skip_space(s, end);
		if (s < end && *s == ',') {
			s++;
			continue;
		}
		if (s < end && *s == ']')
			break;
		if (s >= end || *s == '#') {
			perr(p,
			     "%s: unterminated list (a list must end with "
			     "']' on the same line)",
			     key);
			return -EINVAL;
		}
		perr(p, "%s: bad list: expected ',' or ']' after an element",
		     key);
		return -EINVAL;
	}
	*sp = s + 1;
	return 0;
}

static const char *type_name(enum val_type t)
{
	switch (t) {
	case V_STRING:
		return "a string";
	case V_LIST:
		return "a list";
	default:
		return "a bare word";
	}
}

static int want_string(struct parser *p, const struct value *v, const char *key)
{
	if (v->type == V_STRING)
		return 0;
	perr(p, "%s: expected a string in quotes, got %s", key,
	     type_name(v->type));
	return -EINVAL;
}

/* A size: bare word or string, e.g. 256, 256M, "1G". */
static int get_size(struct parser *p, const struct value *v, const char *key,
		    uint64_t unit, uint64_t *out)
{
	int rc;

	if (v->type == V_LIST) {
		perr(p, "%s: expected a size, got a list", key);
		return -EINVAL;
	}
	rc = domcfg_parse_size(v->text, unit, out);
	if (rc == -ERANGE) {
		perr(p, "%s: size '%s' is too large", key, v->text);
		return rc;
	}
	if (rc) {
		perr(p,
		     "%s: bad size '%s' (expected a number with an "
		     "optional K, M or G suffix)",
		     key, v->text);
		return rc;
	}
	return 0;
}

static int get_action(struct parser *p, const struct value *v, const char *key,
		      enum domcfg_action *out)
{
	int a;

	if (v->type == V_LIST) {
		perr(p, "%s: expected a string in quotes, got a list", key);
		return -EINVAL;
	}
	for (a = DOMCFG_DESTROY; a <= DOMCFG_PRESERVE; a++) {
		if (!strcmp(v->text, action_names[a])) {
			*out = (enum domcfg_action)a;
			return 0;
		}
	}
	perr(p,
	     "%s: bad value \"%s\" (expected \"destroy\", \"restart\" "
	     "or \"preserve\")",
	     key, v->text);
	return -EINVAL;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 1 || n > DOMCFG_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	}
	return true;
}

const char *domcfg_arch;

/* Copy @rel with every "${arch}" replaced by the target architecture. */
static char *expand_arch(const char *rel)
{
	const char *arch = domcfg_arch ? domcfg_arch : "riscv64", *s, *hit;
	size_t n = strlen(rel) + 1, alen = strlen(arch);
	char *out, *o;

	for (s = rel; (hit = strstr(s, "${arch}")); s = hit + 7)
		n += alen;
	out = o = malloc(n);
	if (!out)
		return NULL;
	for (s = rel; (hit = strstr(s, "${arch}")); s = hit + 7) {
		memcpy(o, s, (size_t)(hit - s));
		o += hit - s;
		memcpy(o, arch, alen);
		o += alen;
	}
	strcpy(o, s);
	return out;
}

/* Resolve a module path against the domain file's directory. */
static char *resolve_path(const char *file, const char *rel_in)
{
	char *rel = expand_arch(rel_in), *out;
	const char *slash;
	size_t dlen;

	if (!rel || rel[0] == '/')
		return rel;
	slash = strrchr(file, '/');
	if (!slash)
		return rel;
	dlen = (size_t)(slash - file) + 1;
	out = malloc(dlen + strlen(rel) + 1);
	if (out) {
		memcpy(out, file, dlen);
		strcpy(out + dlen, rel);
	}
	free(rel);
	return out;
}

static int set_module(struct parser *p, const struct value *v, const char *key,
		      char **path, uint64_t *size)
{
	struct stat st;

	if (want_string(p, v, key))
		return -EINVAL;
	if (!v->text[0]) {
		perr(p, "%s: empty path", key);
		return -EINVAL;
	}
	free(*path);
	*path = resolve_path(p->path, v->text);
	if (!*path) {
		perr(p, "out of memory");
		return -ENOMEM;
	}
	if (p->flags & DOMCFG_NO_FS)
		return 0;
	if (stat(*path, &st)) {
		perr(p, "%s: cannot open '%s': %s", key, *path,
		     strerror(errno));
		return -EINVAL;
	}
	if (!S_ISREG(st.st_mode)) {
		perr(p, "%s: '%s' is not a regular file", key, *path);
		return -EINVAL;
	}
	if (!st.st_size) {
		perr(p, "%s: '%s' is empty", key, *path);
		return -EINVAL;
	}
	*size = (uint64_t)st.st_size;
	return 0;
}

static int set_cpus(struct parser *p, const struct value *v)
{
	struct domcfg *d = p->d;
	uint64_t c;
	int i, rc;

	if (v->type != V_LIST) {
		if (!strcmp(v->text, "all")) {
			d->nr_cpus = 0;
			return 0;
		}
		perr(p, "cpus: expected a list of CPU numbers or \"all\"");
		return -EINVAL;
	}
	if (!v->nr) {
		perr(p, "cpus: empty list");
		return -EINVAL;
	}
	for (i = 0; i < v->nr; i++) {
		if (v->item[i].type != V_WORD) {
			perr(p,
			     "cpus: bad list: element %d is not a CPU "
			     "number",
			     i + 1);
			return -EINVAL;
		}
		rc = parse_uint(v->item[i].text, 1023, &c);
		if (rc) {
			perr(p, "cpus: bad list: '%s' is not a CPU number",
			     v->item[i].text);
			return -EINVAL;
		}
		d->cpus[i] = (uint32_t)c;
	}
	d->nr_cpus = (uint32_t)v->nr;
	return 0;
}

/*
 * Guest RAM a domain may have below the top of its guest physical address
 * space. Arm: the hypervisor uses min(ID_AA64MMFR0_EL1.PARange,
 * CONFIG_ARM_IPA_BITS_MAX) bits (arch/arm/p2m.c); every CPU QEMU offers
 * has at least 40, so the Kconfig value decides. RISC-V: Sv39x4 or
 * Sv48x4 (41 or 50 bits) always hold DOMCFG_MAX_MEMORY.
 */
static uint64_t guest_ram_room(void)
{
	if (!domcfg_arch || strcmp(domcfg_arch, "arm64"))
		return DOMCFG_MAX_MEMORY;
	return (1ull << domcfg_limits.arm_ipa_bits) -
	       XL_BOOT_GUEST_RAM_BASE_ARM64;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* --- shm = [ "id=ID, size=SIZE, role=owner|borrower[, ...]" ] ------------ */

/* "2M", "4K", "1G" or bytes, for messages. */
static const char *shm_size_str(uint64_t v, char *buf, size_t len)
{
	if (v && !(v % (1ull << 30)))
		snprintf(buf, len, "%lluG", (unsigned long long)(v >> 30));
	else if (v && !(v % (1ull << 20)))
		snprintf(buf, len, "%lluM", (unsigned long long)(v >> 20));
	else if (v && !(v % 1024))
		snprintf(buf, len, "%lluK", (unsigned long long)(v >> 10));
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

static bool shm_valid_id(const char *s)
{
	return strlen(s) <= XL_BOOT_SHM_ID_MAX && valid_name(s);
}

/* One element "id=ring0, size=2M, role=owner, gpa=0x..., access=ro". */
static int parse_shm_item(struct parser *p, int n, const char *text,
			  struct domcfg_shm *r)
{
	static const char *const fields[] = { "id", "size", "role", "gpa",
					      "access" };
	bool seen[5] = { false };
	char buf[256], *f, *save = NULL;

	memset(r, 0, sizeof(*r));
	if (strlen(text) >= sizeof(buf)) {
		perr(p, "shm: element %d: longer than %zu bytes", n,
		     sizeof(buf) - 1);
		return -EINVAL;
	}
	strcpy(buf, text);
	for (f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		char *eq, *name, *val, *e;
		size_t k;

		while (*f == ' ' || *f == '\t')
			f++;
		for (e = f + strlen(f);
		     e > f && (e[-1] == ' ' || e[-1] == '\t');)
			*--e = '\0';
		eq = strchr(f, '=');
		name = f;
		val = eq ? eq + 1 : NULL;
		if (eq)
			*eq = '\0';
		for (k = 0; k < 5 && strcmp(name, fields[k]); k++)
			;
		if (!val || k == 5) {
			perr(p,
			     "shm: element %d: bad field '%s' (expected id=, "
			     "size=, role=, gpa= or access=)",
			     n, name);
			return -EINVAL;
		}
		if (seen[k]) {
			perr(p, "shm: element %d: %s= given twice", n, name);
			return -EINVAL;
		}
		seen[k] = true;
		switch (k) {
		case 0:
			if (!shm_valid_id(val)) {
				perr(p,
				     "shm: element %d: id \"%s\" is not valid "
				     "(1 to %d characters of A-Z a-z 0-9 _ -)",
				     n, val, XL_BOOT_SHM_ID_MAX);
				return -EINVAL;
			}
			strcpy(r->id, val);
			break;
		case 1:
			if (domcfg_parse_size(val, 1, &r->size) || !r->size ||
			    r->size % XL_BOOT_SHM_ALIGN ||
			    r->size > XL_BOOT_SHM_SIZE_MAX) {
				perr(p,
				     "shm: element %d: bad size '%s' (a "
				     "non-zero multiple of 4K, at most 1G)",
				     n, val);
				return -EINVAL;
			}
			break;
		case 2:
			if (strcmp(val, XL_BOOT_SHM_OWNER) &&
			    strcmp(val, XL_BOOT_SHM_BORROWER)) {
				perr(p,
				     "shm: element %d: role must be owner or "
				     "borrower (got '%s')",
				     n, val);
				return -EINVAL;
			}
			r->owner = !strcmp(val, XL_BOOT_SHM_OWNER);
			break;
		case 3: {
			unsigned long long a;

			errno = 0;
			a = strtoull(val, &e, 0);
			if (!isdigit((unsigned char)*val) || *e || errno ||
			    a % XL_BOOT_SHM_ALIGN) {
				perr(p,
				     "shm: element %d: bad gpa '%s' (an "
				     "address, a multiple of 4K)",
				     n, val);
				return -EINVAL;
			}
			r->gpa = a;
			r->gpa_given = true;
			break;
		}
		default:
			if (strcmp(val, XL_BOOT_SHM_RW) &&
			    strcmp(val, XL_BOOT_SHM_RO)) {
				perr(p,
				     "shm: element %d: access must be rw or ro "
				     "(got '%s')",
				     n, val);
				return -EINVAL;
			}
			r->ro = !strcmp(val, XL_BOOT_SHM_RO);
		}
	}
	for (size_t k = 0; k < 3; k++) {
		if (!seen[k]) {
			perr(p, "shm: element %d: missing %s=", n, fields[k]);
			return -EINVAL;
		}
	}
	return 0;
}

static int set_shm(struct parser *p, const struct value *v)
{
	struct domcfg *d = p->d;
	char a[24], b[24];
	int i, j;

	if (v->type != V_LIST) {
		perr(p, "shm: expected a list of strings like "
			"\"id=ID, size=SIZE, role=owner\"");
		return -EINVAL;
	}
	if (v->nr > XL_BOOT_SHM_MAX) {
		perr(p, "shm: more than %d regions", XL_BOOT_SHM_MAX);
		return -EINVAL;
	}
	for (i = 0; i < v->nr; i++) {
		struct domcfg_shm *r = &d->shm[i];

		if (v->item[i].type != V_STRING) {
			perr(p, "shm: element %d is not a string in quotes",
			     i + 1);
			return -EINVAL;
		}
		if (parse_shm_item(p, i + 1, v->item[i].text, r))
			return -EINVAL;
		for (j = 0; j < i; j++) {
			if (strcmp(d->shm[j].id, r->id))
				continue;
			if (d->shm[j].size != r->size)
				perr(p,
				     "shm: region id '%s' reused with a "
				     "different size (%s in element %d, %s in "
				     "element %d)",
				     r->id,
				     shm_size_str(d->shm[j].size, a, sizeof(a)),
				     j + 1, shm_size_str(r->size, b, sizeof(b)),
				     i + 1);
			else
				perr(p,
				     "shm: region '%s' listed twice (elements "
				     "%d and %d)",
				     r->id, j + 1, i + 1);
			return -EINVAL;
		}
	}
	d->nr_shm = (uint32_t)v->nr;
	return 0;
}

static bool ranges_meet(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

/*
 * Once memory is known: place the regions without a gpa in the
 * shared-memory area, then check each against RAM, the area and the
 * others (docs/shared-memory.md).
 */
static void finish_shm(struct parser *p)
{
	struct domcfg *d = p->d;
	bool arm = domcfg_arch && !strcmp(domcfg_arch, "arm64");
	uint64_t ram = arm ? XL_BOOT_GUEST_RAM_BASE_ARM64 :
			     XL_BOOT_GUEST_RAM_BASE_RISCV64;
	uint64_t lo = arm ? XL_BOOT_SHM_AREA_ARM64 : XL_BOOT_SHM_AREA_RISCV64;
	uint64_t hi = arm ? XL_BOOT_SHM_AREA_END_ARM64 :
			    XL_BOOT_SHM_AREA_END_RISCV64;
	/* Sv39x4 (41 bits) on RISC-V; the IPA size on Arm (guest_ram_room) */
	uint64_t top = arm ? 1ull << domcfg_limits.arm_ipa_bits : 1ull << 41;
	uint64_t cur = lo;
	uint32_t i, j;

	if (!d->nr_shm)
		return;
	p->line = d->line[DOMCFG_K_SHM];
	for (i = 0; i < d->nr_shm; i++) {
		struct domcfg_shm *r = &d->shm[i];
		uint64_t al = XL_BOOT_SHM_ALIGN, at;

		if (r->gpa_given)
			continue;
		while (al < r->size)
			al <<= 1;
		at = align_up(cur, al);
		for (j = 0; j < d->nr_shm; j++) {
			if (j != i && d->shm[j].gpa_given &&
			    ranges_meet(at, r->size, d->shm[j].gpa,
					d->shm[j].size)) {
				at = align_up(d->shm[j].gpa + d->shm[j].size,
					      al);
				j = (uint32_t)-1; /* rescan */
			}
		}
		if (at + r->size > hi) {
			perr(p,
			     "shm: region '%s' does not fit in the shared-"
			     "memory area (0x%llx-0x%llx); give it a gpa",
			     r->id, (unsigned long long)lo,
			     (unsigned long long)hi - 1);
			return;
		}
		r->gpa = at;
		cur = at + r->size;
	}
	for (i = 0; i < d->nr_shm; i++) {
		const struct domcfg_shm *r = &d->shm[i];
		unsigned long long a = r->gpa, e = r->gpa + r->size - 1;

		if (r->gpa + r->size < r->gpa || r->gpa + r->size > top) {
			perr(p,
			     "shm: region '%s' at 0x%llx is beyond the "
			     "guest physical address space (0x%llx)",
			     r->id, a, (unsigned long long)top);
			continue;
		}
		if (ranges_meet(r->gpa, r->size, ram, d->memory)) {
			perr(p,
			     "shm: region '%s' at 0x%llx-0x%llx overlaps the "
			     "domain's RAM (0x%llx-0x%llx)",
			     r->id, a, e, (unsigned long long)ram,
			     (unsigned long long)(ram + d->memory - 1));
			continue;
		}
		if (r->gpa < ram + d->memory && !(r->gpa >= lo && e < hi)) {
			perr(p,
			     "shm: region '%s' at 0x%llx-0x%llx is neither in "
			     "the shared-memory area (0x%llx-0x%llx) nor above "
			     "RAM (from 0x%llx)",
			     r->id, a, e, (unsigned long long)lo,
			     (unsigned long long)hi - 1,
			     (unsigned long long)(ram + d->memory));
			continue;
		}
		for (j = 0; j < i; j++) {
			if (!ranges_meet(r->gpa, r->size, d->shm[j].gpa,
					 d->shm[j].size))
				continue;
			perr(p,
			     "shm: region '%s' at 0x%llx-0x%llx overlaps "
			     "region '%s' at 0x%llx",
			     r->id, a, e, d->shm[j].id,
			     (unsigned long long)d->shm[j].gpa);
			break;
		}
	}
}

static int set_pt_key(struct parser *p, enum domcfg_key k,
		      const struct value *v);

static int set_key(struct parser *p, enum domcfg_key k, const struct value *v)
{
	struct domcfg *d = p->d;
	const char *key = key_names[k];
	uint64_t n;
	int rc;

	switch (k) {
	case DOMCFG_K_NAME:
		if (want_string(p, v, key))
			return -EINVAL;
		if (!valid_name(v->text)) {
			perr(p,
			     "name: \"%s\" is not a valid name (1 to %d "
			     "characters of A-Z a-z 0-9 _ -)",
			     v->text, DOMCFG_NAME_MAX);
			return -EINVAL;
		}
		strcpy(d->name, v->text);
		return 0;
	case DOMCFG_K_KERNEL:
		return set_module(p, v, key, &d->kernel, &d->kernel_size);
	case DOMCFG_K_RAMDISK:
		return set_module(p, v, key, &d->ramdisk, &d->ramdisk_size);
	case DOMCFG_K_CMDLINE:
		if (want_string(p, v, key))
			return -EINVAL;
		if (strlen(v->text) > DOMCFG_CMDLINE_MAX) {
			perr(p, "cmdline: longer than %d bytes",
			     DOMCFG_CMDLINE_MAX);
			return -EINVAL;
		}
		free(d->cmdline);
		d->cmdline = strdup(v->text);
		return d->cmdline ? 0 : -ENOMEM;
	case DOMCFG_K_MEMORY:
		if (get_size(p, v, key, 1ull << 20, &n))
			return -EINVAL;
		if (!n || n % DOMCFG_ALIGN) {
			perr(p,
			     "memory: must be a non-zero multiple of 2M "
			     "(got '%s')",
			     v->text);
			return -EINVAL;
		}
		if (n > DOMCFG_MAX_MEMORY) {
			perr(p, "memory: must be at most 64G (got '%s')",
			     v->text);
			return -EINVAL;
		}
		if (n > guest_ram_room()) {
			perr(p,
			     "memory: at most %lluM on arm64 (got '%s'; guest "
			     "RAM starts at 1G in a %u-bit guest physical "
			     "address space: %s)",
			     (unsigned long long)(guest_ram_room() >> 20),
			     v->text, domcfg_limits.arm_ipa_bits,
			     domcfg_limit_source("ARM_IPA_BITS_MAX",
						 domcfg_limits.arm_ipa_bits));
			return -EINVAL;
		}
		d->memory = n;
		return 0;
	case DOMCFG_K_VCPUS:
		if (v->type != V_WORD) {
			perr(p, "vcpus: expected an integer, got %s",
			     type_name(v->type));
			return -EINVAL;
		}
		rc = parse_uint(v->text, 1000000, &n);
		if (rc == -EINVAL) {
			perr(p, "vcpus: expected an integer, got '%s'",
			     v->text);
			return rc;
		}
		if (rc || n < 1 || n > domcfg_limits.max_vcpus) {
			perr(p, "vcpus: must be between 1 and %u (got %s; %s)",
			     domcfg_limits.max_vcpus, v->text,
			     domcfg_limit_source("MAX_VCPUS",
						 domcfg_limits.max_vcpus));
			return -EINVAL;
		}
		d->vcpus = (uint32_t)n;
		return 0;
	case DOMCFG_K_CPUS:
		return set_cpus(p, v);
	case DOMCFG_K_P2M_POOL:
		if (get_size(p, v, key, 1ull << 10, &n))
			return -EINVAL;
		if (n % 4096) {
			perr(p,
			     "p2m_pool: must be a multiple of 4K (got "
			     "'%s')",
			     v->text);
			return -EINVAL;
		}
		if (n < DOMCFG_MIN_POOL_KB * 1024ull ||
		    n / 1024 > DOMCFG_MAX_POOL_KB) {
			perr(p,
			     "p2m_pool: must be between %dK and 4G (got "
			     "'%s')",
			     DOMCFG_MIN_POOL_KB, v->text);
			return -EINVAL;
		}
		d->p2m_pool_kb = (uint32_t)(n / 1024);
		return 0;
	case DOMCFG_K_PRIVILEGED:
		if (v->type == V_WORD &&
		    (!strcmp(v->text, "true") || !strcmp(v->text, "yes") ||
		     !strcmp(v->text, "1"))) {
			d->privileged = true;
			return 0;
		}
		if (v->type == V_WORD &&
		    (!strcmp(v->text, "false") || !strcmp(v->text, "no") ||
		     !strcmp(v->text, "0"))) {
			d->privileged = false;
			return 0;
		}
		perr(p, "privileged: expected true or false");
		return -EINVAL;
	case DOMCFG_K_ON_POWEROFF:
		return get_action(p, v, key, &d->on_poweroff);
	case DOMCFG_K_ON_REBOOT:
		return get_action(p, v, key, &d->on_reboot);
	case DOMCFG_K_ON_CRASH:
		return get_action(p, v, key, &d->on_crash);
	case DOMCFG_K_PV_MMU_POLICY:
		if (v->type != V_LIST && !strcmp(v->text, "none")) {
			d->pv_mmu_policy = DOMCFG_PV_MMU_NONE;
			return 0;
		}
		if (v->type != V_LIST && !strcmp(v->text, "no-wx")) {
			d->pv_mmu_policy = DOMCFG_PV_MMU_NO_WX;
			return 0;
		}
		perr(p, "pv_mmu_policy: expected \"none\" or \"no-wx\"");
		return -EINVAL;
	case DOMCFG_K_MMIO_FAULT:
		if (v->type != V_LIST && !strcmp(v->text, "inject")) {
			d->mmio_fault_crash = false;
			return 0;
		}
		if (v->type != V_LIST && !strcmp(v->text, "crash")) {
			d->mmio_fault_crash = true;
			return 0;
		}
		perr(p, "mmio_fault: expected \"inject\" or \"crash\"");
		return -EINVAL;
	case DOMCFG_K_SHM:
		return set_shm(p, v);
	case DOMCFG_K_DISK:
	case DOMCFG_K_VIF:
	case DOMCFG_K_IOMEM:
	case DOMCFG_K_IRQS:
	case DOMCFG_K_DTDEV:
	case DOMCFG_K_DIRECT_MAP:
		return set_pt_key(p, k, v);
	default:
		return -EINVAL;
	}
}

static void parse_line(struct parser *p, const char *s, const char *end)
{
	struct value v = { 0 };
	const char *kstart;
	char key[40];
	size_t klen;
	int k;

	s = skip_space(s, end);
	if (s >= end || *s == '#')
		return;
	kstart = s;
	while (s < end && (isalnum((unsigned char)*s) || *s == '_'))
		s++;
	klen = (size_t)(s - kstart);
	if (!klen || isdigit((unsigned char)*kstart)) {
		perr(p, "syntax error: expected 'key = value'");
		return;
	}
	if (klen >= sizeof(key)) {
		perr(p, "unknown key '%.*s'", 39, kstart);
		return;
	}
	memcpy(key, kstart, klen);
	key[klen] = '\0';
	for (k = 0; k < DOMCFG_NR_KEYS; k++) {
		if (!strcmp(key, key_names[k]))
			break;
	}
	if (k == DOMCFG_NR_KEYS) {
		perr(p, "unknown key '%s'", key);
		return;
	}
	s = skip_space(s, end);
	if (s >= end || *s != '=') {
		perr(p, "syntax error: expected '=' after '%s'", key);
		return;
	}
	s = skip_space(s + 1, end);
	if (s >= end || *s == '#') {
		perr(p, "%s: missing value", key);
		return;
	}
	if (*s == '"' || *s == '\'') {
		v.type = V_STRING;
		v.text = scan_string(p, &s, end);
		if (!v.text)
			return;
	} else if (*s == '[') {
		if (scan_list(p, &s, end, &v, key))
			goto out;
	} else if (is_word_char(*s)) {
		v.type = V_WORD;
		v.text = scan_word(&s, end);
		if (!v.text)
			return;
	} else {
		perr(p, "%s: bad value starting with '%c'", key,
		     isprint((unsigned char)*s) ? *s : '?');
		return;
	}
	s = skip_space(s, end);
	if (s < end && *s != '#') {
		perr(p, "%s: unexpected text after the value", key);
		goto out;
	}
	if (p->d->line[k]) {
		perr(p, "duplicate key '%s' (first set on line %d)", key,
		     p->d->line[k]);
		goto out;
	}
	p->d->line[k] = p->line;
	set_key(p, (enum domcfg_key)k, &v);
out:
	value_free(&v);
}

/*
 * Passthrough keys (docs/passthrough.md): disk, vif, iomem, irqs, dtdev,
 * direct_map. Each list element is parsed here; what needs every domain
 * (transports, overlaps, IRQs given twice) is tools/passthrough.c.
 */

/* Next comma-separated field of @s (trimmed, in place); NULL at the end. */
static char *pt_field(char **s)
{
	char *f = *s, *e;

	if (!f)
		return NULL;
	e = strchr(f, ',');
	*s = e ? e + 1 : NULL;
	if (e)
		*e = '\0';
	while (*f == ' ' || *f == '\t')
		f++;
	e = f + strlen(f);
	while (e > f && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return f;
}

static bool pt_bool(const struct value *v, bool *out)
{
	if (v->type != V_WORD)
		return false;
	if (!strcmp(v->text, "true") || !strcmp(v->text, "1")) {
		*out = true;
		return true;
	}
	if (!strcmp(v->text, "false") || !strcmp(v->text, "0")) {
		*out = false;
		return true;
	}
	return false;
}

/* A hexadecimal page number, with or without 0x, as xl.cfg's iomem. */
static int pt_hex(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		int d;

		if (!isxdigit((unsigned char)*s))
			return -EINVAL;
		d = isdigit((unsigned char)*s) ?
			    *s - '0' :
			    tolower((unsigned char)*s) - 'a' + 10;
		if (v >> 48)
			return -ERANGE; /* page numbers beyond 64-bit bytes */
		v = v * 16 + (uint64_t)d;
	}
	*out = v;
	return 0;
}

static int pt_disk(struct parser *p, struct domcfg_disk *dk, char *spec, int i)
{
	static const char *const pos[] = { "target", "format", "vdev",
					   "access" };
	char *f, *target = NULL;
	int n = 0;

	dk->vdev = -1;
	dk->transport = DOMCFG_PT_NO_TRANSPORT;
	while ((f = pt_field(&spec))) {
		char *eq = strchr(f, '='), *key, *val;

		if (eq) {
			*eq = '\0';
			key = f;
			val = eq + 1;
			while (*val == ' ')
				val++;
			{
				char *e = key + strlen(key);

				while (e > key && e[-1] == ' ')
					*--e = '\0';
			}
		} else {
			if (n >= 4) {
				perr(p,
				     "disk: element %d: more than 4 positional "
				     "fields (target,format,vdev,access)",
				     i);
				return -EINVAL;
			}
			key = (char *)pos[n++];
			val = f;
			if (!*val)
				continue; /* an empty field keeps the default */
		}
		if (!strcmp(key, "target")) {
			target = val;
		} else if (!strcmp(key, "format")) {
			if (strcmp(val, "raw")) {
				perr(p,
				     "disk: element %d: format \"%s\" is not "
				     "supported (only raw)",
				     i, val);
				return -EINVAL;
			}
		} else if (!strcmp(key, "vdev")) {
			if (strlen(val) != 3 || strncmp(val, "vd", 2) ||
			    val[2] < 'a' || val[2] > 'z') {
				perr(p,
				     "disk: element %d: vdev \"%s\" is not "
				     "vda..vdz",
				     i, val);
				return -EINVAL;
			}
			dk->vdev = val[2] - 'a';
		} else if (!strcmp(key, "access")) {
			if (!strcmp(val, "ro") || !strcmp(val, "r"))
				dk->ro = true;
			else if (!strcmp(val, "rw") || !strcmp(val, "w"))
				dk->ro = false;
			else {
				perr(p,
				     "disk: element %d: access \"%s\" (expected "
				     "rw or ro)",
				     i, val);
				return -EINVAL;
			}
		} else {
			perr(p,
			     "disk: element %d: unknown key '%s' (expected "
			     "target, format, vdev or access)",
			     i, key);
			return -EINVAL;
		}
	}
	if (!target || !*target) {
		perr(p, "disk: element %d: no target (the image file)", i);
		return -EINVAL;
	}
	dk->target = resolve_path(p->path, target);
	if (!dk->target) {
		perr(p, "out of memory");
		return -ENOMEM;
	}
	if (!(p->flags & DOMCFG_NO_FS)) {
		struct stat st;

		if (stat(dk->target, &st)) {
			perr(p, "disk: cannot open '%s': %s", dk->target,
			     strerror(errno));
			return -EINVAL;
		}
		if (!S_ISREG(st.st_mode)) {
			perr(p, "disk: '%s' is not a regular file", dk->target);
			return -EINVAL;
		}
	}
	return 0;
}

static bool pt_mac(const char *m)
{
	int i;

	if (strlen(m) != 17)
		return false;
	for (i = 0; i < 17; i++) {
		if (i % 3 == 2 ? m[i] != ':' : !isxdigit((unsigned char)m[i]))
			return false;
	}
	/* Bit 0 of the first octet set: a multicast address. */
	return !(strtoul(m, NULL, 16) & 1);
}

/*
 * One forward, "PROTO:[127.0.0.1]:HOSTPORT-[GUESTADDR]:GUESTPORT" (QEMU's
 * hostfwd), appended to @out with the host address made 127.0.0.1: a
 * domain's ports are never opened to the network.
 */
static int pt_hostfwd(struct parser *p, int i, const char *fwd, char *out,
		      size_t len)
{
	char proto[4], haddr[16], rest[64];
	unsigned int hport, gport;
	const char *gp;
	size_t n = strlen(out);

	if (sscanf(fwd, "%3[a-z]:%15[0-9.]:%u-%63s", proto, haddr, &hport,
		   rest) != 4 &&
	    (haddr[0] = '\0',
	     sscanf(fwd, "%3[a-z]::%u-%63s", proto, &hport, rest) != 3)) {
		perr(p,
		     "vif: element %d: hostfwd \"%s\" is not "
		     "tcp|udp:[127.0.0.1]:HOSTPORT-:GUESTPORT",
		     i, fwd);
		return -EINVAL;
	}
	if (strcmp(proto, "tcp") && strcmp(proto, "udp")) {
		perr(p, "vif: element %d: hostfwd protocol \"%s\" (tcp or udp)",
		     i, proto);
		return -EINVAL;
	}
	if (haddr[0] && strcmp(haddr, "127.0.0.1")) {
		perr(p,
		     "vif: element %d: hostfwd on %s: forwards listen on "
		     "loopback only (127.0.0.1)",
		     i, haddr);
		return -EINVAL;
	}
	gp = strrchr(rest, ':');
	if (!gp || sscanf(gp + 1, "%u", &gport) != 1 || !hport ||
	    hport > 65535 || !gport || gport > 65535 ||
	    strspn(gp + 1, "0123456789") != strlen(gp + 1)) {
		perr(p, "vif: element %d: hostfwd \"%s\": bad port", i, fwd);
		return -EINVAL;
	}
	if ((size_t)snprintf(out + n, len - n, "%s%s:127.0.0.1:%u-%s",
			     n ? ";" : "", proto, hport, rest) >= len - n) {
		perr(p, "vif: element %d: hostfwd too long", i);
		return -EINVAL;
	}
	return 0;
}

static int pt_vif(struct parser *p, struct domcfg_vif *vf, char *spec, int i)
{
	char fwd[400] = "", *f;

	vf->transport = DOMCFG_PT_NO_TRANSPORT;
	while ((f = pt_field(&spec))) {
		char *eq = strchr(f, '='), *val;

		if (!*f)
			continue;
		if (!eq) {
			perr(p, "vif: element %d: '%s' is not key=value", i, f);
			return -EINVAL;
		}
		*eq = '\0';
		val = eq + 1;
		if (!strcmp(f, "type")) {
			if (strcmp(val, "user")) {
				perr(p,
				     "vif: element %d: type \"%s\" (only "
				     "user: QEMU's user-mode network)",
				     i, val);
				return -EINVAL;
			}
		} else if (!strcmp(f, "mac")) {
			if (!pt_mac(val)) {
				perr(p,
				     "vif: element %d: mac \"%s\" is not a "
				     "unicast xx:xx:xx:xx:xx:xx",
				     i, val);
				return -EINVAL;
			}
			snprintf(vf->mac, sizeof(vf->mac), "%s", val);
		} else if (!strcmp(f, "hostfwd")) {
			char *one, *save = NULL;

			for (one = strtok_r(val, ";", &save); one;
			     one = strtok_r(NULL, ";", &save)) {
				if (pt_hostfwd(p, i, one, fwd, sizeof(fwd)))
					return -EINVAL;
			}
		} else {
			perr(p,
			     "vif: element %d: unknown key '%s' (expected "
			     "type, mac or hostfwd)",
			     i, f);
			return -EINVAL;
		}
	}
	if (fwd[0] && !(vf->hostfwd = strdup(fwd))) {
		perr(p, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static int pt_iomem(struct parser *p, struct domcfg_iomem *io, char *spec,
		    int i)
{
	char *comma = strchr(spec, ','), *at;
	uint64_t start, pages, gfn;

	at = comma ? strchr(comma, '@') : NULL;
	if (comma)
		*comma = '\0';
	if (at)
		*at = '\0';
	if (!comma || pt_hex(spec, &start) || pt_hex(comma + 1, &pages) ||
	    (at && pt_hex(at + 1, &gfn))) {
		perr(p,
		     "iomem: element %d: expected \"IOMEM_START,NUM_PAGES"
		     "[@GFN]\" (hexadecimal page numbers)",
		     i);
		return -EINVAL;
	}
	if (!at)
		gfn = start;
	if (!pages || pages > (1ull << 24) || start + pages > (1ull << 40) ||
	    gfn + pages > (1ull << 40)) {
		perr(p,
		     "iomem: element %d: 0x%llx pages at page 0x%llx is "
		     "empty or beyond the physical address space",
		     i, (unsigned long long)pages, (unsigned long long)start);
		return -EINVAL;
	}
	io->hpa = start << 12;
	io->gpa = gfn << 12;
	io->size = pages << 12;
	return 0;
}

static int set_pt_key(struct parser *p, enum domcfg_key k,
		      const struct value *v)
{
	struct domcfg_pt *pt = &p->d->pt;
	const char *key = key_names[k];
	bool arm = domcfg_arch && !strcmp(domcfg_arch, "arm64");
	int i, rc = 0;

	if (k == DOMCFG_K_DIRECT_MAP) {
		if (pt_bool(v, &pt->direct_map))
			return 0;
		perr(p, "direct_map: expected true or false");
		return -EINVAL;
	}
	if (v->type != V_LIST) {
		perr(p, "%s: expected a list [ ... ], got %s", key,
		     type_name(v->type));
		return -EINVAL;
	}
	if (v->nr > DOMCFG_PT_MAX) {
		perr(p, "%s: more than %d elements", key, DOMCFG_PT_MAX);
		return -EINVAL;
	}
	for (i = 0; i < v->nr && !rc; i++) {
		const struct val_item *it = &v->item[i];
		char *spec;

		if (k == DOMCFG_K_IRQS) {
			uint64_t n;

			if (it->type != V_WORD ||
			    parse_uint(it->text, 4096, &n) ||
			    (arm ? n < 32 || n > 127 : n < 1 || n > 31)) {
				perr(p,
				     "irqs: element %d: '%s' is not an "
				     "interrupt number (%s)",
				     i + 1, it->text,
				     arm ? "an SPI's INTID the domain's vGIC "
					   "has, 32..127" :
					   "a PLIC source the domain's vPLIC "
					   "has, 1..31");
				return -EINVAL;
			}
			pt->irq[pt->nr_irqs++] = (uint32_t)n;
			continue;
		}
		if (it->type != V_STRING) {
			perr(p, "%s: element %d: expected a string in quotes",
			     key, i + 1);
			return -EINVAL;
		}
		spec = strdup(it->text);
		if (!spec) {
			perr(p, "out of memory");
			return -ENOMEM;
		}
		switch (k) {
		case DOMCFG_K_DISK:
			rc = pt_disk(p, &pt->disk[pt->nr_disks++], spec, i + 1);
			break;
		case DOMCFG_K_VIF:
			rc = pt_vif(p, &pt->vif[pt->nr_vifs++], spec, i + 1);
			break;
		case DOMCFG_K_IOMEM:
			rc = pt_iomem(p, &pt->iomem[pt->nr_iomem++], spec,
				      i + 1);
			break;
		default: /* DOMCFG_K_DTDEV */
			if (spec[0] != '/' || strlen(spec) > 255) {
				perr(p,
				     "dtdev: element %d: \"%s\" is not an "
				     "absolute device-tree path",
				     i + 1, spec);
				rc = -EINVAL;
				break;
			}
			pt->dtdev[pt->nr_dtdev++] = spec;
			spec = NULL;
			break;
		}
		free(spec);
	}
	if (k == DOMCFG_K_DISK) {
		/* Each vdev once; the order the guest sees the disks in. */
		for (i = 0; i < pt->nr_disks && !rc; i++) {
			for (int j = 0; j < i; j++) {
				if (pt->disk[i].vdev >= 0 &&
				    pt->disk[i].vdev == pt->disk[j].vdev) {
					perr(p,
					     "disk: vdev vd%c given twice "
					     "(elements %d and %d)",
					     'a' + pt->disk[i].vdev, j + 1,
					     i + 1);
					return -EINVAL;
				}
			}
		}
	}
	pt->nr_file_iomem = pt->nr_iomem;
	pt->nr_file_irqs = pt->nr_irqs;
	pt->nr_file_dtdev = pt->nr_dtdev;
	return rc;
}

/* Checks that need the whole file: required keys, consistency. */
static void finish(struct parser *p)
{
	struct domcfg *d = p->d;

	p->line = d->nr_lines;
	if (!d->line[DOMCFG_K_NAME])
		perr(p, "missing required key 'name'");
	if (!d->line[DOMCFG_K_KERNEL])
		perr(p, "missing required key 'kernel'");
	/* xen-lite copies the kernel into the lower half of guest RAM. */
	if (d->kernel_size > d->memory / 2) {
		p->line = d->line[DOMCFG_K_KERNEL];
		perr(p,
		     "kernel: '%s' (%llu bytes) is larger than half of "
		     "memory (%llu MiB)",
		     d->kernel, (unsigned long long)d->kernel_size,
		     (unsigned long long)(d->memory >> 20));
	}
	if (d->ramdisk_size > d->memory / 2) {
		p->line = d->line[DOMCFG_K_RAMDISK];
		perr(p,
		     "ramdisk: '%s' (%llu bytes) is larger than half of "
		     "memory (%llu MiB)",
		     d->ramdisk, (unsigned long long)d->ramdisk_size,
		     (unsigned long long)(d->memory >> 20));
	}
	if (d->nr_cpus && d->nr_cpus != d->vcpus) {
		p->line = d->line[DOMCFG_K_CPUS];
		perr(p,
		     "cpus: the list has %u entr%s but vcpus is %u (one "
		     "CPU per vCPU, or \"all\")",
		     d->nr_cpus, d->nr_cpus == 1 ? "y" : "ies", d->vcpus);
	}
	finish_shm(p);
}

int domcfg_parse_buf(const char *path, const char *buf, size_t len,
		     unsigned int flags, struct domcfg *out,
		     struct domcfg_error *err)
{
	struct parser p = {
		.path = path,
		.flags = flags,
		.d = out,
		.err = err,
	};
	const char *s = buf, *end = buf + len;

	memset(out, 0, sizeof(*out));
	out->path = strdup(path);
	out->memory = DOMCFG_DEFAULT_MEMORY;
	out->vcpus = 1;
	out->on_poweroff = DOMCFG_DESTROY;
	out->on_reboot = DOMCFG_RESTART;
	out->on_crash = DOMCFG_DESTROY;
	if (!out->path) {
		domcfg_diag(err, path, 1, "out of memory");
		return -EINVAL;
	}
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end;

		p.line++;
		if (memchr(s, '\0', (size_t)(eol - s)))
			perr(&p, "NUL byte in the file");
		else
			parse_line(&p, s, eol);
		s = nl ? nl + 1 : end;
	}
	out->nr_lines = p.line ? p.line : 1;
	finish(&p);
	return p.errors ? -EINVAL : 0;
}

int domcfg_parse_file(const char *path, struct domcfg *out,
		      struct domcfg_error *err)
{
	return domcfg_parse_file_flags(path, 0, out, err);
}

int domcfg_parse_file_flags(const char *path, unsigned int flags,
			    struct domcfg *out, struct domcfg_error *err)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	FILE *f;
	int rc;

	f = fopen(path, "rb");
	if (!f) {
		memset(out, 0, sizeof(*out));
		domcfg_diag(err, path, 1, "cannot open: %s", strerror(errno));
		return -EINVAL;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			char *nb;

			cap = cap ? cap * 2 : 4096;
			if (cap > (16u << 20)) {
				free(buf);
				fclose(f);
				memset(out, 0, sizeof(*out));
				domcfg_diag(err, path, 1,
					    "file larger than 16 MiB");
				return -EINVAL;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				memset(out, 0, sizeof(*out));
				domcfg_diag(err, path, 1, "out of memory");
				return -EINVAL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	if (ferror(f)) {
		int e = errno;

		free(buf);
		fclose(f);
		memset(out, 0, sizeof(*out));
		domcfg_diag(err, path, 1, "cannot read: %s", strerror(e));
		return -EINVAL;
	}
	fclose(f);
	rc = domcfg_parse_buf(path, buf ? buf : "", len, flags, out, err);
	free(buf);
	return rc;
}

void domcfg_free(struct domcfg *d)
{
	free(d->path);
	free(d->kernel);
	free(d->ramdisk);
	free(d->cmdline);
	for (int i = 0; i < d->pt.nr_disks; i++)
		free(d->pt.disk[i].target);
	for (int i = 0; i < d->pt.nr_vifs; i++)
		free(d->pt.vif[i].hostfwd);
	for (int i = 0; i < d->pt.nr_dtdev; i++)
		free(d->pt.dtdev[i]);
	memset(d, 0, sizeof(*d));
}

uint64_t domcfg_pool_kb(const struct domcfg *d)
{
	return xl_boot_p2m_pool_kb(d->p2m_pool_kb, d->memory, d->vcpus,
				   domcfg_limits.p2m_pool_default_kb);
}

/* The line to blame for a key: where it was set, else the name line. */
static int key_line(const struct domcfg *d, enum domcfg_key k)
{
	if (d->line[k])
		return d->line[k];
	return d->line[DOMCFG_K_NAME] ? d->line[DOMCFG_K_NAME] : 1;
}

/*
 * Shared-memory regions across the set (docs/shared-memory.md): one owner
 * per region, every borrower with an owner of the same size, at most
 * XL_BOOT_SHM_MAX_PEERS participants.
 */
static void check_shm_set(const struct domcfg *doms, int nr,
			  struct domcfg_error *err)
{
	char a[24], b[24];

	for (int i = 0; i < nr; i++) {
		const struct domcfg *d = &doms[i];
		int line = key_line(d, DOMCFG_K_SHM);

		for (uint32_t s = 0; s < d->nr_shm; s++) {
			const struct domcfg_shm *r = &d->shm[s];
			const struct domcfg *od = NULL;
			const struct domcfg_shm *o = NULL;
			int peers = 0;

			/* The owner (the first one) and the participants. */
			for (int j = 0; j < nr; j++) {
				for (uint32_t t = 0; t < doms[j].nr_shm; t++) {
					const struct domcfg_shm *x =
						&doms[j].shm[t];

					if (strcmp(x->id, r->id))
						continue;
					if (j < i || (j == i && t <= s))
						peers++;
					if (x->owner && !o) {
						o = x;
						od = &doms[j];
					}
				}
			}
			if (r->owner && o != r) {
				domcfg_diag(
					err, d->path, line,
					"shm: region '%s' has two owners (the "
					"other is %s:%d)",
					r->id, od->path,
					key_line(od, DOMCFG_K_SHM));
			} else if (!o) {
				domcfg_diag(
					err, d->path, line,
					"shm: region '%s' has no owner (give "
					"one domain role=owner with this id)",
					r->id);
			} else if (o->size != r->size) {
				domcfg_diag(
					err, d->path, line,
					"shm: region '%s' is %s here but %s in "
					"its owner %s:%d (size mismatch)",
					r->id,
					shm_size_str(r->size, a, sizeof(a)),
					shm_size_str(o->size, b, sizeof(b)),
					od->path, key_line(od, DOMCFG_K_SHM));
			} else if (peers == XL_BOOT_SHM_MAX_PEERS + 1) {
				domcfg_diag(err, d->path, line,
					    "shm: region '%s' has more than %d "
					    "participants",
					    r->id, XL_BOOT_SHM_MAX_PEERS);
			}
		}
	}
}

int domcfg_check_set(const struct domcfg *doms, int nr,
		     const struct domcfg_host *host, struct domcfg_error *err)
{
	uint64_t used, total = host->ram_size;
	int before = err->count, i, j;
	uint32_t c;

	if (nr > DOMCFG_MAX_BOOT_DOMAINS) {
		domcfg_diag(err, doms[DOMCFG_MAX_BOOT_DOMAINS].path, 1,
			    "too many domains (xen-lite boots at most %d)",
			    DOMCFG_MAX_BOOT_DOMAINS);
		return -EINVAL;
	}
	if (nr > (int)domcfg_limits.max_domains) {
		domcfg_diag(err, doms[domcfg_limits.max_domains].path, 1,
			    "too many domains (at most %u: %s)",
			    domcfg_limits.max_domains,
			    domcfg_limit_source("MAX_DOMAINS",
						domcfg_limits.max_domains));
		return -EINVAL;
	}
	for (i = 0; i < nr; i++) {
		const struct domcfg *d = &doms[i];

		for (j = 0; j < i; j++) {
			if (!d->name[0] || strcmp(d->name, doms[j].name))
				continue;
			domcfg_diag(err, d->path, key_line(d, DOMCFG_K_NAME),
				    "duplicate domain name '%s' (also used by "
				    "%s:%d)",
				    d->name, doms[j].path,
				    key_line(&doms[j], DOMCFG_K_NAME));
			break;
		}
		if (d->nr_cpus > host->nr_cpus) {
			domcfg_diag(
				err, d->path, key_line(d, DOMCFG_K_CPUS),
				"cpus: %u pinned vCPUs but the host has only "
				"%u CPU%s",
				d->nr_cpus, host->nr_cpus,
				host->nr_cpus == 1 ? "" : "s");
			continue;
		}
		for (c = 0; c < d->nr_cpus; c++) {
			if (d->cpus[c] < host->nr_cpus &&
			    d->cpus[c] >= domcfg_limits.nr_cpus) {
				domcfg_diag(
					err, d->path,
					key_line(d, DOMCFG_K_CPUS),
					"cpus: CPU %u stays offline: the "
					"hypervisor brings up %u CPU%s (%s)",
					d->cpus[c], domcfg_limits.nr_cpus,
					domcfg_limits.nr_cpus == 1 ? "" : "s",
					domcfg_limit_source(
						"NR_CPUS",
						domcfg_limits.nr_cpus));
				break;
			}
			if (d->cpus[c] < host->nr_cpus)
				continue;
			domcfg_diag(err, d->path, key_line(d, DOMCFG_K_CPUS),
				    "cpus: CPU %u does not exist (the host has "
				    "%u CPU%s: 0-%u)",
				    d->cpus[c], host->nr_cpus,
				    host->nr_cpus == 1 ? "" : "s",
				    host->nr_cpus - 1);
			break;
		}
	}

	check_shm_set(doms, nr, err);

	/*
	 * Memory: xen-lite keeps DOMCFG_HYP_RESERVE for its image, stacks and
	 * heap plus 1/64 of RAM for its frame table (40 bytes per 4 KiB),
	 * 4 MiB stay free for the DTB QEMU places in RAM, every boot module
	 * takes 2 MiB-aligned room at the top of RAM, and each domain's
	 * page-table pool comes from host RAM as well.
	 */
	used = DOMCFG_HYP_RESERVE + total / 64 + 2 * DOMCFG_ALIGN;
	for (i = 0; i < nr; i++) {
		used += align_up(doms[i].kernel_size, DOMCFG_ALIGN);
		used += align_up(doms[i].ramdisk_size, DOMCFG_ALIGN);
		used += align_up(domcfg_pool_kb(&doms[i]) * 1024, 4096);
		/* An owner's regions come from host RAM too. */
		for (uint32_t s = 0; s < doms[i].nr_shm; s++)
			used += doms[i].shm[s].owner ? doms[i].shm[s].size : 0;
	}
	for (i = 0; i < nr && !host->overcommit; i++) {
		const struct domcfg *d = &doms[i];
		uint64_t avail = total > used ? total - used : 0;

		if (d->memory > avail) {
			domcfg_diag(
				err, d->path, key_line(d, DOMCFG_K_MEMORY),
				"memory: %llu MiB does not fit: only %llu "
				"MiB of the host's %llu MiB are left (give "
				"the host more with --mem, e.g. --mem %lluM)",
				(unsigned long long)(d->memory >> 20),
				(unsigned long long)(avail >> 20),
				(unsigned long long)(total >> 20),
				(unsigned long long)(align_up(
							     total + d->memory -
								     avail +
								     (d->memory -
								      avail) /
									     32,
							     DOMCFG_ALIGN) >>
						     20));
			break;
		}
		used += d->memory;
	}
	return err->count > before ? -EINVAL : 0;
}

/* Kconfig defaults (common/Kconfig) until a .config is read. */
struct domcfg_limits domcfg_limits = {
	.max_vcpus = XL_KCONFIG_MAX_VCPUS_DEFAULT,
	.max_domains = XL_KCONFIG_MAX_DOMAINS_DEFAULT,
	.nr_cpus = XL_KCONFIG_NR_CPUS_DEFAULT,
	.p2m_pool_default_kb = XL_KCONFIG_P2M_POOL_DEFAULT_KB_DEFAULT,
	.arm_ipa_bits = XL_KCONFIG_ARM_IPA_BITS_MAX_DEFAULT,
};

const char *domcfg_limit_source(const char *sym, unsigned long val)
{
	static char buf[PATH_MAX + 64];

	if (domcfg_limits.config)
		snprintf(buf, sizeof(buf), "CONFIG_%s=%lu in %s", sym, val,
			 domcfg_limits.config);
	else
		snprintf(buf, sizeof(buf), "CONFIG_%s=%lu, the Kconfig default",
			 sym, val);
	return buf;
}

int domcfg_load_limits(const char *config)
{
	static const struct {
		const char *sym;
		size_t off;
		unsigned long lo, hi; /* the Kconfig ranges */
	} keys[] = {
#define KEY(sym, field)                                              \
	{ "CONFIG_" #sym "=", offsetof(struct domcfg_limits, field), \
	  XL_KCONFIG_##sym##_MIN, XL_KCONFIG_##sym##_MAX }
		KEY(MAX_VCPUS, max_vcpus),
		KEY(MAX_DOMAINS, max_domains),
		KEY(NR_CPUS, nr_cpus),
		KEY(P2M_POOL_DEFAULT_KB, p2m_pool_default_kb),
		KEY(ARM_IPA_BITS_MAX, arm_ipa_bits),
#undef KEY
	};
	char line[256];
	FILE *f = fopen(config, "r");
	int nr = 0;

	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		nr++;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t n = strlen(keys[i].sym);
			char *end;
			unsigned long v;

			if (strncmp(line, keys[i].sym, n))
				continue;
			errno = 0;
			v = strtoul(line + n, &end, 0);
			if (errno || end == line + n ||
			    (*end && *end != '\n') || v < keys[i].lo ||
			    v > keys[i].hi) {
				fprintf(stderr,
					"%s:%d: %.*s: expected %lu..%lu\n",
					config, nr, (int)n - 1, keys[i].sym,
					keys[i].lo, keys[i].hi);
				fclose(f);
				return -EINVAL;
			}
			*(uint32_t *)((char *)&domcfg_limits + keys[i].off) =
				(uint32_t)v;
		}
	}
	fclose(f);
	domcfg_limits.config = config;
	return 0;
}

/*
 * A Linux Image: the header magic (Documentation/arch/riscv/boot.rst,
 * Documentation/arch/arm64/booting.rst) and, since other kernels (the
 * test guests) use the same header, Linux's banner (init/version.c).
 */
static bool is_linux_image(const char *path)
{
	static const char banner[] = "Linux version ";
	const size_t bl = sizeof(banner) - 1;
	static char buf[1 << 16];
	FILE *f = fopen(path, "rb");
	bool found = false;
	size_t n, have;

	if (!f)
		return false;
	have = fread(buf, 1, 64, f);
	if (have < 64 || (memcmp(buf + 56, "RSC\x05", 4) &&
			  memcmp(buf + 56, "ARM\x64", 4))) {
		fclose(f);
		return false;
	}
	while (!found) {
		n = fread(buf + have, 1, sizeof(buf) - have, f);
		if (!n)
			break;
		have += n;
		found = memmem(buf, have, banner, bl) != NULL;
		/* Keep the tail: the banner may straddle two reads. */
		memmove(buf, buf + have - (bl - 1), bl - 1);
		have = bl - 1;
	}
	fclose(f);
	return found;
}

/* Is @word a parameter of the command line @cmdline (before any "--")? */
static bool has_param(const char *cmdline, const char *word)
{
	size_t n = strlen(word);
	const char *p = cmdline;

	while (p && *p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, "-- ", 3) || !strcmp(p, "--"))
			return false;
		if (!strncmp(p, word, n))
			return true;
		p = strchr(p, ' ');
	}
	return false;
}

int domcfg_warn(const struct domcfg *d, FILE *f)
{
	int n = 0;

	if (d->line[DOMCFG_K_ON_CRASH] && d->kernel &&
	    (!d->cmdline || !has_param(d->cmdline, "panic=")) &&
	    is_linux_image(d->kernel)) {
		fprintf(f,
			"%s:%d: warning: on_crash does not see a Linux panic: "
			"the kernel spins for ever; add panic=N to cmdline "
			"(it then reboots N s after a panic and on_reboot "
			"applies)\n",
			d->path, d->line[DOMCFG_K_ON_CRASH]);
		n++;
	}
	return n;
}
