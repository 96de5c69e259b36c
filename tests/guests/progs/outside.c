// SPDX-License-Identifier: MIT
/*
 * outside: touch one address the domain does not own. xen-lite must crash
 * the domain (with a "crashed" log line) and keep everything else
 * running; if the access completes, the guest says FAIL.
 *   addr=A      the address (default: the first byte after RAM)
 *   op=read|write|exec   (default read)
 *   delay_ms=N  wait before the access (let other domains start)
 */
#include <rt.h>

const char rt_suite[] = "outside";

int test_main(void)
{
	uint64_t addr = rt_arg_ul("addr", rt_env.ram_base + rt_env.ram_size);
	char op[16] = "read";
	uint64_t v = 0;

	rt_arg("op", op, sizeof(op));
	rt_udelay(rt_arg_ul("delay_ms", 0) * 1000);
	rt_printf("about to %s %#llx (RAM %#llx+%#llx): expect a crash\n", op,
		  (unsigned long long)addr, (unsigned long long)rt_env.ram_base,
		  (unsigned long long)rt_env.ram_size);
	if (!strcmp(op, "write")) {
		*(volatile uint64_t *)(uintptr_t)addr = 0x5afe5afe5afe5afeULL;
	} else if (!strcmp(op, "exec")) {
		long (*fn)(void) = (long (*)(void))(uintptr_t)addr;

		v = fn();
	} else {
		v = *(volatile uint64_t *)(uintptr_t)addr;
	}
	rt_fail("not_crashed", "%s of %#llx completed (value %#llx)", op,
		(unsigned long long)addr, (unsigned long long)v);
	rt_printf("%s: %u passed, %u failed\n", rt_suite, rt_passed, rt_failed);
	/* Still alive: end "cleanly" so the runner sees no crash at all. */
	rt_shutdown(XL_SHUTDOWN_POWEROFF, 1);
}
