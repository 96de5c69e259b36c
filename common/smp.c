// SPDX-License-Identifier: GPL-2.0
/*
 * The table of physical CPUs (include/xen-lite/smp.h). start_xen() fills
 * it from the device tree and brings the CPUs up; the scheduler, the
 * stall detector and the domain lifecycle read it. It lives apart from
 * the boot code so that its readers do not depend on setup.c, which
 * depends on them (scripts/import-cycles.py --data).
 */
#include <xen-lite/smp.h>

struct pcpu pcpu_info[CONFIG_NR_CPUS];
cpumask_t cpu_online_map;
unsigned int nr_cpu_ids = 1;
