// SPDX-License-Identifier: GPL-2.0
/*
 * xen-lite-cli: the domain builder. Validates domain files, writes boot
 * bundles (host DTB + modules + QEMU command line), inspects them and
 * launches QEMU. See docs/xen-lite.1 and docs/domain-file.md.
 *
 * Exit status: 0 success; 1 other failure; 2 invalid domain files or
 * usage; for run and demo, QEMU's own exit status when the machine
 * powered itself off, else never 0 (124 on --timeout, 130 on Ctrl-a x,
 * 128 + N on signal N).
 */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "domcfg.h"
#include "runtime.h"
#include "util.h"

#define EXIT_INVALID 2
#define EXIT_TIMEOUT 124
#define EXIT_LEFT 130 /* as a shell reports an interrupt */
#define DEFAULT_SMP 4
#define DEFAULT_MEM (1024ull << 20)

static const char *root;

static const char usage_main[] =
	"Usage: xen-lite [--root DIR] COMMAND [OPTIONS] [FILE...]\n"
	"\n"
	"Commands:\n"
	"  check    validate domain files\n"
	"  build    write a boot bundle (host DTB, modules, QEMU command\n"
	"           line)\n"
	"  run      build a bundle in a temporary directory and boot it\n"
	"  inspect  print what a bundle holds\n"
	"  demo     boot the demo domains (configs/domains/demo-*.cfg)\n"
	"\n"
	"Runtime control (docs/runtime.md): start a machine in the\n"
	"background, then: list, console, dmesg, create, destroy, reboot,\n"
	"pause, unpause, shutdown, mem-set, dump, vcpu-list, vcpu-pin,\n"
	"machines, stop ('xen-lite\n"
	"COMMAND --help').\n"
	"  help     this text; 'xen-lite COMMAND --help' for a command\n"
	"\n"
	"Domain files: docs/domain-file.md; bundles: docs/boot-protocol.md.\n"
	"Exit status: 0 ok, 2 invalid domain files or usage, 1 other errors;\n"
	"run and demo: 0 only if every domain shut down cleanly; never 0\n"
	"when QEMU is stopped with domains alive (124 --timeout, 130 Ctrl-a x\n"
	"or Ctrl-C outside the machine, 128+N on signal N).\n";

static const char usage_check[] =
	"Usage: xen-lite check [--arch A] [--smp N] [--mem SIZE] FILE...\n"
	"\n"
	"Validate domain files, alone and together, against a host with N\n"
	"CPUs and SIZE of RAM. Every problem is printed as FILE:LINE: message\n"
	"and the exit status is 2; nothing is written. A file with dtdev\n"
	"paths has them looked up in the machine's device tree, which QEMU\n"
	"dumps for these options (it starts and exits at once).\n"
	"\n"
	"  --arch A          riscv64 (default) or arm64; replaces ${arch} in\n"
	"                    paths\n"
	"  --smp N           host CPUs (default 4)\n"
	"  --mem SIZE        host RAM, MiB unless suffixed K/M/G (default 1G)\n"
	"  --no-files        check syntax and values only; do not look at the\n"
	"                    kernel, ramdisk and disk files (their sizes count\n"
	"                    as 0) nor at the machine's device tree\n"
	"  --qemu 7|10       --machine-opt K=V, --cpu MODEL: the machine, as\n"
	"                    for build (the device tree dtdev paths are\n"
	"                    looked up in)\n"
	"  -h, --help        this text\n";

/* The options choosing the machine, in 'build' and 'run'. */
#define USAGE_MACHINE                                                           \
	"  --qemu 7|10       the system's QEMU (Debian 12: 7.2, the default)\n" \
	"                    or QEMU 10.0.2 with OpenSBI 1.5.1, fetched by\n"   \
	"                    'make deps' into build/debian/qemu10 (default\n"   \
	"                    from $XL_QEMU when set)\n"                         \
	"  --machine-opt K=V set the QEMU machine property K (repeatable;\n"    \
	"                    e.g. gic-version=2, aia=aplic-imsic); after\n"     \
	"                    those in $XL_MACHINE_OPTS (K=V words)\n"           \
	"  --cpu MODEL       QEMU CPU model (default $XL_CPU, or rv64 /\n"      \
	"                    cortex-a72)\n"

