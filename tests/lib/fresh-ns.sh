#!/usr/bin/env bash
# A "fresh machine" view for the tests: run a command in a private mount
# namespace in which the files of every installed Debian package that
# 'make deps' does not bring in are hidden, so that a test which needs such a
# file fails here instead of passing on a machine that happens to have it.
#
# (Issue 13: QEMU's Arm 'virt' machine needs iPXE's efi-virtio.rom for its
# default NIC; ipxe-qemu is only a Recommends of qemu-system-arm, and
# 'make deps' installs without Recommends. The tests passed wherever the ROM
# had been installed by hand.)
#
# Allowed: the Depends/Pre-Depends closure (alternatives and virtual
# packages included) of the packages scripts/deps.sh installs, plus every
# Essential or Priority: required package (what any Debian system has).
# Hidden, for every other installed package: its files under the data
# directories QEMU and its firmware read (QEMU's firmware search path, the
# firmware packages' directories, QEMU modules, and whatever the symlinks
# there point into) and its programs in /usr/bin and /usr/sbin. A directory
# that holds only hidden entries gets an empty directory bound over it; a
# mixed one gets a copy (on a tmpfs) into which its allowed entries are
# bind-mounted one by one and its symbolic links copied.
#
# usage: tests/lib/fresh-ns.sh CMD [ARG...]   run CMD in the fresh view
#        tests/lib/fresh-ns.sh --check        (inside) print the test case
#                                             "ok fresh.namespace" or FAIL
# Nests: inside the view ($XL_FRESH_NS set) CMD simply runs. As root the
# namespace needs no privilege beyond unshare(CLONE_NEWNS); otherwise it
# uses a user namespace (unshare -rm). XL_FRESH_NS_ERR=off runs CMD
# unguarded (and --check then fails).
set -uo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
self=$srctree/tests/lib/fresh-ns.sh

if [ "${1:-}" = --check ]; then
	# The test case: the view is in place and everything it lists as
	# hidden is invisible (e.g. /usr/lib/ipxe/qemu/efi-virtio.rom when
	# ipxe-qemu is installed), while deps.sh's own files are still seen.
	name=fresh.namespace
	ns=${XL_FRESH_NS:-}
	if [ -z "$ns" ] || [ ! -f "$ns/hidden" ]; then
		echo "FAIL $name: not running in the fresh view (${XL_FRESH_NS_ERR:-XL_FRESH_NS unset})"
		exit 1
	fi
	if ! grep -q " $ns " /proc/self/mountinfo; then
		echo "FAIL $name: the view's scratch mount is missing"
		exit 1
	fi
	while read -r p; do
		if [ -e "$p" ] || [ -L "$p" ]; then
			echo "FAIL $name: $p is still visible"
			exit 1
		fi
	done <"$ns/hidden"
	# The file that started it (issue 13), whenever its package is
	# installed: ipxe-qemu is not something make deps installs.
	rom=/usr/lib/ipxe/qemu/efi-virtio.rom
	if dpkg-query -W -f='${Status}' ipxe-qemu 2>/dev/null | grep -q 'ok installed' &&
		! grep -qx ipxe-qemu "$ns/allowed" && [ -e "$rom" ]; then
		echo "FAIL $name: $rom (ipxe-qemu, not installed by make deps) is visible"
		exit 1
	fi
	for p in /usr/bin/qemu-system-aarch64 /usr/bin/dtc \
		/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin; do
		if [ ! -e "$p" ]; then
			echo "FAIL $name: $p (installed by make deps) is hidden"
			exit 1
		fi
	done
	cat "$ns/report"
	echo "ok $name ($(wc -l <"$ns/hidden") files hidden)"
	exit 0
fi

[ $# -gt 0 ] || {
	echo "usage: $0 CMD [ARG...] | --check" >&2
	exit 2
}

if [ -n "${XL_FRESH_NS:-}" ]; then
	exec "$@"
fi

