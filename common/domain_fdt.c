// SPDX-License-Identifier: GPL-2.0
/*
 * Parse and validate the /chosen domain nodes (docs/boot-protocol.md,
 * include/public/boot_schema.h). The host CLI links this file too
 * (tools/Makefile) and checks every bundle it writes with it.
 */
#include <libfdt.h>
#include <xen-lite/domain_fdt.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>

struct dparse {
	const void *fdt;
	int node;
	const char *dname;
	char *err;
	size_t errlen;
	int index; /* of the node among the domain nodes */
	const char *name; /* xen-lite,name once read, else NULL */
	unsigned int nr_cpus; /* physical CPUs online */
	unsigned int max_vcpus; /* CONFIG_MAX_VCPUS of the build */
};

/*
 * Errors name the domain as every tool does (the ID it would get, its
 * name): "domain 1 (web): ...", and the node for lookups in the DTB.
 */
static int perr(struct dparse *p, const char *msg)
{
	snprintf(p->err, p->errlen, "domain %d (%s, /chosen/%s): %s",
		 p->index + 1, p->name ? p->name : "no name", p->dname, msg);
	return -EINVAL;
}

/* A property that must be a NUL-terminated string of at most @max bytes. */
static int get_str(struct dparse *p, const char *prop, char *out, size_t max,
		   bool required)
{
	int len;
	const char *s = fdt_getprop(p->fdt, p->node, prop, &len);

	if (!s) {
		if (required) {
			char m[64];

			snprintf(m, sizeof(m), "missing %s", prop);
			return perr(p, m);
		}
		out[0] = '\0';
		return 0;
	}
	if (len <= 0 || s[len - 1] != '\0' || (size_t)len > max ||
	    strlen(s) != (size_t)len - 1) {
		char m[64];

		snprintf(m, sizeof(m),
			 "%s is not a string of at most %zu bytes", prop,
			 max - 1);
		return perr(p, m);
	}
	memcpy(out, s, len);
	return 0;
}

static int get_u32(struct dparse *p, const char *prop, u32 *out, bool required)
{
	int len;
	const fdt32_t *v = fdt_getprop(p->fdt, p->node, prop, &len);

	if (!v) {
		char m[64];

		if (!required)
			return 1;
		snprintf(m, sizeof(m), "missing %s", prop);
		return perr(p, m);
	}
	if (len != 4) {
		char m[64];

		snprintf(m, sizeof(m), "%s must be one cell", prop);
		return perr(p, m);
	}
	*out = fdt32_ld(v);
	return 0;
}

static int get_action(struct dparse *p, const char *prop,
		      enum shutdown_action *out, enum shutdown_action dflt)
{
	char buf[16];
	int rc = get_str(p, prop, buf, sizeof(buf), false);

