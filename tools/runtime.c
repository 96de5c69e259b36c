// SPDX-License-Identifier: GPL-2.0
/*
 * Runtime control (docs/runtime.md). 'xen-lite start' builds a bundle as
 * 'run' does, adds the management channel (a virtio console on the
 * reserved virtio-mmio transport, include/public/boot_schema.h, its
 * character device a Unix socket) and forks a per-machine supervisor that
 * owns QEMU, the channel and the serial console. Every other runtime
 * command connects to the supervisor's socket in the machine's private
 * runtime directory ($XDG_RUNTIME_DIR/xen-lite/NAME, else
 * /tmp/xen-lite-UID/NAME; mode 0700, so only the user who started the
 * machine can reach it) and speaks the management protocol
 * (include/public/mgmt.h); the supervisor forwards each whole request to
 * the hypervisor, one stream for all clients, and routes the answers
 * back. Two requests are the supervisor's own: attach as a console
 * viewer of a domain (its serial lines, "[NAME] text", demultiplexed) and
 * the machine's description.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libfdt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <public/boot_schema.h>
#include <public/mgmt.h>

#include "runtime.h"
#include "util.h"

#define EXIT_INVALID 2
#define HDR_LEN sizeof(struct xl_mgmt_hdr)
/* Supervisor requests (never forwarded). */
#define SUP_CONSOLE 0x100 /* struct xl_mgmt_dom: become a viewer */
#define SUP_INFO 0x101 /* none; the machine's info file */
#define CTRL_BRACKET 0x1d /* Ctrl-] detaches a console */
#define MAX_CLIENTS 64
#define START_TIMEOUT_S 180
/*
 * A client waits at most this long (XEN_LITE_REPLY_TIMEOUT overrides it)
 * for the supervisor to take or answer anything: a machine whose
 * hypervisor stopped answering gives a clear error, not a command that
 * never returns. Generous: the longest answer (a create of a Linux
 * kernel and initramfs) takes well under a second.
 */
#define REPLY_TIMEOUT_S 60
#define REPLY_TIMEOUT_MAX_S 86400

/* The timeout in force: set once by runtime_main() (reply_timeout_parse()). */
static int reply_timeout_s = REPLY_TIMEOUT_S;

static int reply_timeout(void)
{
	return reply_timeout_s;
}

/*
 * Read XEN_LITE_REPLY_TIMEOUT. A value that is not a whole number of
 * seconds in range is refused rather than replaced by the default: a user
 * who wrote "5s" or "0" asked for something, and silently waiting 60 s
 * instead is the surprise this variable exists to avoid.
 * Return: 0, or -1 with the error printed.
 */
static int reply_timeout_parse(void)
{
	const char *e = getenv("XEN_LITE_REPLY_TIMEOUT");
	char *end;
	long v;

	if (!e || !*e)
		return 0;
	errno = 0;
	v = strtol(e, &end, 10);
	if (errno || *end || end == e || v < 1 || v > REPLY_TIMEOUT_MAX_S) {
		msg("XEN_LITE_REPLY_TIMEOUT='%s': not a whole number of "
		    "seconds from 1 to %d",
		    e, REPLY_TIMEOUT_MAX_S);
		return -1;
	}
	reply_timeout_s = (int)v;
	return 0;
}

const char *runtime_root;

static const char usage_start[] =
	"Usage: xen-lite start [--machine NAME] [--arch A] [--smp N] [--mem SIZE]\n"
	"                      [QEMU OPTIONS] [FILE...]\n"
	"\n"
	"Boot a machine in the background with these domains (none is fine:\n"
	"add them later with 'xen-lite create'), under a supervisor that owns\n"
	"QEMU and the management channel. Returns once the hypervisor answers\n"
	"on that channel (boot complete, boot domains built) and prints the\n"
	"machine's name. Other runtime commands take --machine NAME (default:\n"
	"the only machine running). Options as for 'xen-lite run' (not\n"
	"--timeout, --dry-run, -o), and:\n"
	"  --machine NAME   the machine's name (default xl1, xl2, ...)\n";

static const char usage_runtime[] =
	"Usage: xen-lite COMMAND [--machine NAME] ...\n"
	"\n"
	"  list [--json]          domains: id, name, state, vCPUs, memory,\n"
	"                         CPU time, uptime; and the free memory\n"
	"                         (of every machine running, without\n"
	"                         --machine when several run)\n"
	"  machines [--json]      the machines running: name, arch, CPUs,\n"
	"                         memory, domains, uptime\n"
	"  vcpu-list              each vCPU: its pCPU and CPU time\n"
	"  vcpu-pin NAME VCPU CPU move vCPU VCPU of NAME to physical CPU\n"
	"                         CPU and pin it there\n"
	"  console NAME           attach to NAME's console (Ctrl-] detaches;\n"
	"                         several viewers may attach)\n"
	"  dmesg                  the hypervisor's log ring\n"
	"  create FILE...         build and start domains, checked as at boot\n"
	"  destroy NAME           destroy NAME (also a preserved one)\n"
	"  reboot NAME            destroy NAME and build it again\n"
	"  shutdown [-w] [--timeout S] [--force] NAME\n"
	"                         press NAME's power button, wait up to S\n"
	"                         seconds (30; -w: no limit; 0: do not wait)\n"
	"                         for it to shut down; exit 1 if it did not\n"
	"                         (--force: then destroy it)\n"
	"  pause NAME, unpause NAME\n"
	"  mem-set NAME SIZE      the balloon target NAME's guest sees\n"
	"                         (MiB unless suffixed K/M/G)\n"
	"  dump NAME              registers and last trap of NAME's vCPUs\n"
	"  stop                   destroy every domain, power the machine off\n"
	"\n"
	"Exit status: 0 done; 1 refused (unknown domain or machine, wrong\n"
	"state, no memory: the message says which); 2 bad usage or invalid\n"
	"domain files.\n";

static const char *const runtime_cmds[] = {
	"start",   "list",     "vcpu-list", "console",	"dmesg", "create",
	"destroy", "reboot",   "pause",	    "unpause",	"dump",	 "stop",
	"mem-set", "shutdown", "vcpu-pin",  "machines",
};

bool runtime_command(const char *cmd)
{
	for (size_t i = 0; i < sizeof(runtime_cmds) / sizeof(runtime_cmds[0]);
	     i++) {
		if (!strcmp(cmd, runtime_cmds[i]))
			return true;
	}
	return false;
}

bool machine_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= 31 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789-_") == n;
}

/* ---- I/O helpers ---- */