if [ "${1:-}" != --inner ]; then
	if [ "${XL_FRESH_NS_ERR:-}" = off ]; then
		exec "$@"
	fi
	ns=(unshare -m --propagation private --)
	[ "$(id -u)" -eq 0 ] || ns=(unshare -r -m --propagation private --)
	if ! err=$("${ns[@]}" true 2>&1); then
		# No namespace here: say so, run unguarded, and let the
		# --check case fail.
		echo "fresh-ns: ${ns[*]} failed: $err; running unguarded" >&2
		XL_FRESH_NS_ERR="${ns[*]} failed: $err" exec "$@"
	fi
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/xl-fresh.XXXXXX")
	"${ns[@]}" "$self" --inner "$scratch" "$@"
	rc=$?
	rmdir "$scratch" 2>/dev/null
	exit "$rc"
fi

# --inner SCRATCH CMD...: we are in the new namespace.
scratch=$2
shift 2
mount -t tmpfs -o mode=0755 xl-fresh "$scratch" || exit 125
mapfile -t pkgs < <(sed -n '/^pkgs=(/,/^)/{/[()]/d;p}' "$srctree/scripts/deps.sh" | tr -s ' \t' '\n\n' | grep .)
if ! /usr/bin/python3 - "$scratch" "${pkgs[@]}" <<'EOF'; then
import bisect, ctypes, glob, os, subprocess, sys

scratch, roots = sys.argv[1], sys.argv[2:]
fmt = "${Package}\t${Status}\t${Essential}\t${Priority}\t${Provides}\t${Depends}\t${Pre-Depends}\n"
out = subprocess.run(["dpkg-query", "-W", "-f=" + fmt], capture_output=True,
                     text=True, check=True).stdout
pkgs, provides = {}, {}
for line in out.splitlines():
    f = line.split("\t")
    if "install ok installed" not in f[1]:
        continue
    pkgs[f[0]] = f
    for p in f[4].split(","):
        p = p.strip().split(" ")[0]
        if p:
            provides.setdefault(p, set()).add(f[0])


def dep_names(field):
    # "a (>= 1) | b:any, c" -> a, b, c: every alternative counts.
    return [alt.strip().split(" ")[0].split(":")[0]
            for grp in field.split(",") for alt in grp.split("|") if alt.strip()]


todo = list(roots) + [n for n, f in pkgs.items() if f[2] == "yes" or f[3] == "required"]
allowed = set()
while todo:
    n = todo.pop()
    for c in ({n} & pkgs.keys()) | provides.get(n, set()):
        if c not in allowed:
            allowed.add(c)
            todo += dep_names(pkgs[c][5]) + dep_names(pkgs[c][6])

info = "/var/lib/dpkg/info"
lists = {}
for fn in os.listdir(info):
    if fn.endswith(".list"):
        lists.setdefault(fn[:-5].split(":")[0], []).append(os.path.join(info, fn))


def norm(p):
    # /bin -> /usr/bin and the like (merged /usr).
    d = os.path.realpath(os.path.dirname(p))
    return os.path.join(d, os.path.basename(p))


owner_ok, foreign = set(), {}
for name in pkgs:
    for fn in lists.get(name, []):
        with open(fn) as fh:
            for p in fh.read().split("\n"):
                if not p or p == "/.":
                    continue
                p = norm(p)
                if name in allowed:
                    owner_ok.add(p)
                else:
                    foreign.setdefault(p, name)
for p in owner_ok:
    foreign.pop(p, None)

# QEMU's firmware search path (qemu-system-* -L help), the firmware
# packages' directories and QEMU's modules.
data = ["/usr/share/qemu", "/usr/share/seabios", "/usr/lib/ipxe", "/usr/lib/u-boot",
        "/usr/share/AAVMF", "/usr/share/OVMF", "/usr/share/ovmf", "/usr/share/edk2",
        "/usr/share/opensbi", "/usr/lib/qemu"]