static const char usage_build[] =
	"Usage: xen-lite build --arch riscv64|arm64 [--smp N] [--mem SIZE]\n"
	"                      -o DIR [QEMU OPTIONS] FILE...\n"
	"\n"
	"Write a boot bundle into DIR: host.dtb (QEMU's DTB for these machine\n"
	"options with a /chosen/domain@N node per domain), qemu.dtb (QEMU's\n"
	"DTB unchanged), the modules (NAME.kernel, NAME.ramdisk),\n"
	"qemu.cmdline (the exact QEMU command line) and run.sh (runs it).\n"
	"\n"
	"  --arch A          riscv64 (default) or arm64\n"
	"  --smp N           host CPUs (default 4)\n"
	"  --mem SIZE        host RAM, MiB unless suffixed K/M/G (default 1G)\n"
	"  -o, --output DIR  bundle directory (created if needed)\n"
	"  --icount          add -icount shift=0 (deterministic timing)\n"
	"  --gdb             add -s -S (QEMU waits for gdb on port 1234)\n"
	"  --gdb-port PORT   as --gdb, on TCP port PORT\n"
	"  --qemu-arg ARG    append ARG to QEMU's command line (repeatable)\n"
	"  --bios FILE       RISC-V firmware (default Debian's OpenSBI\n"
	"                    fw_dynamic.bin)\n" USAGE_MACHINE
	"  --overcommit      do not refuse domains whose memory does not\n"
	"                    fit in the host's (the hypervisor then fails\n"
	"                    their build: for testing)\n"
	"  -h, --help        this text\n";

static const char usage_run[] =
	"Usage: xen-lite run [--arch A] [--smp N] [--mem SIZE] [OPTIONS]\n"
	"                    [FILE...]\n"
	"\n"
	"Build a bundle (in a temporary directory unless -o is given) and\n"
	"boot it in QEMU with the serial console on standard input and\n"
	"output. With no domain files, xen-lite boots alone and powers off.\n"
	"On a terminal, every key goes to the machine (Ctrl-C to the guest\n"
	"with the console input); Ctrl-a x leaves it, Ctrl-a h lists the\n"
	"Ctrl-a commands. The exit status is 0 only if every domain shut\n"
	"down cleanly; 130 if the machine was left (Ctrl-a x) or interrupted\n"
	"while domains still ran, 124 on --timeout.\n"
	"\n"
	"  --arch A          riscv64 (default) or arm64\n"
	"  --smp N           host CPUs (default 4)\n"
	"  --mem SIZE        host RAM, MiB unless suffixed K/M/G (default 1G)\n"
	"  -o, --output DIR  keep the bundle in DIR\n"
	"  --icount          add -icount shift=0\n"
	"  --gdb             QEMU waits for gdb (-s -S); the gdb-multiarch\n"
	"                    command line to attach is printed\n"
	"  --gdb-port PORT   as --gdb, on TCP port PORT (default 1234)\n"
	"  --timeout SECS    kill QEMU after SECS seconds and exit with 124\n"
	"  --qemu-arg ARG    append ARG to QEMU's command line (repeatable)\n"
	"  --bios FILE       RISC-V firmware\n" USAGE_MACHINE
	"  --overcommit      do not refuse domains that do not fit in RAM\n"
	"  --dry-run         write the bundle (kept; in a new temporary\n"
	"                    directory unless -o is given) and print the\n"
	"                    command that boots it instead of running\n"
	"  -h, --help        this text\n";

static const char usage_inspect[] =
	"Usage: xen-lite inspect DIR\n"
	"\n"
	"Print what the bundle in DIR holds: the machine, each domain with\n"
	"its properties and modules (address, size, file), and the QEMU\n"
	"command line.\n";

static const char usage_demo[] =
	"Usage: xen-lite demo [--arch riscv64|arm64] [run options]\n"
	"\n"
	"Boot the domains in configs/domains/demo-*.cfg (riscv64 by default),\n"
	"in file-name order. Kernel paths in those files may use ${arch}. A\n"
	"file whose guest image is not built yet is skipped with a note; with\n"
	"none left, xen-lite boots without domains. Takes the options of\n"
	"'xen-lite run'.\n";

enum {
	OPT_ARCH = 256,
	OPT_SMP,
	OPT_MEM,
	OPT_ICOUNT,
	OPT_GDB,
	OPT_TIMEOUT,
	OPT_QEMU_ARG,
	OPT_BIOS,
	OPT_DRY_RUN,
	OPT_NO_FILES,
	OPT_OVERCOMMIT,
	OPT_GDB_PORT,
	OPT_QEMU,
	OPT_MACHINE_OPT,
	OPT_CPU,
	OPT_MACHINE,
};

