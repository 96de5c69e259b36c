// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the management protocol decoder (common/mgmt.c) on
 * arbitrary byte streams, as the supervisor's socket would deliver them
 * through the virtio console. Checked:
 *  - what reaches the commands is what include/public/mgmt.h allows: a
 *    known type, the exact payload length of that type, a valid domain
 *    name where there is one, and CREATE lengths that add up and are in
 *    range; CREATE bytes land only in buffers of the announced sizes
 *    (exact-size heap blocks: ASan sees a byte beyond);
 *  - every request is answered once (by the commands or the decoder);
 *  - the result does not depend on how the stream is cut: the input
 *    decoded whole and in pieces (sizes taken from the input) gives the
 *    same sequence of calls.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xen-lite/errno.h>
#include <xen-lite/mgmt.h>

#include "fuzz_check.h"

struct rec {
	uint64_t hash; /* of the sequence of calls and their arguments */
	unsigned int requests, replies, creates_open;
	unsigned char *dtb, *kernel, *ramdisk;
	bool fail_alloc; /* create_begin refuses (no memory) */
};

static void mix(struct rec *r, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		r->hash = (r->hash ^ s[i]) * 0x100000001b3ULL;
}

static bool name_ok(const char *n)
{
	size_t l = strnlen(n, XL_MGMT_NAME_LEN);

	if (l < 1 || l > 31)
		return false;
	for (size_t i = 0; i < l; i++) {
		char c = n[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	for (size_t i = l; i < XL_MGMT_NAME_LEN; i++) {
		if (n[i])
			return false;
	}
	return true;
}

static void on_reply(void *ctx, unsigned int seq, unsigned int type, int status,
		     const void *p, size_t len)
{
	struct rec *r = ctx;

	CHECK(type & XL_MGMT_RESPONSE || type == XL_MGMT_ERROR);
	CHECK(status <= 0);
	mix(r, &seq, sizeof(seq));
	mix(r, &type, sizeof(type));
	mix(r, &status, sizeof(status));
	if (len)
		mix(r, p, len);
	r->replies++;
}

static void on_request(void *ctx, const struct xl_mgmt_hdr *h, const void *p,
		       size_t len)
{
	struct rec *r = ctx;

	CHECK(h->magic == XL_MGMT_MAGIC && h->version == XL_MGMT_VERSION);
	CHECK(h->type >= 1 && h->type <= XL_MGMT_TYPE_MAX &&
	      h->type != XL_MGMT_CREATE);
	CHECK(h->len == len && len <= XL_MGMT_SMALL_MAX);
	switch (h->type) {
	case XL_MGMT_HELLO:
	case XL_MGMT_LIST:
	case XL_MGMT_STOP:
		CHECK(len == 0);
		break;
	case XL_MGMT_DMESG:
		CHECK(len == sizeof(struct xl_mgmt_dmesg_req));
		break;
	case XL_MGMT_CONSOLE_IN:
		CHECK(len > sizeof(struct xl_mgmt_dom) &&
		      len <= sizeof(struct xl_mgmt_dom) +
				      XL_MGMT_CONSOLE_IN_MAX);
		CHECK(name_ok(p));
		break;
	case XL_MGMT_VCPU_PIN:
		CHECK(len == sizeof(struct xl_mgmt_vcpu_pin));
		CHECK(name_ok(p));
		break;
	case XL_MGMT_MEM_SET:
		CHECK(len == sizeof(struct xl_mgmt_mem_set));
		CHECK(name_ok(p));
		break;
	default:
		CHECK(len == sizeof(struct xl_mgmt_dom));
		CHECK(name_ok(p));
	}
	r->requests++;
	mix(r, h, sizeof(*h));
	if (len)
		mix(r, p, len);
	on_reply(ctx, h->seq, h->type | XL_MGMT_RESPONSE, 0, NULL, 0);
}

static int on_create_begin(void *ctx, const struct xl_mgmt_create *c,
			   struct mgmt_sink *s)
{
	struct rec *r = ctx;

	CHECK(!r->creates_open);
	CHECK(!c->flags && c->dtb_len >= 64 && c->dtb_len <= XL_MGMT_DTB_MAX);
	CHECK(c->kernel_len >= 1 && c->kernel_len <= XL_MGMT_KERNEL_MAX);
	CHECK(c->ramdisk_len <= XL_MGMT_RAMDISK_MAX);
	mix(r, c, sizeof(*c));
	if (r->fail_alloc || c->kernel_len + c->ramdisk_len > (1u << 20))
		return -ENOMEM; /* the harness's memory, as the hypervisor's */
	r->dtb = malloc(c->dtb_len);
	r->kernel = malloc(c->kernel_len);
	r->ramdisk = c->ramdisk_len ? malloc(c->ramdisk_len) : NULL;
	CHECK(r->dtb && r->kernel);
	s->dtb = r->dtb;
	s->kernel = r->kernel;
	s->ramdisk = r->ramdisk;
	r->creates_open = 1;
	return 0;
}

static void on_create_end(void *ctx, const struct xl_mgmt_hdr *h,
			  const struct xl_mgmt_create *c, struct mgmt_sink *s)
{
	struct rec *r = ctx;

	CHECK(r->creates_open);
	CHECK(s->dtb == r->dtb && s->kernel == r->kernel &&
	      s->ramdisk == r->ramdisk);
	CHECK(h->len ==
	      sizeof(*c) + c->dtb_len + c->kernel_len + c->ramdisk_len);
	mix(r, r->dtb, c->dtb_len);
	mix(r, r->kernel, c->kernel_len);
	if (c->ramdisk_len)
		mix(r, r->ramdisk, c->ramdisk_len);
	free(r->dtb);
	free(r->kernel);
	free(r->ramdisk);
	r->dtb = r->kernel = r->ramdisk = NULL;
	r->creates_open = 0;
	r->requests++;
	on_reply(ctx, h->seq, h->type | XL_MGMT_RESPONSE, 0, NULL, 0);
}

static const struct mgmt_ops ops = {
	.request = on_request,
	.create_begin = on_create_begin,
	.create_end = on_create_end,
	.reply = on_reply,
};

static struct mgmt_rx rx; /* 4 KiB of payload buffer: not on the stack */

static void run(const uint8_t *data, size_t size, const uint8_t *cuts,
		size_t ncuts, struct rec *r)
{
	size_t off = 0, k = 0;

	mgmt_rx_init(&rx, &ops, r);
	while (off < size) {
		size_t n = ncuts ? (size_t)cuts[k++ % ncuts] + 1 : size - off;

		if (n > size - off)
			n = size - off;
		mgmt_rx_feed(&rx, data + off, n);
		off += n;
	}
	/* A CREATE cut off by the end of the input: its buffers go. */
	free(r->dtb);
	free(r->kernel);
	free(r->ramdisk);
	r->dtb = r->kernel = r->ramdisk = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rec whole = { 0 }, pieces = { 0 };
	size_t ncuts;

	if (size < 1)
		return 0;
	/* The first byte: how many of the next bytes give the cut sizes. */
	ncuts = data[0] % 16;
	if (size < 1 + ncuts)
		return 0;
	whole.fail_alloc = pieces.fail_alloc = data[0] & 0x80;
	run(data + 1 + ncuts, size - 1 - ncuts, NULL, 0, &whole);
	run(data + 1 + ncuts, size - 1 - ncuts, data + 1, ncuts, &pieces);
	CHECK(whole.hash == pieces.hash);
	CHECK(whole.requests == pieces.requests);
	CHECK(whole.replies == pieces.replies);
	/* Each request answered once; the decoder's own errors on top. */
	CHECK(whole.replies >= whole.requests);
	return 0;
}