	if (rc)
		return rc;
	if (!buf[0])
		*out = dflt;
	else if (!strcmp(buf, XL_BOOT_ACTION_DESTROY))
		*out = ACTION_DESTROY;
	else if (!strcmp(buf, XL_BOOT_ACTION_RESTART))
		*out = ACTION_RESTART;
	else if (!strcmp(buf, XL_BOOT_ACTION_PRESERVE))
		*out = ACTION_PRESERVE;
	else
		return perr(p, "on-* must be destroy, restart or preserve");
	return 0;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > XL_BOOT_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

static int parse_modules(struct dparse *p, struct domain_config *c)
{
	int mod;

	fdt_for_each_subnode(mod, p->fdt, p->node) {
		const fdt32_t *reg;
		int len;
		u64 a, s;

		if (fdt_node_check_compatible(p->fdt, mod,
					      XL_BOOT_COMPAT_MODULE))
			continue;
		reg = fdt_getprop(p->fdt, mod, "reg", &len);
		if (!reg || len != 16)
			return perr(
				p,
				"module reg must be <addr-hi addr-lo size-hi size-lo>");
		a = ((u64)fdt32_ld(&reg[0]) << 32) | fdt32_ld(&reg[1]);
		s = ((u64)fdt32_ld(&reg[2]) << 32) | fdt32_ld(&reg[3]);
		if (!s || a + s < a)
			return perr(p,
				    "module with an empty or wrapping range");
		if (!fdt_node_check_compatible(p->fdt, mod,
					       XL_BOOT_COMPAT_KERNEL)) {
			if (c->kernel_size)
				return perr(p, "more than one kernel module");
			c->kernel_pa = a;
			c->kernel_size = s;
		} else if (!fdt_node_check_compatible(p->fdt, mod,
						      XL_BOOT_COMPAT_RAMDISK)) {
			if (c->ramdisk_size)
				return perr(p, "more than one ramdisk module");
			c->ramdisk_pa = a;
			c->ramdisk_size = s;
		} else {
			return perr(p,
				    "module is neither " XL_BOOT_COMPAT_KERNEL
				    " nor " XL_BOOT_COMPAT_RAMDISK);
		}
	}
	if (!c->kernel_size)
		return perr(p, "no kernel module");
	if (c->ramdisk_size && c->ramdisk_size > c->mem_bytes / 2)
		return perr(p,
			    "ramdisk larger than half of the domain's memory");
	if (c->kernel_size > c->mem_bytes / 2)
		return perr(p,
			    "kernel larger than half of the domain's memory");
	return 0;
}

/* A 64-bit property of node @node, or -EINVAL. */
static int get_u64_of(struct dparse *p, int node, const char *prop, u64 *out)
{
	int len;
	const fdt32_t *v = fdt_getprop(p->fdt, node, prop, &len);

	if (!v || len != 8)
		return -EINVAL;
	*out = ((u64)fdt32_ld(&v[0]) << 32) | fdt32_ld(&v[1]);
	return 0;
}

/* The shm@SLOT subnodes: shared-memory regions (docs/shared-memory.md). */
static int parse_shm(struct dparse *p, struct domain_config *c)
{
	int node = p->node, sub, rc = 0;

	fdt_for_each_subnode(sub, p->fdt, node) {
		struct domain_shm_config *r = &c->shm[c->nr_shm];
		char role[16], acc[8];
		bool ok;

		if (fdt_node_check_compatible(p->fdt, sub, XL_BOOT_COMPAT_SHM))
			continue;
		if (c->nr_shm == XL_BOOT_SHM_MAX)
			return perr(p, "more than 8 shm regions");
		/* get_str() reads p->node: point it at the region. */
		p->node = sub;
		rc = get_str(p, XL_BOOT_PROP_SHM_ID, r->id, sizeof(r->id),
			     true);
		if (!rc)
			rc = get_str(p, XL_BOOT_PROP_SHM_ROLE, role,
				     sizeof(role), true);
		if (!rc)
			rc = get_str(p, XL_BOOT_PROP_SHM_ACCESS, acc,
				     sizeof(acc), false);
		p->node = node;
		if (rc)
			return rc;
		if (!valid_name(r->id))
			return perr(p, XL_BOOT_PROP_SHM_ID
				    " must be 1-31 characters [A-Za-z0-9_-]");
		if (get_u64_of(p, sub, XL_BOOT_PROP_SHM_SIZE, &r->size) ||
		    get_u64_of(p, sub, XL_BOOT_PROP_SHM_GPA, &r->gpa))
			return perr(p, "shm needs 64-bit " XL_BOOT_PROP_SHM_SIZE
				       " and " XL_BOOT_PROP_SHM_GPA);
		ok = r->size && r->size <= XL_BOOT_SHM_SIZE_MAX &&
		     !(r->size % XL_BOOT_SHM_ALIGN) &&
		     !(r->gpa % XL_BOOT_SHM_ALIGN) && r->gpa + r->size > r->gpa;
		if (!ok)
			return perr(p, "shm size or address not a multiple of "
				       "4 KiB, empty, over 1 GiB or wrapping");
		if (strcmp(role, XL_BOOT_SHM_OWNER) &&
		    strcmp(role, XL_BOOT_SHM_BORROWER))
			return perr(p, XL_BOOT_PROP_SHM_ROLE
				    " must be owner or borrower");
		if (acc[0] && strcmp(acc, XL_BOOT_SHM_RW) &&
		    strcmp(acc, XL_BOOT_SHM_RO))
			return perr(p, XL_BOOT_PROP_SHM_ACCESS
				    " must be rw or ro");
		r->owner = !strcmp(role, XL_BOOT_SHM_OWNER);
		r->ro = !strcmp(acc, XL_BOOT_SHM_RO);
		for (u32 i = 0; i < c->nr_shm; i++) {
			if (!strcmp(c->shm[i].id, r->id))
				return perr(p, "shm region listed twice");
			if (r->gpa < c->shm[i].gpa + c->shm[i].size &&
			    c->shm[i].gpa < r->gpa + r->size)
				return perr(p, "shm regions overlap");
		}
		c->nr_shm++;
	}
	return 0;
}

/*
 * Regions across domains: one owner, the owner's size. A borrower with
 * no owner is accepted here (the build leaves the region out and says
 * so); the CLI refuses it.
 */
static int check_shm_set(struct dparse *p, const struct domain_config *cfgs,
			 int n)
{
	const struct domain_config *c = &cfgs[n];

	for (u32 s = 0; s < c->nr_shm; s++) {
		const struct domain_shm_config *r = &c->shm[s];
		int peers = 1;

		for (int i = 0; i < n; i++) {
			for (u32 t = 0; t < cfgs[i].nr_shm; t++) {
				const struct domain_shm_config *o =
					&cfgs[i].shm[t];

				if (strcmp(o->id, r->id))
					continue;
				peers++;
				if (o->owner && r->owner)
					return perr(
						p,
						"shm region with two owners");
				if (o->size != r->size)
					return perr(
						p, "shm region with two sizes");
			}
		}
		if (peers > XL_BOOT_SHM_MAX_PEERS)
			return perr(p, "shm region with more than 16 "
				       "participants");
	}
	return 0;
}

/*
 * Passthrough properties (docs/passthrough.md). Only their form is checked
 * here; whether the host has the ranges and interrupts, and whether they
 * are free, is the builder's question (domain_build.c).
 */
static int parse_passthrough(struct dparse *p, struct domain_config *c)
{
	const fdt32_t *v;
	const char *s;
	int len;

	v = fdt_getprop(p->fdt, p->node, XL_BOOT_PROP_IOMEM, &len);
	if (v) {
		if (len <= 0 || len % 24 || len / 24 > XL_BOOT_PT_MAX)
			return perr(p, XL_BOOT_PROP_IOMEM
				    " must hold 1 to 32 <address guest-address "
				    "size> triples of 64-bit values");
		for (int i = 0; i < len / 24; i++) {
			struct domain_iomem *io = &c->iomem[i];

			io->hpa = fdt64_ld((const fdt64_t *)(v + 6 * i));
			io->gpa = fdt64_ld((const fdt64_t *)(v + 6 * i + 2));
			io->size = fdt64_ld((const fdt64_t *)(v + 6 * i + 4));
			if (!io->size || io->hpa + io->size < io->hpa ||
			    io->gpa + io->size < io->gpa)
				return perr(p, XL_BOOT_PROP_IOMEM
					    " has an empty or wrapping range");
		}
		c->nr_iomem = (unsigned int)len / 24;
	}
	v = fdt_getprop(p->fdt, p->node, XL_BOOT_PROP_IRQS, &len);
	if (v) {
		if (len <= 0 || len % 4 || len / 4 > XL_BOOT_PT_MAX)
			return perr(p, XL_BOOT_PROP_IRQS
				    " must hold 1 to 32 interrupt numbers");
		for (int i = 0; i < len / 4; i++)
			c->irqs[i] = fdt32_ld(v + i);
		c->nr_irqs = (unsigned int)len / 4;
	}
	s = fdt_getprop(p->fdt, p->node, XL_BOOT_PROP_DTDEV, &len);
	if (s) {
		if (len <= 1 || len > XL_BOOT_DTDEV_BYTES || s[len - 1] ||
		    s[0] != '/')
			return perr(p, XL_BOOT_PROP_DTDEV
				    " must be a list of device-tree paths of "
				    "at most 512 bytes");
		for (int i = 1; i < len; i++) {
			if (!s[i - 1] && (s[i] != '/'))
				return perr(p, XL_BOOT_PROP_DTDEV
					    " must be a list of absolute "
					    "device-tree paths");
		}
		memcpy(c->dtdev, s, (size_t)len);
		c->dtdev_len = (unsigned int)len;
	}
	c->direct_map = fdt_getprop(p->fdt, p->node, XL_BOOT_PROP_DIRECT_MAP,
				    NULL) != NULL;
	return 0;
}

static int parse_one(struct dparse *p, struct domain_config *c)
{
	const fdt32_t *v;
	int len, rc;
	u32 tmp;

	memset(c, 0, sizeof(*c));
	v = fdt_getprop(p->fdt, p->node, "#address-cells", &len);
	if (!v || len != 4 || fdt32_ld(v) != 2)
		return perr(p,
			    "needs #address-cells = <2> and #size-cells = <2>");
	v = fdt_getprop(p->fdt, p->node, "#size-cells", &len);
	if (!v || len != 4 || fdt32_ld(v) != 2)
		return perr(p,
			    "needs #address-cells = <2> and #size-cells = <2>");
	rc = get_str(p, XL_BOOT_PROP_NAME, c->name, sizeof(c->name), true);
	if (rc)
		return rc;
	if (valid_name(c->name))
		p->name = c->name;
	else
		return perr(p, XL_BOOT_PROP_NAME
			    " must be 1-31 characters [A-Za-z0-9_-]");
	v = fdt_getprop(p->fdt, p->node, XL_BOOT_PROP_MEMORY, &len);
	if (!v || len != 8)
		return perr(p,
			    XL_BOOT_PROP_MEMORY " must be a 64-bit byte count");
	c->mem_bytes = ((u64)fdt32_ld(&v[0]) << 32) | fdt32_ld(&v[1]);
	if (!c->mem_bytes || c->mem_bytes & (XL_BOOT_MEM_ALIGN - 1) ||
	    c->mem_bytes > XL_BOOT_MEM_MAX)
		return perr(
			p, XL_BOOT_PROP_MEMORY
			" must be a non-zero multiple of 2 MiB, at most 64 GiB");
	rc = get_u32(p, XL_BOOT_PROP_VCPUS, &c->vcpus, true);
	if (rc)
		return rc;
	if (c->vcpus < 1 || c->vcpus > p->max_vcpus) {
		char m[96];

		snprintf(m, sizeof(m),
			 XL_BOOT_PROP_VCPUS " is %u; this build allows 1..%u "
					    "(CONFIG_MAX_VCPUS)",
			 c->vcpus, p->max_vcpus);
		return perr(p, m);
	}
	for (u32 i = 0; i < CONFIG_MAX_VCPUS; i++)
		c->affinity[i] = -1;
	v = fdt_getprop(p->fdt, p->node, XL_BOOT_PROP_CPU_AFFINITY, &len);
	if (v) {
		if (len <= 0 || len % 4 || (u32)len / 4 != c->vcpus)
			return perr(p, XL_BOOT_PROP_CPU_AFFINITY
				    " needs one CPU per vCPU");
		for (u32 i = 0; i < c->vcpus; i++) {
			u32 cpu = fdt32_ld(&v[i]);

			if (cpu >= p->nr_cpus)
				return perr(p, XL_BOOT_PROP_CPU_AFFINITY
					    " names a CPU that is not online");
			c->affinity[i] = (s32)cpu;
		}
	}
	rc = get_u32(p, XL_BOOT_PROP_P2M_POOL_KB, &tmp, false);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		if (tmp < XL_BOOT_POOL_MIN_KB || tmp > XL_BOOT_POOL_MAX_KB)
			return perr(p, XL_BOOT_PROP_P2M_POOL_KB
				    " out of range (16 KiB .. 4 GiB)");
		c->p2m_pool_kb = tmp;
	}
	c->privileged = fdt_getprop(p->fdt, p->node, XL_BOOT_PROP_PRIVILEGED,
				    NULL) != NULL;
	rc = get_action(p, XL_BOOT_PROP_ON_POWEROFF, &c->on_poweroff,
			ACTION_DESTROY);
	if (!rc)
		rc = get_action(p, XL_BOOT_PROP_ON_REBOOT, &c->on_reboot,
				ACTION_RESTART);
	if (!rc)
		rc = get_action(p, XL_BOOT_PROP_ON_CRASH, &c->on_crash,
				ACTION_DESTROY);
	if (rc)
		return rc;
	{
		char pol[16];

		rc = get_str(p, XL_BOOT_PROP_PV_MMU_POLICY, pol, sizeof(pol),
			     false);
		if (rc)
			return rc;
		if (pol[0] && strcmp(pol, XL_BOOT_PV_MMU_NONE) &&
		    strcmp(pol, XL_BOOT_PV_MMU_NO_WX))
			return perr(p, XL_BOOT_PROP_PV_MMU_POLICY
				    " must be none or no-wx");
		c->pv_no_wx = !strcmp(pol, XL_BOOT_PV_MMU_NO_WX);
		/* Absent: inject, as Xen on Arm does (docs/domain-file.md). */
		rc = get_str(p, XL_BOOT_PROP_MMIO_FAULT, pol, sizeof(pol),
			     false);
		if (rc)
			return rc;
		if (pol[0] && strcmp(pol, XL_BOOT_MMIO_FAULT_INJECT) &&
		    strcmp(pol, XL_BOOT_MMIO_FAULT_CRASH))
			return perr(p, XL_BOOT_PROP_MMIO_FAULT
				    " must be inject or crash");
		c->mmio_fault_crash = !strcmp(pol, XL_BOOT_MMIO_FAULT_CRASH);
	}
	rc = get_str(p, XL_BOOT_PROP_BOOTARGS, c->bootargs, sizeof(c->bootargs),
		     false);
	if (rc)
		return rc;
	rc = parse_shm(p, c);
	if (rc)
		return rc;
	rc = parse_passthrough(p, c);
	if (rc)
		return rc;
	return parse_modules(p, c);
}