static const struct option long_opts[] = {
	{ "arch", required_argument, NULL, OPT_ARCH },
	{ "smp", required_argument, NULL, OPT_SMP },
	{ "mem", required_argument, NULL, OPT_MEM },
	{ "output", required_argument, NULL, 'o' },
	{ "icount", no_argument, NULL, OPT_ICOUNT },
	{ "gdb", no_argument, NULL, OPT_GDB },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "qemu-arg", required_argument, NULL, OPT_QEMU_ARG },
	{ "bios", required_argument, NULL, OPT_BIOS },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "no-files", no_argument, NULL, OPT_NO_FILES },
	{ "overcommit", no_argument, NULL, OPT_OVERCOMMIT },
	{ "gdb-port", required_argument, NULL, OPT_GDB_PORT },
	{ "qemu", required_argument, NULL, OPT_QEMU },
	{ "machine-opt", required_argument, NULL, OPT_MACHINE_OPT },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "machine", required_argument, NULL, OPT_MACHINE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Which options each command takes (bit per OPT_ - 256, plus 'o'). */
#define CMD_HOST ((1u << 0) | (1u << 1) | (1u << 2))
#define CMD_CHECK (CMD_HOST | (1u << 9) | (1u << 12) | (1u << 13) | (1u << 14))
#define CMD_QEMU                                                    \
	(CMD_HOST | (1u << 3) | (1u << 4) | (1u << 6) | (1u << 7) | \
	 (1u << 10) | (1u << 11) | (1u << 12) | (1u << 13) | (1u << 14))
#define CMD_RUN (CMD_QEMU | (1u << 5) | (1u << 8))
#define OPT_O_BIT (1u << 16)
/* start: the machine options and its name (tools/runtime.c). */
const unsigned int cmd_start_opts = CMD_QEMU | (1u << 15);

/*
 * Every limit a domain file is checked against comes from the .config of
 * the build the domains boot on (docs/kconfig.md): the same file
 * 'make menuconfig ARCH=...' edits and ./xen-lite builds with.
 */
static void load_limits(const struct xl_opts *o)
{
	char *config = xasprintf("%s/build/%s/.config", o->root, o->arch->name);

	if (domcfg_load_limits(config) == -EINVAL)
		exit(EXIT_INVALID);
}

/* 7 (or 7.2, or system): the system's QEMU; 10: build/debian/qemu10. */
static int parse_qemu_ver(const char *s, unsigned int *ver)
{
	if (!strcmp(s, "7") || !strcmp(s, "7.2") || !strcmp(s, "system"))
		*ver = 0;
	else if (!strcmp(s, "10"))
		*ver = 10;
	else
		return -1;
	return 0;
}

/*
 * One machine property KEY=VALUE: no ',' (that would smuggle in more
 * properties) and not dumpdtb, which the bundle writer uses itself.
 */
static bool machine_opt_ok(const char *kv)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
	size_t k = strspn(kv, ok);

	if (!k || kv[k] != '=' || !kv[k + 1])
		return false;
	if (strspn(kv + k + 1, ok) != strlen(kv + k + 1))
		return false;
	return strncmp(kv, "dumpdtb=", 8) != 0;
}

/* A CPU model with optional ,PROP=VAL properties; one argument. */
static bool cpu_model_ok(const char *m)
{
	return *m && m[0] != '-' &&
	       strspn(m,
		      "abcdefghijklmnopqrstuvwxyz"
		      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,=") == strlen(m);
}

void usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "xen-lite %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'xen-lite %s --help'.\n", cmd);
	exit(EXIT_INVALID);
}

/*
 * Parse a command's options into @o. Returns the index of the first
 * operand. Exits on --help and on bad usage.
 */