static int write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, void *p, size_t n)
{
	char *s = p;

	while (n) {
		ssize_t r = read(fd, s, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (!r)
			errno = ECONNRESET; /* the peer closed */
		if (r <= 0)
			return -1;
		s += r;
		n -= (size_t)r;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the runtime directory ---- */

/*
 * $XDG_RUNTIME_DIR/xen-lite or /tmp/xen-lite-UID: must be a directory of
 * ours that nobody else can enter, or we refuse to put sockets in it.
 */
static char *runtime_base(bool create)
{
	const char *x = getenv("XDG_RUNTIME_DIR");
	char *base = x && *x ?
			     xasprintf("%s/xen-lite", x) :
			     xasprintf("/tmp/xen-lite-%u", (unsigned)getuid());
	struct stat st;

	if (create && mkdir(base, 0700) && errno != EEXIST) {
		msg("cannot create %s: %s", base, strerror(errno));
		exit(1);
	}
	if (lstat(base, &st))
		return base; /* nothing there: no machine */
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
	    (st.st_mode & 077)) {
		msg("%s is not a private directory of yours (owner you, mode "
		    "0700); refusing to use it",
		    base);
		exit(1);
	}
	return base;
}

static int sock_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	{
		/* A blocking read or write that makes no progress fails. */
		struct timeval tv = { .tv_sec = reply_timeout() };

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	return fd;
}

/* Why a request on a connection failed: it timed out, or the peer left. */
static void lost(const char *cmd, const char *dir)
{
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		msg("%s: the machine did not answer in %d s; its hypervisor "
		    "may be hung (its serial log: %s/serial.log)",
		    cmd, reply_timeout(), dir);
	else
		msg("%s: the machine went away", cmd);
}

/* Is machine @name's supervisor there? Return: a connection, or -1. */
static int machine_connect(const char *base, const char *name)
{
	char *p = xasprintf("%s/%s/ctl.sock", base, name);
	int fd = sock_connect(p);

	free(p);
	return fd;
}

/* Names of the running machines (heap), *nr of them. */
static char **live_machines(const char *base, int *nr)
{
	DIR *d = opendir(base);
	struct dirent *e;
	char **names = NULL;

	*nr = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		int fd;

		if (e->d_name[0] == '.' || !machine_name_ok(e->d_name))
			continue;
		fd = machine_connect(base, e->d_name);
		if (fd < 0)
			continue;
		close(fd);
		names = realloc(names, sizeof(*names) * (size_t)(*nr + 1));
		if (!names) {
			msg("out of memory");
			exit(1);
		}
		names[(*nr)++] = xstrdup(e->d_name);
	}
	closedir(d);
	return names;
}

/* The machine a command is for: --machine, or the only one running. */
static char *pick_machine(const char *cmd, const char *want, char **dir)
{
	char *base = runtime_base(false), **names, *name;
	int nr, i;

	if (want) {
		int fd = machine_connect(base, want);

		if (fd < 0) {
			msg("%s: no machine called '%s' is running "
			    "(start one with 'xen-lite start --machine %s')",
			    cmd, want, want);
			exit(1);
		}
		close(fd);
		*dir = xasprintf("%s/%s", base, want);
		free(base);
		return xstrdup(want);
	}
	names = live_machines(base, &nr);
	if (!nr) {
		msg("%s: no machine is running (start one with 'xen-lite "
		    "start')",
		    cmd);
		exit(1);
	}
	if (nr > 1) {
		fprintf(stderr,
			"xen-lite: %s: %d machines are running; choose one "
			"with --machine:",
			cmd, nr);
		for (i = 0; i < nr; i++)
			fprintf(stderr, " %s", names[i]);
		fputc('\n', stderr);
		exit(1);
	}
	name = names[0];
	free(names);
	*dir = xasprintf("%s/%s", base, name);
	free(base);
	return name;
}

/* ---- client side of the protocol ---- */

struct reply {
	struct xl_mgmt_hdr h;
	unsigned char *p; /* h.len bytes + a NUL (heap) */
};

static unsigned int next_seq = 1;

static int send_msg(int fd, unsigned int type, const void *a, size_t alen,
		    const void *b, size_t blen)
{
	struct xl_mgmt_hdr h = {
		.magic = XL_MGMT_MAGIC,
		.version = XL_MGMT_VERSION,
		.type = (unsigned short)type,
		.seq = next_seq++,
		.len = alen + blen,
	};

	if (write_all(fd, &h, sizeof(h)) || (alen && write_all(fd, a, alen)) ||
	    (blen && write_all(fd, b, blen)))
		return -1;
	return 0;
}

static int recv_msg(int fd, struct reply *r)
{
	if (read_all(fd, &r->h, sizeof(r->h)) || r->h.magic != XL_MGMT_MAGIC ||
	    r->h.len > (64u << 20))
		return -1;
	r->p = xmalloc(r->h.len + 1);
	if (read_all(fd, r->p, r->h.len)) {
		free(r->p);
		return -1;
	}
	r->p[r->h.len] = '\0';
	return 0;
}

/*
 * One request on a new connection to machine @dir. Exits 1 with the
 * hypervisor's own words when it refuses (status < 0).
 */
static void call(const char *cmd, const char *dir, unsigned int type,
		 const void *p, size_t len, struct reply *r)
{
	char *path = xasprintf("%s/ctl.sock", dir);
	int fd = sock_connect(path);

	if (fd < 0) {
		msg("%s: the machine's supervisor does not answer (%s)", cmd,
		    path);
		exit(1);
	}
	free(path);
	if (send_msg(fd, type, p, len, NULL, 0) || recv_msg(fd, r)) {
		lost(cmd, dir);
		exit(1);
	}
	close(fd);
	if (r->h.status < 0) {
		if (r->h.len)
			msg("%s: %s", cmd, (char *)r->p);
		else
			msg("%s: refused (%s)", cmd, strerror(-r->h.status));
		exit(1);
	}
}

static void dom_arg(struct xl_mgmt_dom *d, const char *cmd, const char *name)
{
	memset(d, 0, sizeof(*d));
	if (!machine_name_ok(name))
		usage_error(cmd,
			    "expected a domain name (1-31 characters "
			    "[A-Za-z0-9_-]), got '%s'",
			    name);
	strcpy(d->name, name);
}

/* ---- the supervisor ---- */

struct sclient {
	int fd;
	unsigned char *in;
	size_t len, cap;
	bool console; /* a viewer: what it sends is console input */
	char name[XL_MGMT_NAME_LEN];
};

/* A request on its way to the hypervisor, or waiting for its answer. */
struct preq {
	int cfd; /* the client's fd, -1: gone or internal */
	unsigned int cseq; /* the client's sequence number */
	bool hello, stop;
	unsigned char *msg;
	size_t len, off;
};

static struct sclient clients[MAX_CLIENTS];
static struct preq *queue;
static size_t q_head, q_len, q_cap;
static unsigned int sup_seq = 1;
static int mgmt_fd = -1, serial_log = -1;
static unsigned char mresp[HDR_LEN + XL_MGMT_RESPONSE_MAX + 64];
static size_t mresp_len;
static bool hello_done, stopping;
static double stop_at;
static char *sup_dir;

static void client_close(struct sclient *c)
{
	for (size_t i = q_head; i < q_len; i++) {
		if (queue[i].cfd == c->fd)
			queue[i].cfd = -1; /* its answer goes nowhere */
	}
	close(c->fd);
	free(c->in);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static void enqueue(int cfd, unsigned char *m, size_t len)
{
	struct xl_mgmt_hdr *h = (struct xl_mgmt_hdr *)m;
	struct preq *r;

	if (q_len == q_cap) {
		/* Compact before growing. */
		memmove(queue, queue + q_head,
			(q_len - q_head) * sizeof(*queue));
		q_len -= q_head;
		q_head = 0;
		if (q_len == q_cap) {
			q_cap = q_cap ? 2 * q_cap : 16;
			queue = realloc(queue, q_cap * sizeof(*queue));
			if (!queue) {
				msg("supervisor: out of memory");
				exit(1);
			}
		}
	}
	r = &queue[q_len++];
	memset(r, 0, sizeof(*r));
	r->cfd = cfd;
	r->cseq = h->seq;
	r->hello = h->type == XL_MGMT_HELLO && cfd == -1;
	r->stop = h->type == XL_MGMT_STOP;
	h->seq = sup_seq++;
	r->msg = m;
	r->len = len;
}

static void enqueue_new(int cfd, unsigned int type, const void *a, size_t alen,
			const void *b, size_t blen)
{
	unsigned char *m = xmalloc(HDR_LEN + alen + blen);
	struct xl_mgmt_hdr h = { .magic = XL_MGMT_MAGIC,
				 .version = XL_MGMT_VERSION,
				 .type = (unsigned short)type,
				 .len = alen + blen };

	memcpy(m, &h, HDR_LEN);
	if (alen)
		memcpy(m + HDR_LEN, a, alen);
	if (blen)
		memcpy(m + HDR_LEN + alen, b, blen);
	enqueue(cfd, m, HDR_LEN + alen + blen);
}

static void reply_client(int fd, unsigned int seq, unsigned int type,
			 int status, const void *p, size_t len)
{
	struct xl_mgmt_hdr h = { .magic = XL_MGMT_MAGIC,
				 .version = XL_MGMT_VERSION,
				 .type = (unsigned short)type,
				 .seq = seq,
				 .status = status,
				 .len = len };

	/* Blocking: answers are small and clients read them. */
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	if (write_all(fd, &h, sizeof(h)) || (len && write_all(fd, p, len)))
		return;
	fcntl(fd, F_SETFL, fl);
}

/* Serial output of domain @owner ("" : the hypervisor) to its viewers. */
static void to_viewers(const char *owner, const char *s, size_t n)
{
	if (!owner[0] || !n)
		return;
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct sclient *c = &clients[i];

		/* A viewer too slow to take it loses it, not the machine. */
		if (c->fd > 0 && c->console && !strcmp(c->name, owner) &&
		    write(c->fd, s, n) < 0 && errno != EAGAIN)
			client_close(c);
	}
}

/*
 * Demultiplex the serial console: "[NAME] text" lines are NAME's, "(xl)"
 * lines the hypervisor's; a line with neither continues the partial line
 * of the domain that spoke last (common/domain_console.c).
 */
static void serial_demux(const char *s, size_t n)
{
	static char pre[40], owner[XL_MGMT_NAME_LEN], last[XL_MGMT_NAME_LEN];
	static size_t pre_len;
	static bool mid;
	char out[4096];
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\r')
			continue;
		if (!mid) {
			size_t pl;

			if (c != ' ' && c != '\n' &&
			    pre_len < sizeof(pre) - 1) {
				pre[pre_len++] = c;
				continue;
			}
			pre[pre_len] = '\0';
			pl = pre_len;
			pre_len = 0;
			mid = c != '\n';
			if (pl >= 3 && pre[0] == '[' && pre[pl - 1] == ']' &&
			    pl - 2 < sizeof(owner)) {
				to_viewers(owner, out, o);
				o = 0;
				memcpy(owner, pre + 1, pl - 2);
				owner[pl - 2] = '\0';
				strcpy(last, owner);
				if (c == '\n')
					out[o++] = '\n';
				continue;
			}
			to_viewers(owner, out, o);
			o = 0;
			strcpy(owner, strcmp(pre, "(xl)") ? last : "");
			memcpy(out, pre, pl);
			o = pl;
		}
		if (c == '\n')
			mid = false;
		out[o++] = c;
		if (o >= sizeof(out) - sizeof(pre) - 2) {
			to_viewers(owner, out, o);
			o = 0;
		}
	}
	to_viewers(owner, out, o);
}