data += glob.glob("/usr/share/qemu-efi*") + glob.glob("/usr/lib/*/opensbi")
data += glob.glob("/usr/lib/*/qemu")
for d in list(data):
    # Follow the firmware directories' symbolic links to where they point.
    if not os.path.isdir(d):
        continue
    for e in os.listdir(d):
        p = os.path.join(d, e)
        if os.path.islink(p):
            t = os.path.dirname(os.path.realpath(p))
            if t not in data and t not in ("/", "/usr", "/usr/lib", "/usr/share"):
                data.append(t)
top = [os.path.realpath(d) for d in data + ["/usr/bin", "/usr/sbin"]]
top = [d for i, d in enumerate(top) if os.path.isdir(d) and d not in top[:i]]
# Drop roots inside other roots.
top = [d for d in top if not any(d.startswith(o + "/") for o in top)]
prefixes = sorted(foreign)


def has_foreign_below(d):
    i = bisect.bisect_left(prefixes, d + "/")
    return i < len(prefixes) and prefixes[i].startswith(d + "/")


def status(p):
    """'hide', 'keep' or 'filter' (a directory with some hidden entries)."""
    if os.path.islink(p) or not os.path.isdir(p):
        return "hide" if p in foreign else "keep"
    if not has_foreign_below(p):
        return "keep"
    st = {e: status(os.path.join(p, e)) for e in os.listdir(p)}
    if st and all(v == "hide" for v in st.values()):
        return "hide"
    return "filter" if any(v != "keep" for v in st.values()) else "keep"


hidden = []
empty = os.path.join(scratch, "empty")
os.mkdir(empty)
libc = ctypes.CDLL(None, use_errno=True)
MS_BIND, MS_REC = 4096, 16384


def bind(src, dst, flags=0):
    if libc.mount(src.encode(), dst.encode(), None, MS_BIND | flags, None):
        e = ctypes.get_errno()
        raise OSError(e, "mount --bind %s %s: %s" % (src, dst, os.strerror(e)))


def collect(p):
    for dp, dn, fn in os.walk(p):
        hidden.extend(os.path.join(dp, f) for f in fn)


def build(src, dst):
    # Kept entries are bound in one by one (not linked to): a program
    # that finds its data relative to its own path (QEMU: ../share/qemu,
    # ../lib/ipxe/qemu) must see the filtered tree from there too.
    os.mkdir(dst)
    for e in sorted(os.listdir(src)):
        p, q = os.path.join(src, e), os.path.join(dst, e)
        s = status(p)
        if s == "hide":
            hidden.append(p)
            if not os.path.islink(p) and os.path.isdir(p):
                collect(p)
        elif os.path.islink(p):
            os.symlink(os.readlink(p), q)
        elif s == "filter":
            build(p, q)
        elif os.path.isdir(p):
            os.mkdir(q)
            bind(p, q, MS_REC)
        else:
            open(q, "w").close()
            bind(p, q)


report = {}
n = 0
for d in top:
    s = status(d)
    if s == "keep":
        continue
    before = len(hidden)
    if s == "hide":
        collect(d)
        target = empty
    else:
        n += 1
        target = os.path.join(scratch, "view%d" % n)
        build(d, target)
    for p in hidden[before:]:
        report.setdefault(d, set()).add(foreign.get(p, "?"))
    bind(target, d, MS_REC)

with open(os.path.join(scratch, "allowed"), "w") as fh:
    fh.write("".join(p + "\n" for p in sorted(allowed)))
with open(os.path.join(scratch, "hidden"), "w") as fh:
    fh.write("".join(p + "\n" for p in hidden))
pk = sorted({foreign.get(p, "?") for p in hidden})
summary = ("fresh-ns: %d packages allowed (make deps' closure + required), %d others installed; "
           "hid %d files of %d of them\n" % (len(allowed), len(pkgs) - len(allowed), len(hidden), len(pk)))
sys.stderr.write(summary)
with open(os.path.join(scratch, "report"), "w") as fh:
    fh.write(summary)
    for d, names in report.items():
        fh.write("fresh-ns:   %s: %s\n" % (d, " ".join(sorted(names))))
EOF
	echo "fresh-ns: could not set up the fresh view" >&2
	exit 125
fi
export XL_FRESH_NS=$scratch
exec "$@"