int parse_opts(const char *cmd, const char *help, unsigned int allowed,
	       int argc, char **argv, struct xl_opts *o)
{
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->arch = arch_lookup("riscv64");
	o->root = root;
	o->smp = DEFAULT_SMP;
	o->mem = DEFAULT_MEM;
	if (getenv("XL_QEMU") && *getenv("XL_QEMU") &&
	    parse_qemu_ver(getenv("XL_QEMU"), &o->qemu_ver))
		usage_error(cmd, "XL_QEMU: expected 7 or 10, got '%s'",
			    getenv("XL_QEMU"));
	/* Matrix rows (tests/platforms): machine options from the environment. */
	if (getenv("XL_CPU") && *getenv("XL_CPU")) {
		if (!cpu_model_ok(getenv("XL_CPU")))
			usage_error(
				cmd,
				"XL_CPU: expected a QEMU CPU model, got '%s'",
				getenv("XL_CPU"));
		o->cpu = getenv("XL_CPU");
	}
	if (getenv("XL_MACHINE_OPTS")) {
		char *list = xasprintf("%s", getenv("XL_MACHINE_OPTS")), *save;
		char *kv;

		for (kv = strtok_r(list, " \t", &save); kv;
		     kv = strtok_r(NULL, " \t", &save)) {
			if (!machine_opt_ok(kv))
				usage_error(cmd,
					    "XL_MACHINE_OPTS: expected "
					    "KEY=VALUE words, got '%s'",
					    kv);
			strvec_add(&o->machine_opts, kv);
		}
		free(list);
	}
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:", long_opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(help, stdout);
			exit(0);
		}
		if (c == '?' || c == ':') {
			if (optopt && optopt < 256)
				usage_error(cmd, "bad option '-%c'",
					    (char[]){ (char)optopt, 0 });
			usage_error(cmd, "bad option '%s'", argv[optind - 1]);
		}
		if ((c == 'o' && !(allowed & OPT_O_BIT)) ||
		    (c >= 256 && !(allowed & (1u << (c - 256)))))
			usage_error(cmd, "option '%s' does not apply here",
				    argv[optind - 1]);
		switch (c) {
		case OPT_ARCH:
			o->arch = arch_lookup(optarg);
			if (!o->arch)
				usage_error(cmd,
					    "unknown architecture '%s' "
					    "(riscv64 or arm64)",
					    optarg);
			break;
		case OPT_SMP:
			if (domcfg_parse_size(optarg, 1, &v) || v < 1 || v > 64)
				usage_error(cmd,
					    "--smp: expected 1..64, got "
					    "'%s'",
					    optarg);
			o->smp = (uint32_t)v;
			break;
		case OPT_MEM:
			if (domcfg_parse_size(optarg, 1ull << 20, &v) ||
			    v < (64ull << 20) || v % (2ull << 20) ||
			    v > (1ull << 40))
				usage_error(cmd,
					    "--mem: expected a multiple "
					    "of 2M from 64M to 1T, got '%s'",
					    optarg);
			o->mem = v;
			break;
		case 'o':
			o->outdir = optarg;
			break;
		case OPT_ICOUNT:
			o->icount = true;
			break;
		case OPT_GDB:
			o->gdb = true;
			break;
		case OPT_GDB_PORT:
			if (domcfg_parse_size(optarg, 1, &v) || !v || v > 65535)
				usage_error(cmd,
					    "--gdb-port: expected a TCP port "
					    "(1..65535), got '%s'",
					    optarg);
			o->gdb = true;
			o->gdb_port = (unsigned int)v;
			break;
		case OPT_TIMEOUT:
			if (domcfg_parse_size(optarg, 1, &v) || !v || v > 86400)
				usage_error(cmd,
					    "--timeout: expected seconds "
					    "(1..86400), got '%s'",
					    optarg);
			o->timeout = (unsigned int)v;
			break;
		case OPT_QEMU_ARG:
			strvec_add(&o->qemu_args, optarg);
			break;
		case OPT_BIOS:
			o->bios = optarg;
			break;
		case OPT_QEMU:
			if (parse_qemu_ver(optarg, &o->qemu_ver))
				usage_error(cmd,
					    "--qemu: expected 7 or 10, got "
					    "'%s'",
					    optarg);
			break;
		case OPT_MACHINE_OPT:
			if (!machine_opt_ok(optarg))
				usage_error(cmd,
					    "--machine-opt: expected KEY=VALUE "
					    "(one property; letters, digits, "
					    "'-', '_', '.'; not dumpdtb), got "
					    "'%s'",
					    optarg);
			strvec_add(&o->machine_opts, optarg);
			break;
		case OPT_CPU:
			if (!cpu_model_ok(optarg))
				usage_error(cmd,
					    "--cpu: expected a QEMU CPU model "
					    "(with ,PROP=VAL properties), got "
					    "'%s'",
					    optarg);
			o->cpu = optarg;
			break;
		case OPT_OVERCOMMIT:
			o->overcommit = true;
			break;
		case OPT_MACHINE:
			if (!machine_name_ok(optarg))
				usage_error(
					cmd,
					"--machine: expected 1-31 characters "
					"[A-Za-z0-9_-], got '%s'",
					optarg);
			o->machine = optarg;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case OPT_NO_FILES:
			o->no_files = true;
			break;
		}
	}
	domcfg_arch = o->arch->name;
	load_limits(o);
	return optind;
}