/* A whole message from client @c at the front of its buffer. */
static void client_message(struct sclient *c, unsigned char *m, size_t len)
{
	struct xl_mgmt_hdr *h = (struct xl_mgmt_hdr *)m;

	if (h->type == SUP_CONSOLE) {
		const struct xl_mgmt_dom *d = (const void *)(m + HDR_LEN);

		if (h->len != sizeof(*d) ||
		    !memchr(d->name, 0, sizeof(d->name))) {
			reply_client(c->fd, h->seq, h->type | XL_MGMT_RESPONSE,
				     -EINVAL, NULL, 0);
		} else {
			strcpy(c->name, d->name);
			c->console = true;
			reply_client(c->fd, h->seq, h->type | XL_MGMT_RESPONSE,
				     0, NULL, 0);
			fcntl(c->fd, F_SETFL,
			      fcntl(c->fd, F_GETFL) | O_NONBLOCK);
		}
		free(m);
		return;
	}
	if (h->type == SUP_INFO) {
		char *path = xasprintf("%s/info", sup_dir);
		size_t n = 0;
		char *text = read_file(path, &n);

		reply_client(c->fd, h->seq, h->type | XL_MGMT_RESPONSE,
			     text ? 0 : -ENOENT, text, text ? n : 0);
		free(text);
		free(path);
		free(m);
		return;
	}
	if (stopping) {
		reply_client(c->fd, h->seq, h->type | XL_MGMT_RESPONSE,
			     -ESHUTDOWN, "the machine is stopping", 23);
		free(m);
		return;
	}
	enqueue(c->fd, m, len);
}

/* Console input from a viewer: CONSOLE_IN requests nobody waits for. */
static void console_input(struct sclient *c, const unsigned char *p, size_t n)
{
	struct xl_mgmt_dom d;

	memset(&d, 0, sizeof(d));
	strcpy(d.name, c->name);
	while (n) {
		size_t k = n < XL_MGMT_CONSOLE_IN_MAX ? n :
							XL_MGMT_CONSOLE_IN_MAX;

		enqueue_new(-1, XL_MGMT_CONSOLE_IN, &d, sizeof(d), p, k);
		p += k;
		n -= k;
	}
}

static bool client_read(struct sclient *c)
{
	unsigned char buf[65536];
	ssize_t r = read(c->fd, buf, sizeof(buf));

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (r <= 0)
		return false;
	if (c->console) {
		console_input(c, buf, (size_t)r);
		return true;
	}
	if (c->len + (size_t)r > c->cap) {
		c->cap = (c->len + (size_t)r) * 2;
		c->in = realloc(c->in, c->cap);
		if (!c->in)
			return false;
	}
	memcpy(c->in + c->len, buf, (size_t)r);
	c->len += (size_t)r;
	while (c->len >= HDR_LEN) {
		struct xl_mgmt_hdr h;
		size_t need;
		unsigned char *m;

		memcpy(&h, c->in, HDR_LEN);
		/* Only what could be a request; the hypervisor checks the rest. */
		if (h.magic != XL_MGMT_MAGIC ||
		    h.len > sizeof(struct xl_mgmt_create) + XL_MGMT_DTB_MAX +
				    XL_MGMT_KERNEL_MAX + XL_MGMT_RAMDISK_MAX)
			return false;
		need = HDR_LEN + h.len;
		if (c->len < need)
			break;
		/* A whole request, or nothing: a client killed mid-create
		 * leaves nothing in the hypervisor. */
		m = xmalloc(need);
		memcpy(m, c->in, need);
		memmove(c->in, c->in + need, c->len - need);
		c->len -= need;
		client_message(c, m, need);
		if (c->console && c->len) {
			console_input(c, c->in, c->len);
			c->len = 0;
		}
	}
	return true;
}

static void mgmt_write(void)
{
	for (size_t i = q_head; i < q_len; i++) {
		struct preq *r = &queue[i];

		while (r->off < r->len) {
			ssize_t w = write(mgmt_fd, r->msg + r->off,
					  r->len - r->off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return; /* full: on the next POLLOUT */
			r->off += (size_t)w;
		}
		if (r->msg) {
			free(r->msg);
			r->msg = NULL;
		}
	}
}

static bool mgmt_unsent(void)
{
	return q_len > q_head && queue[q_len - 1].off < queue[q_len - 1].len;
}

static void start_reply(int start_fd, const char *text)
{
	if (start_fd >= 0) {
		if (write_all(start_fd, text, strlen(text)))
			return;
	}
}

static void mgmt_response(const struct xl_mgmt_hdr *h, const unsigned char *p,
			  int *start_fd)
{
	struct preq *r;

	if (q_head == q_len) {
		fprintf(stderr, "supervisor: an answer nobody asked for\n");
		return;
	}
	r = &queue[q_head++];
	if (r->hello && !hello_done) {
		hello_done = true;
		start_reply(*start_fd, "ok\n");
		close(*start_fd);
		*start_fd = -1;
	}
	if (r->stop && h->status == 0) {
		stopping = true;
		stop_at = now_s();
	}
	if (r->cfd >= 0)
		reply_client(r->cfd, r->cseq, h->type, h->status, p, h->len);
	free(r->msg);
	if (q_head == q_len)
		q_head = q_len = 0;
}

static bool mgmt_read(int *start_fd)
{
	ssize_t r = read(mgmt_fd, mresp + mresp_len, sizeof(mresp) - mresp_len);

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (r <= 0)
		return false;
	mresp_len += (size_t)r;
	while (mresp_len >= HDR_LEN) {
		struct xl_mgmt_hdr h;

		memcpy(&h, mresp, HDR_LEN);
		if (h.magic != XL_MGMT_MAGIC || h.len > XL_MGMT_RESPONSE_MAX) {
			fprintf(stderr, "supervisor: bad answer from the "
					"hypervisor; dropping the channel\n");
			return false;
		}
		if (mresp_len < HDR_LEN + h.len)
			break;
		mgmt_response(&h, mresp + HDR_LEN, start_fd);
		memmove(mresp, mresp + HDR_LEN + h.len,
			mresp_len - HDR_LEN - h.len);
		mresp_len -= HDR_LEN + h.len;
	}
	return true;
}

static volatile sig_atomic_t sup_signal;

static void sup_on_signal(int sig)
{
	sup_signal = sig;
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    chmod(path, 0600) || listen(fd, 16))
		return -1;
	return fd;
}

