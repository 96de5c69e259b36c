/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The management channel (docs/runtime.md): the protocol decoder
 * (common/mgmt.c, host-testable and fuzzed), the commands
 * (common/mgmt_cmds.c) and the transport, a polled virtio console
 * (common/drivers/virtio_console.c).
 */
#ifndef XL_MGMT_H
#define XL_MGMT_H

#include <public/boot_schema.h>
#include <public/mgmt.h>
#include <xen-lite/types.h>

/* Where the payload of a CREATE request goes (buffers of the sizes asked). */
struct mgmt_sink {
	u8 *dtb;
	u8 *kernel;
	u8 *ramdisk;
};

struct mgmt_ops {
	/**
	 * request() - a whole request other than CREATE, its header and
	 * its fixed fields (lengths, the domain name) checked; must answer
	 * with mgmt_reply() exactly once.
	 */
	void (*request)(void *ctx, const struct xl_mgmt_hdr *h,
			const void *payload, size_t len);
	/**
	 * create_begin() - a CREATE header whose lengths are consistent:
	 * fill @s with buffers of dtb_len, kernel_len and ramdisk_len bytes.
	 * Return: 0, or a negative errno (the payload is then skipped and
	 * the request answered with it).
	 */
	int (*create_begin)(void *ctx, const struct xl_mgmt_create *c,
			    struct mgmt_sink *s);
	/** create_end() - every byte is in @s: build, answer, own @s. */
	void (*create_end)(void *ctx, const struct xl_mgmt_hdr *h,
			   const struct xl_mgmt_create *c, struct mgmt_sink *s);
	/** reply() - send one response. */
	void (*reply)(void *ctx, unsigned int seq, unsigned int type,
		      int status, const void *payload, size_t len);
};

enum mgmt_rx_state {
	MGMT_RX_HDR, /* reading a header */
	MGMT_RX_SMALL, /* reading a small payload into @small */
	MGMT_RX_CREATE_HDR, /* reading struct xl_mgmt_create */
	MGMT_RX_CREATE_DATA, /* streaming dtb, kernel, ramdisk into the sink */
	MGMT_RX_DISCARD, /* skipping a payload, then answering @discard_status */
	MGMT_RX_SYNC, /* after a bad header: looking for the next magic */
};

/* The decoder's state: one per channel. */
struct mgmt_rx {
	const struct mgmt_ops *ops;
	void *ctx;
	enum mgmt_rx_state state;
	struct xl_mgmt_hdr hdr;
	u64 got; /* bytes of the current part read */
	u64 left; /* DISCARD / CREATE_DATA: payload bytes still to come */
	int discard_status;
	u32 sync; /* SYNC: bytes of the magic matched */
	struct xl_mgmt_create create;
	struct mgmt_sink sink;
	u64 nr_requests, nr_bad; /* statistics */
	u8 small[XL_MGMT_SMALL_MAX];
};

/** mgmt_rx_init() - a decoder that calls @ops with @ctx. */
void mgmt_rx_init(struct mgmt_rx *rx, const struct mgmt_ops *ops, void *ctx);

/** mgmt_rx_feed() - decode @n more bytes of the stream. */
void mgmt_rx_feed(struct mgmt_rx *rx, const u8 *p, size_t n);

/** mgmt_rx_busy() - inside a message (more bytes are due soon). */
bool mgmt_rx_busy(const struct mgmt_rx *rx);

/**
 * mgmt_name_ok() - a domain name field: 1..31 of [A-Za-z0-9_-], then NULs
 * to the end of the field.
 */
bool mgmt_name_ok(const char name[XL_MGMT_NAME_LEN]);

/**
 * mgmt_init() - find the management channel (the reserved virtio-mmio
 * transport); without one the machine behaves as before.
 */
struct bootinfo;
void mgmt_init(const struct bootinfo *bi);

/**
 * mgmt_poll() - CPU0's turn for the management channel, from its
 * scheduler loop between two vCPU runs (a declared hook, like
 * domain_reap()): take what arrived, act, answer.
 * Return: true while a message is half received (poll again soon).
 */
bool mgmt_poll(void);

/**
 * mgmt_pending() - bytes wait on the channel (CPU0's tick: the running
 * vCPU then gives the CPU back so that mgmt_poll() runs). A declared hook.
 */
bool mgmt_pending(void);

/* The transport (common/drivers/virtio_console.c). */

/** virtio_console_probe() - Return: 0 with the device at @base ready. */
int virtio_console_probe(paddr_t base);
/**
 * virtio_console_rx() - hand every received buffer to @fn (in order), give
 * the buffers back. Return: bytes handed over.
 */
size_t virtio_console_rx(void (*fn)(void *arg, const u8 *p, size_t n),
			 void *arg);
/** virtio_console_rx_ready() - has the device returned a buffer? */
bool virtio_console_rx_ready(void);
/** virtio_console_tx() - send @n bytes (waits for the device). Return: 0. */
int virtio_console_tx(const void *p, size_t n);

#endif /* XL_MGMT_H */