/* Parse and check a set of domain files; exits 2 on any error. */
struct domcfg *load_domains(const struct xl_opts *o, int nr, char **files)
{
	struct domcfg *doms = calloc((size_t)nr + 1, sizeof(*doms));
	struct domcfg_error *err = calloc(1, sizeof(*err));
	struct domcfg_host host = { .nr_cpus = o->smp,
				    .ram_size = o->mem,
				    .overcommit = o->overcommit };
	unsigned int flags = o->no_files ? DOMCFG_NO_FS : 0;
	char why[512];
	int i;

	if (!doms || !err) {
		msg("out of memory");
		exit(1);
	}
	for (i = 0; i < nr; i++)
		domcfg_parse_file_flags(files[i], flags, &doms[i], err);
	if (!err->count)
		domcfg_check_set(doms, nr, &host, err);
	if (!err->count)
		domcfg_pt_assign(doms, nr, &host, err);
	if (err->count) {
		domcfg_error_print(err, stderr);
		exit(EXIT_INVALID);
	}
	/*
	 * What the hypervisor's own parser makes of these domains: a
	 * difference is a xen-lite bug, but the domains would not boot as
	 * written, so they are refused like an invalid file.
	 */
	if (bundle_check(o, doms, nr, why, sizeof(why))) {
		msg("%s", why);
		exit(EXIT_INVALID);
	}
	for (i = 0; i < nr; i++)
		domcfg_warn(&doms[i], stderr);
	free(err);
	return doms;
}

void free_domains(struct domcfg *doms, int nr)
{
	int i;

	for (i = 0; i < nr; i++)
		domcfg_free(&doms[i]);
	free(doms);
}

static int cmd_check(int argc, char **argv)
{
	struct xl_opts o;
	struct domcfg *doms;
	int first, nr, i;

	first = parse_opts("check", usage_check, CMD_CHECK, argc, argv, &o);
	nr = argc - first;
	if (!nr)
		usage_error("check", "%s", "no domain files given");
	doms = load_domains(&o, nr, argv + first);
	/*
	 * A dtdev path must be in the tree the machine would boot with:
	 * QEMU's own, dumped for these options (only when a file names a
	 * dtdev; not with --no-files, which looks at no other file either).
	 */
	if (!o.no_files && domcfg_pt_has_dtdev(doms, nr)) {
		struct domcfg_error *err = calloc(1, sizeof(*err));
		void *tree = bundle_host_tree(&o);

		if (!tree || !err) {
			free(err);
			free_domains(doms, nr);
			return 1;
		}
		if (domcfg_pt_check_dtdev(doms, nr, tree, err)) {
			domcfg_error_print(err, stderr);
			exit(EXIT_INVALID);
		}
		free(err);
		free(tree);
	}
	for (i = 0; i < nr; i++)
		printf("%s: ok (domain '%s', %llu MiB, %u vCPU%s)\n",
		       doms[i].path, doms[i].name,
		       (unsigned long long)(doms[i].memory >> 20),
		       doms[i].vcpus, doms[i].vcpus == 1 ? "" : "s");
	free_domains(doms, nr);
	return 0;
}

static int cmd_build(int argc, char **argv)
{
	struct strvec qv = { 0 };
	struct domcfg *doms;
	struct xl_opts o;
	int first, nr, rc;

	first = parse_opts("build", usage_build, CMD_QEMU | OPT_O_BIT, argc,
			   argv, &o);
	if (!o.outdir)
		usage_error("build", "%s", "-o DIR is required");
	nr = argc - first;
	doms = load_domains(&o, nr, argv + first);
	rc = bundle_build(&o, doms, nr, &qv);
	if (!rc)
		printf("bundle written to %s (%d domain%s); boot it with "
		       "%s/%s\n",
		       o.outdir, nr, nr == 1 ? "" : "s", o.outdir, BUNDLE_RUN);
	strvec_free(&qv);
	strvec_free(&o.qemu_args);
	strvec_free(&o.machine_opts);
	free_domains(doms, nr);
	return rc == BUNDLE_INVALID ? EXIT_INVALID : rc ? 1 : 0;
}

static volatile sig_atomic_t got_alarm, got_signal;

static void on_signal(int sig)
{
	if (sig == SIGALRM)
		got_alarm = 1;
	else
		got_signal = sig;
}