/*
 * The supervisor: QEMU's parent, the channel's only user, the serial
 * console's reader. Exits when QEMU does. Reports start-up on @start_fd.
 */
static int supervise(const char *dir, const char *bundle, struct strvec *qv,
		     int start_fd)
{
	char *ctl = xasprintf("%s/ctl.sock", dir);
	char *msock = xasprintf("%s/mgmt.sock", dir);
	char *slog = xasprintf("%s/serial.log", dir);
	char *qlog = xasprintf("%s/qemu.log", dir);
	int lfd, out[2], in[2], status = 0, i;
	double t0 = now_s();
	struct sigaction sa = { 0 };
	pid_t qemu;

	sup_dir = xstrdup(dir);
	for (i = 0; i < MAX_CLIENTS; i++)
		clients[i].fd = -1;
	sa.sa_handler = sup_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	serial_log = open(slog, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (pipe2(out, O_CLOEXEC) || pipe2(in, O_CLOEXEC) || serial_log < 0) {
		start_reply(start_fd, "cannot create the serial pipes\n");
		return 1;
	}
	qemu = fork();
	if (qemu < 0) {
		start_reply(start_fd, "fork failed\n");
		return 1;
	}
	if (!qemu) {
		int e = open(qlog, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		/* QEMU never outlives its supervisor. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(in[0], 0);
		dup2(out[1], 1);
		if (e >= 0)
			dup2(e, 2);
		if (chdir(bundle))
			_exit(127);
		execvp(qv->v[0], qv->v);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	lfd = listen_on(ctl);
	if (lfd < 0) {
		start_reply(start_fd, "cannot listen on the control socket\n");
		kill(qemu, SIGKILL);
		return 1;
	}
	/* QEMU creates the channel's socket as it starts. */
	while ((mgmt_fd = sock_connect(msock)) < 0) {
		if (waitpid(qemu, &status, WNOHANG) == qemu ||
		    now_s() - t0 > 30) {
			start_reply(start_fd,
				    "QEMU did not start (see qemu.log)\n");
			unlink(ctl);
			return 1;
		}
		usleep(20000);
	}
	fcntl(mgmt_fd, F_SETFL, O_NONBLOCK);
	enqueue_new(-1, XL_MGMT_HELLO, NULL, 0, NULL, 0);
	for (;;) {
		struct pollfd pf[3 + MAX_CLIENTS];
		int map[3 + MAX_CLIENTS], n = 0;
		pid_t w;

		if (sup_signal) {
			kill(qemu, SIGTERM);
			sup_signal = 0;
		}
		w = waitpid(qemu, &status, WNOHANG);
		if (w == qemu)
			break;
		if (!hello_done && now_s() - t0 > START_TIMEOUT_S) {
			start_reply(start_fd,
				    "the hypervisor did not answer on "
				    "the management channel\n");
			kill(qemu, SIGKILL);
		}
		if (stopping && now_s() - stop_at > 30) {
			fprintf(stderr, "supervisor: the machine did not power "
					"off in 30 s; killing QEMU\n");
			kill(qemu, SIGKILL);
		}
		pf[n] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		map[n++] = -1;
		pf[n] = (struct pollfd){ .fd = out[0], .events = POLLIN };
		map[n++] = -2;
		pf[n] = (struct pollfd){
			.fd = mgmt_fd,
			.events = POLLIN | (mgmt_unsent() ? POLLOUT : 0)
		};
		map[n++] = -3;
		for (i = 0; i < MAX_CLIENTS; i++) {
			if (clients[i].fd < 0)
				continue;
			pf[n] = (struct pollfd){ .fd = clients[i].fd,
						 .events = POLLIN };
			map[n++] = i;
		}
		if (poll(pf, (nfds_t)n, 200) <= 0)
			continue;
		for (int k = 0; k < n; k++) {
			if (!pf[k].revents)
				continue;
			if (map[k] == -1) {
				int cfd =
					accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

				for (i = 0; cfd >= 0 && i < MAX_CLIENTS; i++) {
					if (clients[i].fd < 0) {
						clients[i].fd = cfd;
						break;
					}
				}
				if (cfd >= 0 && i == MAX_CLIENTS)
					close(cfd);
			} else if (map[k] == -2) {
				char buf[8192];
				ssize_t r = read(out[0], buf, sizeof(buf));

				if (r > 0) {
					if (write_all(serial_log, buf,
						      (size_t)r))
						fprintf(stderr,
							"supervisor: serial.log: %s\n",
							strerror(errno));
					serial_demux(buf, (size_t)r);
				}
			} else if (map[k] == -3) {
				if (pf[k].revents & POLLOUT)
					mgmt_write();
				if ((pf[k].revents & (POLLIN | POLLHUP)) &&
				    !mgmt_read(&start_fd)) {
					/* No channel: nothing can be asked. */
					kill(qemu, SIGTERM);
				}
			} else if (!client_read(&clients[map[k]])) {
				client_close(&clients[map[k]]);
			}
		}
		if (mgmt_unsent())
			mgmt_write();
	}
	if (start_fd >= 0) {
		char *tail = read_file(slog, NULL);
		const char *t = tail ? tail : "";
		size_t len = strlen(t);

		start_reply(start_fd, "the machine stopped while booting; its "
				      "last serial output:\n");
		start_reply(start_fd, t + (len > 2000 ? len - 2000 : 0));
		free(tail);
	}
	/* Gone before the clients learn it (stop waits for the close). */
	unlink(ctl);
	unlink(msock);
	for (i = 0; i < MAX_CLIENTS; i++) {
		if (clients[i].fd >= 0)
			client_close(&clients[i]);
	}
	fprintf(stderr, "supervisor: QEMU exited (%s %d)\n",
		WIFEXITED(status) ? "status" : "signal",
		WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 0;
}

/* ---- commands ---- */

static void rm_stale(const char *dir)
{
	static const char *const files[] = { "ctl.sock",       "mgmt.sock",
					     "serial.log",     "qemu.log",
					     "supervisor.log", "info" };
	char *b;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *p = xasprintf("%s/%s", dir, files[i]);

		unlink(p);
		free(p);
	}
	b = xasprintf("%s/bundle", dir);
	bundle_remove(b);
	free(b);
}

static int cmd_start(int argc, char **argv)
{
	struct strvec qv = { 0 };
	struct domcfg *doms;
	struct xl_opts o;
	char *base, *dir, *bundle, *name = NULL, *img, *info;
	int first, nr, pfd[2], fd;
	unsigned int bus;
	pid_t pid;
	char buf[4096];
	size_t got = 0;
	double t0 = now_s();

	first = parse_opts("start", usage_start, cmd_start_opts, argc, argv,
			   &o);
	nr = argc - first;
	img = hyp_image(o.root, o.arch);
	if (!file_exists(img)) {
		msg("%s: not built; run ./xen-lite (it builds what is stale)",
		    img);
		return 1;
	}
	free(img);
	doms = load_domains(&o, nr, argv + first);
	base = runtime_base(true);
	if (o.machine) {
		name = xstrdup(o.machine);
		fd = machine_connect(base, name);
		if (fd >= 0) {
			close(fd);
			msg("start: machine '%s' is running already", name);
			return 1;
		}
	} else {
		for (int i = 1; !name; i++) {
			char *n = xasprintf("xl%d", i);

			fd = machine_connect(base, n);
			if (fd < 0)
				name = n;
			else {
				close(fd);
				free(n);
			}
		}
	}
	dir = xasprintf("%s/%s", base, name);
	if (mkdir(dir, 0700) && errno != EEXIST) {
		msg("start: cannot create %s: %s", dir, strerror(errno));
		return 1;
	}
	chmod(dir, 0700);
	rm_stale(dir);
	bundle = xasprintf("%s/bundle", dir);
	o.outdir = bundle;
	/* The management channel on the reserved transport. */
	bus = !strcmp(o.arch->name, "arm64") ? XL_MGMT_TRANSPORT_ARM64 :
					       XL_MGMT_TRANSPORT_RISCV64;
	strvec_add(&o.qemu_args, "-chardev");
	strvec_addf(&o.qemu_args,
		    "socket,id=xlmgmt,path=%s/mgmt.sock,server=on,wait=off",
		    dir);
	strvec_add(&o.qemu_args, "-device");
	strvec_addf(&o.qemu_args, "virtio-serial-device,bus=virtio-mmio-bus.%u",
		    bus);
	strvec_add(&o.qemu_args, "-device");
	strvec_add(&o.qemu_args, "virtconsole,chardev=xlmgmt");
	if (bundle_build(&o, doms, nr, &qv))
		return 1;
	info = xasprintf("name=%s\narch=%s\nsmp=%u\nmem=%llu\nqemu=%u\n", name,
			 o.arch->name, o.smp, (unsigned long long)o.mem,
			 o.qemu_ver);
	{
		char *p = xasprintf("%s/info", dir);

		write_file(p, info, strlen(info), 0600);
		free(p);
	}
	/* Close-on-exec: QEMU must not hold the end we wait on. */
	if (pipe2(pfd, O_CLOEXEC)) {
		msg("start: pipe: %s", strerror(errno));
		return 1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		msg("start: fork: %s", strerror(errno));
		return 1;
	}
	if (!pid) {
		/* Detach: the supervisor is nobody's child but init's. */
		setsid();
		if (fork())
			_exit(0);
		close(pfd[0]);
		{
			char *log = xasprintf("%s/supervisor.log", dir);
			int l = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			int nul = open("/dev/null", O_RDWR);

			if (nul >= 0)
				dup2(nul, 0);
			if (l >= 0) {
				dup2(l, 1);
				dup2(l, 2);
			}
		}
		_exit(supervise(dir, bundle, &qv, pfd[1]));
	}
	close(pfd[1]);
	waitpid(pid, NULL, 0);
	for (;;) {
		struct pollfd pf = { .fd = pfd[0], .events = POLLIN };
		ssize_t r;

		if (poll(&pf, 1, 1000) <= 0) {
			if (now_s() - t0 > START_TIMEOUT_S + 10)
				break;
			continue;
		}
		r = read(pfd[0], buf + got, sizeof(buf) - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
		if (got == sizeof(buf) - 1 ||
		    (got >= 3 && !strncmp(buf, "ok\n", 3)))
			break;
	}
	buf[got] = '\0';
	if (strncmp(buf, "ok\n", 3)) {
		msg("start: machine '%s' did not come up: %s", name,
		    got ? buf :
			  "(the supervisor said nothing; see its log in the runtime directory)");
		return 1;
	}
	printf("%s\n", name);
	msg("machine '%s' is up in %.1f s (%s, %u CPUs, %llu MiB); 'xen-lite "
	    "stop --machine %s' powers it off",
	    name, now_s() - t0, o.arch->name, o.smp,
	    (unsigned long long)(o.mem >> 20), name);
	return 0;
}

/* The common options of the runtime commands; returns the operands. */
struct rt_args {
	const char *machine;
	bool json;
	int nr;
	char **args;
};

static void parse_rt(const char *cmd, int argc, char **argv, struct rt_args *a,
		     int min, int max)
{
	memset(a, 0, sizeof(*a));
	a->args = calloc((size_t)argc + 1, sizeof(char *));
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage_runtime, stdout);
			exit(0);
		} else if (!strcmp(argv[i], "--machine") && i + 1 < argc) {
			a->machine = argv[++i];
			if (!machine_name_ok(a->machine))
				usage_error(cmd, "--machine: bad name '%s'",
					    a->machine);
		} else if (!strncmp(argv[i], "--machine=", 10)) {
			a->machine = argv[i] + 10;
		} else if (!strcmp(cmd, "vcpu-pin") && a->nr >= 1) {
			a->args[a->nr++] = argv[i]; /* numbers, not options */
		} else if (!strcmp(cmd, "mem-set") && a->nr == 1) {
			a->args[a->nr++] =
				argv[i]; /* the size, not an option */
		} else if (!strcmp(argv[i], "--json") &&
			   (!strcmp(cmd, "list") || !strcmp(cmd, "machines"))) {
			a->json = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			usage_error(cmd, "bad option '%s'", argv[i]);
		} else {
			a->args[a->nr++] = argv[i];
		}
	}
	if (a->nr < min || a->nr > max)
		usage_error(
			cmd, "%s",
			max == 0 ? "takes no operands" :
			max == 1 ? "expected one domain name" :
			max == 2 ? "expected a domain name and a size" :
			max == 3 ? "expected a domain name, a vCPU and a CPU" :
				   "expected domain files");
}

static const char *state_names[] = { "?",      "running",
				     "paused", "shutting-down",
				     "dying",  "preserved" };

static const char *st_name(unsigned int s)
{
	return s < 6 ? state_names[s] : "?";
}

static char *info_get(const char *text, const char *key);

/* list / vcpu-list of machine @name (runtime directory @dir). */
static int list_one(const char *cmd, const char *name, const char *dir,
		    bool json, bool vcpus)
{
	struct reply r;
	struct xl_mgmt_list l;
	const struct xl_mgmt_dominfo *d;
	struct rt_args a = { .json = json };

	call(cmd, dir, XL_MGMT_LIST, NULL, 0, &r);
	if (r.h.len < sizeof(l)) {
		msg("%s: short answer", cmd);
		return 1;
	}
	memcpy(&l, r.p, sizeof(l));
	if (r.h.len < sizeof(l) + (size_t)l.nr * sizeof(*d)) {
		msg("%s: short answer", cmd);
		return 1;
	}
	d = (const void *)(r.p + sizeof(l));
	if (a.json) {
		printf("{\"machine\": \"%s\", \"cpus\": %u, \"free_pages\": %llu, "
		       "\"cache_pages\": %llu, \"uptime_ns\": %llu, \"domains\": [",
		       name, l.nr_cpus, l.free_pages, l.cache_pages,
		       l.uptime_ns);
		for (unsigned int i = 0; i < l.nr; i++) {
			printf("%s\n  {\"id\": %u, \"name\": \"%s\", \"state\": "
			       "\"%s\", \"vcpus\": %u, \"memory\": %llu, "
			       "\"pages\": %llu, \"target_pages\": %llu, "
			       "\"cpu_ns\": %llu, "
			       "\"uptime_ns\": %llu, \"restarts\": %u}",
			       i ? "," : "", d[i].id, d[i].name,
			       st_name(d[i].state), d[i].vcpus, d[i].mem_bytes,
			       d[i].tot_pages, d[i].target_pages, d[i].cpu_ns,
			       d[i].uptime_ns, d[i].restarts);
		}
		printf("\n]}\n");
		return 0;
	}
	if (vcpus) {
		printf("%-4s %-16s %4s %4s %12s\n", "ID", "NAME", "VCPU", "CPU",
		       "TIME(s)");
		for (unsigned int i = 0; i < l.nr; i++) {
			for (unsigned int v = 0;
			     v < d[i].vcpus && v < XL_MGMT_MAX_VCPUS; v++)
				printf("%-4u %-16s %4u %4u %12.3f\n", d[i].id,
				       d[i].name, v, d[i].vcpu_cpu[v],
				       (double)d[i].vcpu_ns[v] / 1e9);
		}
		return 0;
	}
	printf("%-4s %-16s %-13s %5s %8s %10s %10s\n", "ID", "NAME", "STATE",
	       "VCPUS", "MEM(MiB)", "CPU(s)", "UPTIME(s)");
	for (unsigned int i = 0; i < l.nr; i++)
		printf("%-4u %-16s %-13s %5u %8llu %10.3f %10.1f\n", d[i].id,
		       d[i].name, st_name(d[i].state), d[i].vcpus,
		       d[i].mem_bytes >> 20, (double)d[i].cpu_ns / 1e9,
		       (double)d[i].uptime_ns / 1e9);
	printf("machine %s: %u CPUs, %llu MiB free (%llu pages), up %.1f s\n",
	       name, l.nr_cpus, l.free_pages >> 8, l.free_pages,
	       (double)l.uptime_ns / 1e9);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The running machines, sorted by name (heap), *nr of them. */
static char **sorted_machines(char **base, int *nr)
{
	char **names;

	*base = runtime_base(false);
	names = live_machines(*base, nr);
	if (*nr > 1)
		qsort(names, (size_t)*nr, sizeof(*names), cmp_names);
	return names;
}

/*
 * list, vcpu-list: of --machine, of the only machine running, or of
 * every machine running, one after the other (--json: an array of the
 * machines' objects).
 */
static int cmd_list(const char *cmd, int argc, char **argv, bool vcpus)
{
	struct rt_args a;
	char *dir, *name, *base, **names;
	int nr, rc = 0;

	parse_rt(cmd, argc, argv, &a, 0, 0);
	if (a.machine) {
		name = pick_machine(cmd, a.machine, &dir);
		return list_one(cmd, name, dir, a.json, vcpus);
	}
	names = sorted_machines(&base, &nr);
	if (nr <= 1) {
		name = pick_machine(cmd, NULL, &dir);
		return list_one(cmd, name, dir, a.json, vcpus);
	}
	if (a.json)
		printf("[");
	for (int i = 0; i < nr; i++) {
		dir = xasprintf("%s/%s", base, names[i]);
		if (a.json && i)
			printf(",\n");
		else if (!a.json && i)
			printf("\n");
		if (vcpus && !a.json)
			printf("machine %s:\n", names[i]);
		fflush(stdout);
		rc |= list_one(cmd, names[i], dir, a.json, vcpus);
		free(dir);
	}
	if (a.json)
		printf("]\n");
	return rc;
}

/* machines: every machine running, with what its info file says. */
static int cmd_machines(int argc, char **argv)
{
	char *base, **names;
	struct rt_args a;
	int nr;

	parse_rt("machines", argc, argv, &a, 0, 0);
	if (a.machine)
		usage_error("machines", "%s", "takes no --machine");
	names = sorted_machines(&base, &nr);
	if (a.json)
		printf("[");
	else
		printf("%-16s %-8s %4s %8s %7s %10s\n", "NAME", "ARCH", "CPUS",
		       "MEM(MiB)", "DOMAINS", "UPTIME(s)");
	for (int i = 0; i < nr; i++) {
		char *dir = xasprintf("%s/%s", base, names[i]);
		char *ipath = xasprintf("%s/info", dir);
		char *info = read_file(ipath, NULL);
		char *arch = info ? info_get(info, "arch") : NULL;
		char *mem = info ? info_get(info, "mem") : NULL;
		struct xl_mgmt_list l;
		struct reply r;

		call("machines", dir, XL_MGMT_LIST, NULL, 0, &r);
		memset(&l, 0, sizeof(l));
		if (r.h.len >= sizeof(l))
			memcpy(&l, r.p, sizeof(l));
		if (a.json)
			printf("%s\n  {\"machine\": \"%s\", \"arch\": \"%s\", "
			       "\"cpus\": %u, \"mem_bytes\": %llu, "
			       "\"domains\": %u, \"uptime_ns\": %llu}",
			       i ? "," : "", names[i], arch ? arch : "?",
			       l.nr_cpus, mem ? strtoull(mem, NULL, 10) : 0ULL,
			       l.nr, l.uptime_ns);
		else
			printf("%-16s %-8s %4u %8llu %7u %10.1f\n", names[i],
			       arch ? arch : "?", l.nr_cpus,
			       (mem ? strtoull(mem, NULL, 10) : 0ULL) >> 20,
			       l.nr, (double)l.uptime_ns / 1e9);
		free(r.p);
		free(info);
		free(ipath);
		free(dir);
	}
	if (a.json)
		printf("%s]\n", nr ? "\n" : "");
	return 0;
}

static int cmd_dmesg(int argc, char **argv)
{
	struct xl_mgmt_dmesg_req q = { 0 };
	unsigned long long end = 0;
	struct rt_args a;
	char *dir;

	parse_rt("dmesg", argc, argv, &a, 0, 0);
	free(pick_machine("dmesg", a.machine, &dir));
	for (;;) {
		struct xl_mgmt_dmesg d;
		struct reply r;
		size_t n;

		call("dmesg", dir, XL_MGMT_DMESG, &q, sizeof(q), &r);
		if (r.h.len < sizeof(d))
			return 1;
		memcpy(&d, r.p, sizeof(d));
		n = r.h.len - sizeof(d);
		fwrite(r.p + sizeof(d), 1, n, stdout);
		free(r.p);
		/* Up to the end as of the first answer: the log moves on. */
		if (!end)
			end = d.end;
		if (!n || d.next >= end)
			break;
		q.from = d.next;
	}
	return 0;
}

static int cmd_domain(const char *cmd, unsigned int type, int argc, char **argv)
{
	struct xl_mgmt_dom d;
	struct rt_args a;
	struct reply r;
	char *dir;

	parse_rt(cmd, argc, argv, &a, 1, 1);
	dom_arg(&d, cmd, a.args[0]);
	free(pick_machine(cmd, a.machine, &dir));
	call(cmd, dir, type, &d, sizeof(d), &r);
	if (type == XL_MGMT_DUMP)
		fwrite(r.p, 1, r.h.len, stdout);
	free(r.p);
	return 0;
}

/*
 * Domain @name in a LIST answer: its XL_MGMT_STATE_* (*id and *restarts
 * set), 0 if there is none.
 */
static int dom_status(const char *cmd, const char *dir, const char *name,
		      unsigned int *id, unsigned int *restarts)
{
	const struct xl_mgmt_dominfo *d;
	struct xl_mgmt_list l;
	struct reply r;
	int rc = 0;

	call(cmd, dir, XL_MGMT_LIST, NULL, 0, &r);
	if (r.h.len < sizeof(l)) {
		msg("%s: short answer", cmd);
		exit(1);
	}
	memcpy(&l, r.p, sizeof(l));
	if (r.h.len < sizeof(l) + (size_t)l.nr * sizeof(*d)) {
		msg("%s: short answer", cmd);
		exit(1);
	}
	d = (const void *)(r.p + sizeof(l));
	for (unsigned int i = 0; i < l.nr; i++) {
		if (strncmp(d[i].name, name, XL_MGMT_NAME_LEN))
			continue;
		*id = d[i].id;
		*restarts = d[i].restarts;
		rc = (int)d[i].state;
		break;
	}
	free(r.p);
	return rc;
}

/*
 * shutdown: the power button (docs/cli.md). The guest decides; done when
 * the domain is gone, shut down (preserved), or restarted (on_poweroff
 * = "restart": same name, a new restart count or ID).
 */
static int cmd_shutdown(int argc, char **argv)
{
	const char *cmd = "shutdown", *name = NULL, *machine = NULL;
	bool wait_forever = false, force = false;
	unsigned int id0, rs0, id, rs;
	double timeout = 30, t0;
	struct xl_mgmt_dom d;
	struct reply r;
	char *dir, *end;
	int st;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			fputs(usage_runtime, stdout);
			exit(0);
		} else if (!strcmp(o, "-w") || !strcmp(o, "--wait")) {
			wait_forever = true;
		} else if (!strcmp(o, "--force")) {
			force = true;
		} else if ((!strcmp(o, "--timeout") ||
			    !strcmp(o, "--machine")) &&
			   i + 1 < argc) {
			if (!strcmp(o, "--machine")) {
				machine = argv[++i];
				if (!machine_name_ok(machine))
					usage_error(cmd,
						    "--machine: bad name '%s'",
						    machine);
				continue;
			}
			timeout = strtod(argv[++i], &end);
			if (*end || end == argv[i] || !(timeout >= 0) ||
			    timeout > 86400)
				usage_error(
					cmd,
					"--timeout: expected seconds (0 to 86400), got '%s'",
					argv[i]);
		} else if (!strncmp(o, "--machine=", 10)) {
			machine = o + 10;
			if (!machine_name_ok(machine))
				usage_error(cmd, "--machine: bad name '%s'",
					    machine);
		} else if (o[0] == '-' && o[1]) {
			usage_error(cmd, "bad option '%s'", o);
		} else if (name) {
			usage_error(cmd, "%s", "expected one domain name");
		} else {
			name = o;
		}
	}
	if (!name)
		usage_error(cmd, "%s", "expected one domain name");
	if (wait_forever && force)
		usage_error(cmd, "%s",
			    "-w waits without a limit: no --force with it");
	dom_arg(&d, cmd, name);
	free(pick_machine(cmd, machine, &dir));
	/* No such domain, or a bad state: the hypervisor says so below. */
	id0 = rs0 = 0;
	dom_status(cmd, dir, name, &id0, &rs0);
	call(cmd, dir, XL_MGMT_SHUTDOWN, &d, sizeof(d), &r);
	free(r.p);
	if (timeout == 0 && !wait_forever) {
		msg("%s: power button of '%s' pressed", cmd, name);
		return 0;
	}
	t0 = now_s();
	for (;;) {
		st = dom_status(cmd, dir, name, &id, &rs);
		/* Shutting down or dying: on its way to one of these. */
		if (st == 0 || st == XL_MGMT_STATE_PRESERVED || id != id0 ||
		    rs != rs0) {
			msg("%s: domain '%s' %s after %.1f s", cmd, name,
			    st == 0 ? "shut down" :
			    st == XL_MGMT_STATE_PRESERVED ?
				      "shut down (preserved, on_poweroff)" :
				      "shut down and restarted (on_poweroff)",
			    now_s() - t0);
			return 0;
		}
		if (!wait_forever && now_s() - t0 >= timeout)
			break;
		usleep(100 * 1000);
	}
	if (force) {
		call(cmd, dir, XL_MGMT_DESTROY, &d, sizeof(d), &r);
		free(r.p);
		msg("%s: domain '%s' did not shut down within %g s: destroyed "
		    "(--force)",
		    cmd, name, timeout);
		return 0;
	}
	msg("%s: domain '%s' did not shut down within %g s (its guest ignored "
	    "the power button, or is still shutting down); it runs on: "
	    "'xen-lite destroy %s' stops it",
	    cmd, name, timeout, name);
	return 1;
}