/* Frames [a, a + s) rounded out to pages meet [b, b + t)'s? */
static bool frames_meet(paddr_t a, u64 s, paddr_t b, u64 t)
{
	return t && ROUNDDOWN(a, PAGE_SIZE) < ROUNDUP(b + t, PAGE_SIZE) &&
	       ROUNDDOWN(b, PAGE_SIZE) < ROUNDUP(a + s, PAGE_SIZE);
}

/* Does a module of domain @c share frames with one of domain @o? */
static bool modules_meet(const struct domain_config *c,
			 const struct domain_config *o)
{
	return frames_meet(c->kernel_pa, c->kernel_size, o->kernel_pa,
			   o->kernel_size) ||
	       frames_meet(c->kernel_pa, c->kernel_size, o->ramdisk_pa,
			   o->ramdisk_size) ||
	       (c->ramdisk_size &&
		(frames_meet(c->ramdisk_pa, c->ramdisk_size, o->kernel_pa,
			     o->kernel_size) ||
		 frames_meet(c->ramdisk_pa, c->ramdisk_size, o->ramdisk_pa,
			     o->ramdisk_size)));
}

/* See struct domain_config.modules_in_place. */
static bool modules_in_place_ok(const struct domain_config *cfgs, int n, int i)
{
	const struct domain_config *c = &cfgs[i];

	if (c->on_poweroff == ACTION_RESTART ||
	    c->on_reboot == ACTION_RESTART || c->on_crash == ACTION_RESTART)
		return false;
	if (frames_meet(c->kernel_pa, c->kernel_size, c->ramdisk_pa,
			c->ramdisk_size))
		return false;
	for (int j = 0; j < n; j++) {
		if (j != i && modules_meet(c, &cfgs[j]))
			return false;
	}
	return true;
}