/* SIGTERM, then SIGKILL after 3 seconds; returns the wait status. */
static int stop_qemu(pid_t pid)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int status, i;

	kill(pid, SIGTERM);
	for (i = 0; i < 60; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

#define CTRL_A 0x01

static const char ctrl_a_help[] =
	"\r\nxen-lite: Ctrl-a commands (everything else goes to the "
	"machine):\r\n"
	"  Ctrl-a x   leave: stop QEMU (exit status 130 if domains still "
	"run)\r\n"
	"  Ctrl-a h   this help\r\n"
	"  Ctrl-a Ctrl-a Ctrl-a   (three times) move the console input to "
	"the next domain (xen-lite itself)\r\n";

/*
 * Terminal relay. QEMU's own stdio console would let the terminal turn
 * Ctrl-C into SIGINT for QEMU (which then stops the whole machine and
 * exits 0). Instead the terminal is raw, every byte goes to QEMU's
 * serial port through a pipe (so Ctrl-C reaches the focused guest), and
 * Ctrl-a x is ours: it stops QEMU even when the machine no longer reads
 * its console. Any other byte after Ctrl-a goes through, Ctrl-a
 * included, so xen-lite's three-Ctrl-a focus switch still works.
 * Return: true if the user left with Ctrl-a x.
 */
static bool relay_input(int to_qemu, pid_t pid, int *status, bool *exited)
{
	bool esc = false;
	int idle = 0; /* polls without input while a Ctrl-a is pending */

	for (;;) {
		struct pollfd pfd = { .fd = 0, .events = POLLIN };
		char buf[256], out[512];
		ssize_t n, i, m = 0;
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid) {
			*exited = true;
			return false;
		}
		if (got_alarm || got_signal)
			return false;
		if (poll(&pfd, 1, 100) <= 0) {
			/*
			 * A Ctrl-a nothing followed for half a second was
			 * meant for the machine (the third of xen-lite's
			 * three, say): pass it on.
			 */
			if (esc && ++idle >= 5) {
				char a = CTRL_A;

				esc = false;
				if (write(to_qemu, &a, 1) < 0 && errno == EPIPE)
					return false;
			}
			continue;
		}
		idle = 0;
		n = read(0, buf, sizeof(buf));
		if (n <= 0) {
			/* End of input: stop relaying, keep waiting. */
			close(to_qemu);
			return false;
		}
		for (i = 0; i < n; i++) {
			char c = buf[i];

			if (esc) {
				esc = false;
				if (c == 'x' || c == 'X')
					return true;
				if (c == 'h' || c == 'H' || c == '?') {
					ssize_t w =
						write(2, ctrl_a_help,
						      sizeof(ctrl_a_help) - 1);

					(void)w;
					continue;
				}
				out[m++] = CTRL_A;
				if (c == CTRL_A) {
					esc = true;
					continue;
				}
			} else if (c == CTRL_A) {
				esc = true;
				continue;
			}
			out[m++] = c;
		}
		if (m && write(to_qemu, out, (size_t)m) < 0 && errno == EPIPE)
			return false;
	}
}

/*
 * Wait for QEMU. On --timeout, on Ctrl-a x and when we are told to stop
 * (SIGINT, SIGTERM, SIGHUP: e.g. timeout(1) around us), stop QEMU first
 * so it never outlives us. Only QEMU ending on its own (the hypervisor
 * powered the machine off) gives QEMU's exit status; every other way out
 * ends a machine whose domains may still run, so it is never 0.
 */
static int wait_qemu(pid_t pid, int to_qemu, unsigned int timeout,
		     bool *timed_out)
{
	bool exited = false;
	int status;

	*timed_out = false;
	if (timeout)
		alarm(timeout);
	if (to_qemu >= 0 && relay_input(to_qemu, pid, &status, &exited)) {
		alarm(0);
		stop_qemu(pid);
		msg("left the machine (Ctrl-a x); QEMU stopped");
		return EXIT_LEFT;
	}
	while (!exited) {
		pid_t r;

		if (got_alarm || got_signal)
			r = 0;
		else
			r = waitpid(pid, &status, 0);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR && errno != ECHILD)
			return 1;
		if (got_alarm) {
			*timed_out = true;
			status = stop_qemu(pid);
			break;
		}
		if (got_signal) {
			stop_qemu(pid);
			alarm(0);
			return 128 + got_signal;
		}
	}
	alarm(0);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/*
 * Launch QEMU in the bundle directory @dir (its command line names the
 * bundle's files relative to it); returns the exit status to use.
 */