static unsigned int parse_uint(const char *cmd, const char *what, const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v > 1023 || s[0] == '-')
		usage_error(cmd, what, s);
	return (unsigned int)v;
}

static int cmd_vcpu_pin(int argc, char **argv)
{
	struct xl_mgmt_vcpu_pin pin;
	struct xl_mgmt_dom d;
	struct rt_args a;
	struct reply r;
	char *dir;

	parse_rt("vcpu-pin", argc, argv, &a, 3, 3);
	dom_arg(&d, "vcpu-pin", a.args[0]);
	memset(&pin, 0, sizeof(pin));
	memcpy(pin.name, d.name, sizeof(pin.name));
	pin.vcpu = parse_uint("vcpu-pin", "expected a vCPU number, got '%s'",
			      a.args[1]);
	pin.cpu = parse_uint("vcpu-pin", "expected a CPU number, got '%s'",
			     a.args[2]);
	free(pick_machine("vcpu-pin", a.machine, &dir));
	call("vcpu-pin", dir, XL_MGMT_VCPU_PIN, &pin, sizeof(pin), &r);
	free(r.p);
	return 0;
}

static int cmd_mem_set(int argc, char **argv)
{
	struct xl_mgmt_mem_set m;
	struct xl_mgmt_dom d;
	struct rt_args a;
	struct reply r;
	uint64_t v;
	char *dir;

	parse_rt("mem-set", argc, argv, &a, 2, 2);
	dom_arg(&d, "mem-set", a.args[0]);
	if (domcfg_parse_size(a.args[1], 1ull << 20, &v))
		usage_error(
			"mem-set",
			"expected a size (MiB unless suffixed K/M/G), got '%s'",
			a.args[1]);
	memset(&m, 0, sizeof(m));
	memcpy(m.name, d.name, sizeof(m.name));
	m.bytes = v;
	free(pick_machine("mem-set", a.machine, &dir));
	call("mem-set", dir, XL_MGMT_MEM_SET, &m, sizeof(m), &r);
	free(r.p);
	return 0;
}

