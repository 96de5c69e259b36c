// SPDX-License-Identifier: GPL-2.0
/*
 * The management protocol decoder (include/public/mgmt.h): a byte stream
 * in arbitrary pieces in, whole checked requests out. Nothing of a
 * request reaches the commands (common/mgmt_cmds.c) before its header,
 * its length and its fixed fields are checked here; a CREATE payload is
 * streamed into buffers of exactly the sizes its header announced.
 * Host-built too: tests/fuzz/fuzz_mgmt.c drives it with arbitrary bytes.
 */
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mgmt.h>

void mgmt_rx_init(struct mgmt_rx *rx, const struct mgmt_ops *ops, void *ctx)
{
	memset(rx, 0, sizeof(*rx));
	rx->ops = ops;
	rx->ctx = ctx;
	rx->state = MGMT_RX_HDR;
}

bool mgmt_rx_busy(const struct mgmt_rx *rx)
{
	return rx->state != MGMT_RX_HDR || rx->got;
}

bool mgmt_name_ok(const char name[XL_MGMT_NAME_LEN])
{
	size_t n = strnlen(name, XL_MGMT_NAME_LEN);

	if (n < 1 || n > XL_BOOT_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	for (size_t i = n; i < XL_MGMT_NAME_LEN; i++) {
		if (name[i])
			return false;
	}
	return true;
}

/* The payload length a small request of @type must have (-1: any in range). */
static bool small_len_ok(unsigned int type, u64 len)
{
	switch (type) {
	case XL_MGMT_HELLO:
	case XL_MGMT_LIST:
	case XL_MGMT_STOP:
		return len == 0;
	case XL_MGMT_DMESG:
		return len == sizeof(struct xl_mgmt_dmesg_req);
	case XL_MGMT_PAUSE:
	case XL_MGMT_UNPAUSE:
	case XL_MGMT_DESTROY:
	case XL_MGMT_REBOOT:
	case XL_MGMT_DUMP:
	case XL_MGMT_SHUTDOWN:
		return len == sizeof(struct xl_mgmt_dom);
	case XL_MGMT_CONSOLE_IN:
		return len > sizeof(struct xl_mgmt_dom) &&
		       len <= sizeof(struct xl_mgmt_dom) +
				       XL_MGMT_CONSOLE_IN_MAX;
	case XL_MGMT_VCPU_PIN:
		return len == sizeof(struct xl_mgmt_vcpu_pin);
	case XL_MGMT_MEM_SET:
		return len == sizeof(struct xl_mgmt_mem_set);
	}
	return false;
}

static bool has_name(unsigned int type)
{
	return type >= XL_MGMT_PAUSE && type != XL_MGMT_STOP &&
	       type != XL_MGMT_CREATE;
}

static void reply_err(struct mgmt_rx *rx, unsigned int type, int status)
{
	rx->nr_bad++;
	rx->ops->reply(rx->ctx, rx->hdr.seq, type, status, NULL, 0);
}

/* A header that cannot be trusted: say so, then look for the next magic. */
static void bad_header(struct mgmt_rx *rx)
{
	reply_err(rx, XL_MGMT_ERROR, -EPROTO);
	rx->state = MGMT_RX_SYNC;
	rx->sync = 0;
	rx->got = 0;
}

static void start_discard(struct mgmt_rx *rx, u64 left, int status)
{
	rx->discard_status = status;
	rx->left = left;
	rx->state = MGMT_RX_DISCARD;
	if (!left) {
		reply_err(rx, rx->hdr.type | XL_MGMT_RESPONSE, status);
		rx->state = MGMT_RX_HDR;
		rx->got = 0;
	}
}

static void small_done(struct mgmt_rx *rx)
{
	rx->state = MGMT_RX_HDR;
	rx->got = 0;
	if (has_name(rx->hdr.type) && !mgmt_name_ok((const char *)rx->small)) {
		reply_err(rx, rx->hdr.type | XL_MGMT_RESPONSE, -EINVAL);
		return;
	}
	rx->ops->request(rx->ctx, &rx->hdr, rx->small, rx->hdr.len);
}

static void header_done(struct mgmt_rx *rx)
{
	const struct xl_mgmt_hdr *h = &rx->hdr;

	rx->got = 0;
	if (h->magic != XL_MGMT_MAGIC || h->version != XL_MGMT_VERSION ||
	    h->status || !h->type || h->type > XL_MGMT_TYPE_MAX) {
		bad_header(rx);
		return;
	}
	rx->nr_requests++;
	if (h->type == XL_MGMT_CREATE) {
		if (h->len < sizeof(struct xl_mgmt_create) ||
		    h->len > sizeof(struct xl_mgmt_create) + XL_MGMT_DTB_MAX +
				     XL_MGMT_KERNEL_MAX + XL_MGMT_RAMDISK_MAX) {
			bad_header(rx);
			return;
		}
		rx->state = MGMT_RX_CREATE_HDR;
		return;
	}
	if (h->len > XL_MGMT_SMALL_MAX) {
		bad_header(rx);
		return;
	}
	if (!small_len_ok(h->type, h->len)) {
		start_discard(rx, h->len, -EINVAL);
		return;
	}
	rx->state = MGMT_RX_SMALL;
	if (!h->len)
		small_done(rx); /* no payload byte will come to finish it */
}

static void create_hdr_done(struct mgmt_rx *rx)
{
	const struct xl_mgmt_create *c = &rx->create;
	u64 left = rx->hdr.len - sizeof(*c);
	int rc;

	rx->got = 0;
	if (c->flags || c->dtb_len < 64 || c->dtb_len > XL_MGMT_DTB_MAX ||
	    !c->kernel_len || c->kernel_len > XL_MGMT_KERNEL_MAX ||
	    c->ramdisk_len > XL_MGMT_RAMDISK_MAX ||
	    (u64)c->dtb_len + c->kernel_len + c->ramdisk_len != left) {
		start_discard(rx, left, -EINVAL);
		return;
	}
	memset(&rx->sink, 0, sizeof(rx->sink));
	rc = rx->ops->create_begin(rx->ctx, c, &rx->sink);
	if (rc) {
		start_discard(rx, left, rc);
		return;
	}
	rx->left = left;
	rx->state = MGMT_RX_CREATE_DATA;
}

/* Stream CREATE bytes: offset rx->got of dtb, then kernel, then ramdisk. */
static size_t create_data(struct mgmt_rx *rx, const u8 *p, size_t n)
{
	const struct xl_mgmt_create *c = &rx->create;
	u64 off = rx->got, take;
	u8 *dst;

	if (off < c->dtb_len) {
		dst = rx->sink.dtb + off;
		take = c->dtb_len - off;
	} else if (off - c->dtb_len < c->kernel_len) {
		dst = rx->sink.kernel + (off - c->dtb_len);
		take = c->kernel_len - (off - c->dtb_len);
	} else {
		dst = rx->sink.ramdisk + (off - c->dtb_len - c->kernel_len);
		take = c->ramdisk_len - (off - c->dtb_len - c->kernel_len);
	}
	take = MIN(take, (u64)n);
	memcpy(dst, p, take);
	rx->got += take;
	rx->left -= take;
	if (!rx->left) {
		rx->state = MGMT_RX_HDR;
		rx->got = 0;
		rx->ops->create_end(rx->ctx, &rx->hdr, c, &rx->sink);
		memset(&rx->sink, 0, sizeof(rx->sink));
	}
	return take;
}

void mgmt_rx_feed(struct mgmt_rx *rx, const u8 *p, size_t n)
{
	static const u8 magic[4] = { 0x21, 0x58, 0x4c, 0x4d };

	while (n) {
		size_t take;

		switch (rx->state) {
		case MGMT_RX_HDR:
			take = MIN(n, sizeof(rx->hdr) - rx->got);
			memcpy((u8 *)&rx->hdr + rx->got, p, take);
			rx->got += take;
			if (rx->got == sizeof(rx->hdr))
				header_done(rx);
			break;
		case MGMT_RX_SMALL:
			take = MIN(n, rx->hdr.len - rx->got);
			memcpy(rx->small + rx->got, p, take);
			rx->got += take;
			if (rx->got == rx->hdr.len)
				small_done(rx);
			break;
		case MGMT_RX_CREATE_HDR:
			take = MIN(n, sizeof(rx->create) - rx->got);
			memcpy((u8 *)&rx->create + rx->got, p, take);
			rx->got += take;
			if (rx->got == sizeof(rx->create))
				create_hdr_done(rx);
			break;
		case MGMT_RX_CREATE_DATA:
			take = create_data(rx, p, n);
			break;
		case MGMT_RX_DISCARD:
			take = MIN((u64)n, rx->left);
			rx->left -= take;
			if (!rx->left)
				start_discard(rx, 0, rx->discard_status);
			break;
		case MGMT_RX_SYNC:
		default:
			/* One byte at a time until the magic has gone by. */
			take = 1;
			if (*p == magic[rx->sync]) {
				rx->sync++;
			} else {
				rx->sync = *p == magic[0];
			}
			if (rx->sync == sizeof(magic)) {
				memcpy(&rx->hdr, magic, sizeof(magic));
				rx->got = sizeof(magic);
				rx->state = MGMT_RX_HDR;
			}
			break;
		}
		p += take;
		n -= take;
	}
}