static int launch(const struct xl_opts *o, const char *dir, struct strvec *qv)
{
	struct sigaction sa = { 0 }, old_int, old_quit, old_pipe;
	struct termios tio, raw;
	bool tty = isatty(0) && !tcgetattr(0, &tio), timed_out;
	int pfd[2] = { -1, -1 };
	pid_t pid;
	int rc;

	/* Before fork, so a signal cannot leave QEMU behind. */
	sa.sa_handler = on_signal;
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGQUIT, &sa, &old_quit);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old_pipe);
	if (tty && pipe(pfd)) {
		msg("pipe: %s", strerror(errno));
		return 1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		msg("fork: %s", strerror(errno));
		return 1;
	}
	if (!pid) {
		signal(SIGPIPE, SIG_DFL);
		if (tty) {
			dup2(pfd[0], 0);
			close(pfd[0]);
			close(pfd[1]);
		}
		if (chdir(dir)) {
			msg("%s: %s", dir, strerror(errno));
			_exit(127);
		}
		execvp(qv->v[0], qv->v);
		msg("cannot run %s: %s", qv->v[0], strerror(errno));
		_exit(127);
	}
	if (tty) {
		close(pfd[0]);
		/* As QEMU's own stdio console, plus no signals from keys. */
		raw = tio;
		raw.c_iflag &= ~(unsigned)(IGNBRK | BRKINT | PARMRK | ISTRIP |
					   INLCR | IGNCR | ICRNL | IXON);
		raw.c_oflag |= OPOST;
		raw.c_lflag &=
			~(unsigned)(ECHO | ECHONL | ICANON | IEXTEN | ISIG);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(0, TCSANOW, &raw);
		msg("console: Ctrl-a x leaves the machine, Ctrl-a h for help");
	}
	rc = wait_qemu(pid, tty ? pfd[1] : -1, o->timeout, &timed_out);
	if (tty) {
		close(pfd[1]);
		tcsetattr(0, TCSANOW, &tio);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	if (timed_out) {
		msg("timeout: QEMU was still running after %u seconds; "
		    "killed it",
		    o->timeout);
		return EXIT_TIMEOUT;
	}
	if (got_signal)
		msg("interrupted (signal %d): QEMU stopped", (int)got_signal);
	return rc;
}

static int run_domains(const char *cmd, struct xl_opts *o, int nr, char **files,
		       struct domcfg *doms)
{
	struct strvec qv = { 0 };
	char tmpl[PATH_MAX], *img = hyp_image(o->root, o->arch);
	bool tmp = !o->outdir;
	int rc, i;

	if (!o->dry_run && !file_exists(img)) {
		msg("%s: not built; run ./xen-lite (it builds what is stale) "
		    "or 'make O=build/%s qemu-%s_defconfig && make "
		    "O=build/%s'",
		    img, o->arch->name, o->arch->name, o->arch->name);
		free(img);
		return 1;
	}
	free(img);
	if (!doms)
		doms = load_domains(o, nr, files);
	if (tmp) {
		const char *t = getenv("TMPDIR");

		snprintf(tmpl, sizeof(tmpl), "%s/xen-lite-%s.XXXXXX",
			 t && *t ? t : "/tmp", cmd);
		if (!mkdtemp(tmpl)) {
			msg("cannot create a directory in %s: %s",
			    t && *t ? t : "/tmp", strerror(errno));
			return 1;
		}
		o->outdir = tmpl;
	}
	rc = bundle_build(o, doms, nr, &qv);
	if (!rc && o->gdb) {
		char *elf = hyp_elf(o->root, o->arch);

		msg("QEMU waits for a debugger; attach with:");
		fprintf(stderr,
			"  gdb-multiarch -q -ex 'set architecture %s' "
			"-ex 'target remote localhost:%u' %s\n",
			o->arch->gdb_arch, o->gdb_port ? o->gdb_port : 1234,
			elf);
		free(elf);
	}
	if (rc) {
		rc = rc == BUNDLE_INVALID ? EXIT_INVALID : 1;
	} else if (o->dry_run) {
		/*
		 * The command boots the bundle from its directory, which is
		 * kept (the temporary one too): a printed command that names
		 * deleted files would be of no use.
		 */
		char *q = shell_quote(o->outdir);

		printf("cd %s &&", q);
		free(q);
		for (i = 0; i < qv.n; i++) {
			q = shell_quote(qv.v[i]);
			printf(" %s", q);
			free(q);
		}
		printf("\n");
		if (tmp)
			msg("the bundle is kept in %s (remove it when done; "
			    "-o DIR chooses the directory)",
			    tmpl);
	} else {
		rc = launch(o, o->outdir, &qv);
	}
	if (tmp && !(o->dry_run && !rc))
		bundle_remove(tmpl);
	strvec_free(&qv);
	free_domains(doms, nr);
	return rc;
}