static int cmd_stop(int argc, char **argv)
{
	struct rt_args a;
	char *dir, *name, *path;
	struct reply r;
	char c;
	int fd;

	parse_rt("stop", argc, argv, &a, 0, 0);
	name = pick_machine("stop", a.machine, &dir);
	path = xasprintf("%s/ctl.sock", dir);
	fd = sock_connect(path);
	if (fd < 0) {
		msg("stop: the machine's supervisor does not answer");
		return 1;
	}
	if (send_msg(fd, XL_MGMT_STOP, NULL, 0, NULL, 0) || recv_msg(fd, &r)) {
		lost("stop", dir);
		return 1;
	}
	if (r.h.status < 0) {
		msg("stop: %s", r.h.len ? (char *)r.p : strerror(-r.h.status));
		return 1;
	}
	/*
	 * The supervisor closes every connection once QEMU has exited; it
	 * kills a QEMU that has not powered off 30 s after the request.
	 */
	for (;;) {
		ssize_t n = read(fd, &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			msg("stop: machine '%s' was still there %d s after "
			    "the request (its supervisor's log: %s/"
			    "supervisor.log)",
			    name, reply_timeout(), dir);
			return 1;
		}
		if (n <= 0)
			break;
	}
	close(fd);
	msg("machine '%s' stopped", name);
	return 0;
}

