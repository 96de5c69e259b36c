/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Static shared memory between domains (docs/shared-memory.md): regions
 * named in the domain files, backed by frames allocated at boot and
 * mapped into every participant.
 */
#ifndef XL_SHM_H
#define XL_SHM_H

#include <xen-lite/domain_config.h>
#include <xen-lite/types.h>

struct domain;
struct shm_region;

/* A domain's view of one region: d->shm[slot]. */
struct shm_slot {
	struct shm_region *r; /* NULL: no region in this slot (no owner) */
	unsigned int peer; /* this domain's number in the region (owner 0) */
};

/**
 * shm_boot_init() - make the regions of the boot domains
 * @cfgs: the validated configurations (domain_fdt_parse())
 * @n: how many
 *
 * Numbers the participants of each region (the owner 0, the borrowers
 * from 1 in domain order) and allocates and zeroes the frames of every
 * region that has an owner. The regions hold one reference per frame
 * until the last participant is destroyed for good (shm_domain_gone()).
 *
 * Return: 0, or -ENOMEM (after printing which region did not fit).
 */
int __must_check shm_boot_init(const struct domain_config *cfgs, int n);

/**
 * shm_map_domain() - map @d's regions into its p2m
 * @d: a domain being built, its p2m ready
 *
 * Every participant, the owner too, maps the region's frames as foreign
 * pages (p2m_map_foreign_rw or _ro), each holding a reference that the
 * p2m drops when the entry goes: the frames outlive whichever
 * participant dies first. A region with no owner is left out (logged).
 *
 * Return: 0, or a p2m error (the entries mapped so far go with the p2m).
 */
int __must_check shm_map_domain(struct domain *d);

/**
 * shm_domain_listed() - @d was just listed (domain_list_add()): raise the
 * line of each of its regions that has a ring pending, from a peer that
 * rang while @d was gone, restarting or being built.
 */
void shm_domain_listed(struct domain *d);

/**
 * shm_guest_fdt() - the shm@GPA nodes of @d's device tree
 * Return: 0 or a libfdt error.
 */
int shm_guest_fdt(struct domain *d, void *fdt);

/**
 * shm_domain_gone() - a participant is destroyed and will not restart
 * @cfg: its configuration
 *
 * When the last participant of a region is gone, the region drops its
 * references: each frame is freed when no p2m maps it any more.
 */
void shm_domain_gone(const struct domain_config *cfg);

/**
 * shm_notify() - XL_HC_SHM_NOTIFY: ring @peer of @d's region in @slot,
 * as a write of @peer to the doorbell's RING register does.
 * Return: 0, or -EINVAL (no region in @slot, @peer not a participant or
 * the caller itself).
 */
long shm_notify(struct domain *d, unsigned long slot, unsigned long peer);

/*
 * Arch hooks: the interrupt line of slot @slot (vPLIC source
 * XL_BOOT_SHM_IRQ_BASE_RISCV64 + @slot, Arm SPI XL_BOOT_SHM_SPI_BASE_ARM64 +
 * @slot), and its interrupt properties in a guest device-tree node of
 * @d (whose interrupt controller decides their form).
 */
void arch_shm_set_line(struct domain *d, unsigned int slot, bool level);
int arch_shm_fdt_irq(struct domain *d, void *fdt, unsigned int slot);

#endif /* XL_SHM_H */