static int cmd_run(int argc, char **argv)
{
	struct xl_opts o;
	int first, rc;

	first = parse_opts("run", usage_run, CMD_RUN | OPT_O_BIT, argc, argv,
			   &o);
	rc = run_domains("run", &o, argc - first, argv + first, NULL);
	strvec_free(&o.qemu_args);
	strvec_free(&o.machine_opts);
	return rc;
}

/*
 * The demo boots every configs/domains/demo-*.cfg whose images exist: a
 * file that does not validate on its own (typically because its guest
 * image is not built yet) is skipped with a note, so Linux demo domains
 * can sit next to the test-guest ones and join once their images exist.
 */
static int cmd_demo(int argc, char **argv)
{
	struct domcfg_error *err = calloc(1, sizeof(*err));
	struct domcfg_host host;
	struct domcfg *doms;
	struct xl_opts o;
	char *pat;
	glob_t g;
	int first, rc, nr = 0;
	size_t i;

	first = parse_opts("demo", usage_demo, CMD_RUN | OPT_O_BIT, argc, argv,
			   &o);
	if (first != argc)
		usage_error("demo", "unexpected argument '%s'", argv[first]);
	if (!err) {
		msg("out of memory");
		return 1;
	}
	pat = xasprintf("%s/configs/domains/demo-*.cfg", o.root);
	if (glob(pat, 0, NULL, &g))
		g.gl_pathc = 0;
	free(pat);
	doms = calloc(g.gl_pathc + 1, sizeof(*doms));
	if (!doms) {
		msg("out of memory");
		return 1;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		memset(err, 0, sizeof(*err));
		if (!domcfg_parse_file(g.gl_pathv[i], &doms[nr], err)) {
			nr++;
			continue;
		}
		msg("demo: skipping %s (%s)", g.gl_pathv[i], err->diag[0].msg);
		domcfg_free(&doms[nr]);
	}
	memset(err, 0, sizeof(*err));
	host.nr_cpus = o.smp;
	host.ram_size = o.mem;
	host.overcommit = o.overcommit;
	if (domcfg_check_set(doms, nr, &host, err)) {
		domcfg_error_print(err, stderr);
		free(err);
		free_domains(doms, nr);
		globfree(&g);
		return EXIT_INVALID;
	}
	if (!nr)
		msg("demo: no demo domain can boot (are the guest images "
		    "built?); booting xen-lite without domains");
	else
		msg("demo: %s with %d domain%s (%u CPUs, %llu MiB)",
		    o.arch->name, nr, nr == 1 ? "" : "s", o.smp,
		    (unsigned long long)(o.mem >> 20));
	free(err);
	rc = run_domains("demo", &o, nr, NULL, doms);
	globfree(&g);
	strvec_free(&o.qemu_args);
	strvec_free(&o.machine_opts);
	return rc;
}

static int cmd_inspect(int argc, char **argv)
{
	if (argc == 2 &&
	    (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage_inspect, stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-')
		usage_error("inspect", "%s", "expected one bundle directory");
	return bundle_inspect(argv[1]);
}

/* The repository root: --root, $XEN_LITE_ROOT, or from our own path. */
static const char *find_root(void)
{
	const char *env = getenv("XEN_LITE_ROOT");
	char exe[PATH_MAX], *s;
	ssize_t n;
	int i;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return ".";
	exe[n] = '\0';
	/* <root>/build/tools/xen-lite-cli */
	for (i = 0; i < 3; i++) {
		s = strrchr(exe, '/');
		if (!s || s == exe)
			return ".";
		*s = '\0';
	}
	return xstrdup(exe);
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc >= 3 && !strcmp(argv[1], "--root")) {
		root = argv[2];
		argc -= 2;
		argv += 2;
	} else {
		root = find_root();
	}
	if (argc < 2) {
		fputs(usage_main, stderr);
		return EXIT_INVALID;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "-h")) {
		fputs(usage_main, stdout);
		return 0;
	}
	argc--;
	argv++;
	if (!strcmp(cmd, "check"))
		return cmd_check(argc, argv);
	if (!strcmp(cmd, "build"))
		return cmd_build(argc, argv);
	if (!strcmp(cmd, "run"))
		return cmd_run(argc, argv);
	if (!strcmp(cmd, "inspect"))
		return cmd_inspect(argc, argv);
	if (!strcmp(cmd, "demo"))
		return cmd_demo(argc, argv);
	runtime_root = root;
	if (runtime_command(cmd))
		return runtime_main(cmd, argc, argv);
	fprintf(stderr, "xen-lite: unknown command '%s'\n\n%s", cmd,
		usage_main);
	return EXIT_INVALID;
}