/* The machine's description: KEY=VALUE lines of its info file. */
static char *info_get(const char *text, const char *key)
{
	size_t k = strlen(key);

	for (const char *p = text; p && *p;
	     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, key, k) && p[k] == '=') {
			size_t n = strcspn(p + k + 1, "\n");
			char *v = xmalloc(n + 1);

			memcpy(v, p + k + 1, n);
			v[n] = '\0';
			return v;
		}
	}
	return NULL;
}

static unsigned char *read_image(const char *path, uint64_t size)
{
	size_t n = 0;
	char *p = read_file(path, &n);

	if (!p || n != size) {
		msg("create: %s: cannot read it (or it changed size)", path);
		exit(1);
	}
	return (unsigned char *)p;
}

static int cmd_create(int argc, char **argv)
{
	struct rt_args a;
	struct xl_opts o;
	struct domcfg *doms;
	struct reply r;
	char *dir, *ipath, *info, *arch, *smp, *mem;
	int rc = 0;

	parse_rt("create", argc, argv, &a, 1, 64);
	free(pick_machine("create", a.machine, &dir));
	ipath = xasprintf("%s/info", dir);
	info = read_file(ipath, NULL);
	arch = info ? info_get(info, "arch") : NULL;
	smp = info ? info_get(info, "smp") : NULL;
	mem = info ? info_get(info, "mem") : NULL;
	if (!arch || !smp || !mem || !arch_lookup(arch)) {
		msg("create: %s: the machine's description is missing", ipath);
		return 1;
	}
	/* Checked as 'start' checks boot domains, against this machine. */
	memset(&o, 0, sizeof(o));
	o.arch = arch_lookup(arch);
	o.root = runtime_root;
	o.smp = (uint32_t)strtoul(smp, NULL, 10);
	o.mem = strtoull(mem, NULL, 10);
	domcfg_arch = o.arch->name;
	{
		char *config =
			xasprintf("%s/build/%s/.config", o.root, o.arch->name);

		if (domcfg_load_limits(config) == -EINVAL)
			return EXIT_INVALID;
		free(config);
	}
	doms = load_domains(&o, a.nr, a.args);
	/*
	 * Host devices and shared memory are checked against every other
	 * domain of the machine, at boot (which device, interrupt, RAM run
	 * and region each has, docs/passthrough.md, shared-memory.md); the
	 * running hypervisor has no such view to check a newcomer against.
	 * Said before any image is sent (the hypervisor refuses them too).
	 */
	for (int i = 0; i < a.nr; i++) {
		const struct domcfg_pt *pt = &doms[i].pt;

		if (pt->nr_iomem || pt->nr_irqs || pt->nr_dtdev ||
		    pt->nr_disks || pt->nr_vifs || pt->direct_map ||
		    doms[i].nr_shm) {
			msg("create: %s: domain %s: %s is for domains built at "
			    "boot (checked against every other domain then); "
			    "give its file to 'xen-lite start' instead",
			    doms[i].path, doms[i].name,
			    doms[i].nr_shm ? "shared memory (shm)" :
					     "passthrough (iomem, irqs, dtdev, "
					     "disk, vif, direct_map)");
			return 1;
		}
	}
	for (int i = 0; i < a.nr && !rc; i++) {
		struct module *mods;
		int nr_mods, fd;
		void *fdt = bundle_domain_fdt(&doms[i], 1, &mods, &nr_mods);
		struct xl_mgmt_create c = { 0 };
		unsigned char *k, *rd = NULL, *body;
		char *path;
		double t0;
		size_t blen;

		fdt_pack(fdt);
		c.dtb_len = fdt_totalsize(fdt);
		c.kernel_len = doms[i].kernel_size;
		c.ramdisk_len = doms[i].ramdisk ? doms[i].ramdisk_size : 0;
		k = read_image(doms[i].kernel, c.kernel_len);
		if (c.ramdisk_len)
			rd = read_image(doms[i].ramdisk, c.ramdisk_len);
		blen = sizeof(c) + c.dtb_len;
		body = xmalloc(blen);
		memcpy(body, &c, sizeof(c));
		memcpy(body + sizeof(c), fdt, c.dtb_len);
		path = xasprintf("%s/ctl.sock", dir);
		t0 = now_s();
		fd = sock_connect(path);
		{
			struct xl_mgmt_hdr h = {
				.magic = XL_MGMT_MAGIC,
				.version = XL_MGMT_VERSION,
				.type = XL_MGMT_CREATE,
				.seq = next_seq++,
				.len = blen + c.kernel_len + c.ramdisk_len,
			};

			if (fd < 0 || write_all(fd, &h, sizeof(h)) ||
			    write_all(fd, body, blen) ||
			    write_all(fd, k, c.kernel_len) ||
			    (c.ramdisk_len &&
			     write_all(fd, rd, c.ramdisk_len)) ||
			    recv_msg(fd, &r)) {
				lost("create", dir);
				return 1;
			}
		}
		close(fd);
		if (r.h.status < 0) {
			msg("create: %s: %s", doms[i].path,
			    r.h.len ? (char *)r.p : strerror(-r.h.status));
			rc = 1;
		} else {
			unsigned int id = 0;

			if (r.h.len >= sizeof(id))
				memcpy(&id, r.p, sizeof(id));
			printf("%s\n", doms[i].name);
			msg("created domain %u (%s) in %.2f s (%.1f MiB of "
			    "images)",
			    id, doms[i].name, now_s() - t0,
			    (double)(c.kernel_len + c.ramdisk_len) / (1 << 20));
		}
		free(r.p);
		free(k);
		free(rd);
		free(body);
		free(fdt);
		free(mods);
		free(path);
	}
	free_domains(doms, a.nr);
	return rc;
}