/*
 * A device is one domain's (docs/passthrough.md): no byte of MMIO and no
 * interrupt in two domains. The CLI refuses that in the domain files;
 * this refuses it in any bundle.
 */
static int passthrough_shared(struct dparse *p, const struct domain_config *a,
			      const struct domain_config *b)
{
	for (unsigned int i = 0; i < b->nr_iomem; i++) {
		for (unsigned int j = 0; j < a->nr_iomem; j++) {
			if (b->iomem[i].hpa <
				    a->iomem[j].hpa + a->iomem[j].size &&
			    a->iomem[j].hpa <
				    b->iomem[i].hpa + b->iomem[i].size)
				return perr(p, XL_BOOT_PROP_IOMEM
					    " overlaps another domain's");
		}
	}
	for (unsigned int i = 0; i < b->nr_irqs; i++) {
		for (unsigned int j = 0; j < a->nr_irqs; j++) {
			if (b->irqs[i] == a->irqs[j])
				return perr(p, XL_BOOT_PROP_IRQS
					    " has another domain's interrupt");
		}
	}
	return 0;
}

int domain_fdt_parse_max(const void *fdt, struct domain_config *cfgs, int max,
			 unsigned int nr_cpus, unsigned int max_vcpus,
			 char *err, size_t errlen)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	int node, n = 0;

	err[0] = '\0';
	BUILD_BUG_ON(CONFIG_MAX_VCPUS > XL_KCONFIG_MAX_VCPUS_MAX);
	/* The affinity array of struct domain_config holds this many. */
	if (max_vcpus > CONFIG_MAX_VCPUS) {
		snprintf(err, errlen,
			 "at most %d vCPUs per domain in this program, not %u",
			 CONFIG_MAX_VCPUS, max_vcpus);
		return -EINVAL;
	}
	if (chosen < 0)
		return 0;
	fdt_for_each_subnode(node, fdt, chosen) {
		struct dparse p = {
			.fdt = fdt,
			.node = node,
			.dname = fdt_get_name(fdt, node, NULL),
			.err = err,
			.errlen = errlen,
			.index = n,
			.nr_cpus = nr_cpus,
			.max_vcpus = max_vcpus,
		};
		int rc;

		if (fdt_node_check_compatible(fdt, node, XL_BOOT_COMPAT_DOMAIN))
			continue;
		if (!p.dname)
			p.dname = "?";
		if (n >= max) {
			snprintf(err, errlen, "more than %d domain nodes", max);
			return -E2BIG;
		}
		rc = parse_one(&p, &cfgs[n]);
		if (rc)
			return rc;
		cfgs[n].domid = (domid_t)(n + 1);
		for (int i = 0; i < n; i++) {
			if (!strcmp(cfgs[i].name, cfgs[n].name))
				return perr(&p, "duplicate domain name");
			rc = passthrough_shared(&p, &cfgs[i], &cfgs[n]);
			if (rc)
				return rc;
		}
		rc = check_shm_set(&p, cfgs, n);
		if (rc)
			return rc;
		n++;
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND) {
		snprintf(err, errlen, "malformed /chosen: %s",
			 fdt_strerror(node));
		return -EINVAL;
	}
	for (int i = 0; i < n; i++)
		cfgs[i].modules_in_place = modules_in_place_ok(cfgs, n, i);
	return n;
}