static volatile sig_atomic_t con_signal;

static void con_on_signal(int sig)
{
	con_signal = sig;
}

static int cmd_console(int argc, char **argv)
{
	struct xl_mgmt_dom d;
	struct rt_args a;
	struct reply r;
	struct termios tio, raw;
	bool tty = isatty(0) && !tcgetattr(0, &tio), in_open = true;
	char *dir, *path;
	double eof_at = 0;
	int fd, rc = 0;
	bool found = false;

	parse_rt("console", argc, argv, &a, 1, 1);
	dom_arg(&d, "console", a.args[0]);
	free(pick_machine("console", a.machine, &dir));
	/* The domain must be there and running: say so now, not never. */
	call("console", dir, XL_MGMT_LIST, NULL, 0, &r);
	{
		struct xl_mgmt_list l;
		const struct xl_mgmt_dominfo *e;

		memcpy(&l, r.p, sizeof(l));
		e = (const void *)(r.p + sizeof(l));
		for (unsigned int i = 0; i < l.nr; i++) {
			if (strcmp(e[i].name, d.name))
				continue;
			found = true;
			if (e[i].state != XL_MGMT_STATE_RUNNING &&
			    e[i].state != XL_MGMT_STATE_PAUSED) {
				msg("console: domain '%s' is %s; its console "
				    "takes no input",
				    d.name, st_name(e[i].state));
				return 1;
			}
		}
		free(r.p);
	}
	if (!found) {
		msg("console: no domain called '%s'", d.name);
		return 1;
	}
	path = xasprintf("%s/ctl.sock", dir);
	fd = sock_connect(path);
	if (fd < 0 || send_msg(fd, SUP_CONSOLE, &d, sizeof(d), NULL, 0) ||
	    recv_msg(fd, &r) || r.h.status) {
		msg("console: the machine's supervisor does not answer");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, con_on_signal);
	signal(SIGHUP, con_on_signal);
	if (tty) {
		raw = tio;
		raw.c_iflag &= ~(unsigned)(IGNBRK | BRKINT | PARMRK | ISTRIP |
					   INLCR | IGNCR | ICRNL | IXON);
		raw.c_oflag |= OPOST;
		raw.c_lflag &=
			~(unsigned)(ECHO | ECHONL | ICANON | IEXTEN | ISIG);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(0, TCSANOW, &raw);
	}
	msg("console of '%s' (Ctrl-] detaches)", d.name);
	while (!con_signal) {
		struct pollfd pf[2] = { { .fd = fd, .events = POLLIN },
					{ .fd = 0, .events = POLLIN } };
		char buf[4096];
		ssize_t n;

		/* Without a terminal: output for 2 s after input ends. */
		if (!in_open && now_s() - eof_at > 2)
			break;
		if (poll(pf, in_open ? 2 : 1, 200) <= 0)
			continue;
		if (pf[0].revents) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0) {
				msg("console: the machine stopped");
				rc = 1;
				break;
			}
			if (write_all(1, buf, (size_t)n))
				break;
		}
		if (in_open && pf[1].revents) {
			char *e;

			n = read(0, buf, sizeof(buf));
			if (n <= 0) {
				in_open = false;
				eof_at = now_s();
				continue;
			}
			e = memchr(buf, CTRL_BRACKET, (size_t)n);
			if (e)
				n = e - buf;
			if (n && write_all(fd, buf, (size_t)n))
				break;
			if (e)
				break;
		}
	}
	if (tty)
		tcsetattr(0, TCSANOW, &tio);
	close(fd);
	if (!rc)
		fprintf(stderr, "\nxen-lite: detached from '%s'\n", d.name);
	return rc;
}

int runtime_main(const char *cmd, int argc, char **argv)
{
	if (reply_timeout_parse())
		return EXIT_INVALID;
	if (!strcmp(cmd, "start"))
		return cmd_start(argc, argv);
	if (!strcmp(cmd, "list"))
		return cmd_list(cmd, argc, argv, false);
	if (!strcmp(cmd, "vcpu-list"))
		return cmd_list(cmd, argc, argv, true);
	if (!strcmp(cmd, "dmesg"))
		return cmd_dmesg(argc, argv);
	if (!strcmp(cmd, "console"))
		return cmd_console(argc, argv);
	if (!strcmp(cmd, "create"))
		return cmd_create(argc, argv);
	if (!strcmp(cmd, "stop"))
		return cmd_stop(argc, argv);
	if (!strcmp(cmd, "destroy"))
		return cmd_domain(cmd, XL_MGMT_DESTROY, argc, argv);
	if (!strcmp(cmd, "reboot"))
		return cmd_domain(cmd, XL_MGMT_REBOOT, argc, argv);
	if (!strcmp(cmd, "pause"))
		return cmd_domain(cmd, XL_MGMT_PAUSE, argc, argv);
	if (!strcmp(cmd, "unpause"))
		return cmd_domain(cmd, XL_MGMT_UNPAUSE, argc, argv);
	if (!strcmp(cmd, "dump"))
		return cmd_domain(cmd, XL_MGMT_DUMP, argc, argv);
	if (!strcmp(cmd, "mem-set"))
		return cmd_mem_set(argc, argv);
	if (!strcmp(cmd, "shutdown"))
		return cmd_shutdown(argc, argv);
	if (!strcmp(cmd, "vcpu-pin"))
		return cmd_vcpu_pin(argc, argv);
	if (!strcmp(cmd, "machines"))
		return cmd_machines(argc, argv);
	return EXIT_INVALID;
}
