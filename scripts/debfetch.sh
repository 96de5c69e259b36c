#!/usr/bin/env bash
# Download Debian binary packages for a foreign architecture/suite into a
# directory, with a private apt state directory. The system's apt
# configuration is never touched. The mirror is read from the system's apt
# sources at run time.
#
# usage: scripts/debfetch.sh ARCH SUITE DESTDIR PKG...
#   Each PKG is downloaded (a metapackage is resolved to the package it
#   depends on when it is named as 'meta:NAME:PREFIX') and unpacked into
#   DESTDIR/root; the .deb files stay in DESTDIR/debs.
set -euo pipefail

arch=$1 suite=$2 dest=$3
shift 3

mirror() {
	local m=""
	if [ -n "${XL_DEBIAN_MIRROR:-}" ]; then
		echo "$XL_DEBIAN_MIRROR"
		return
	fi
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		m=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' "$f" |
			grep -E '/debian/?$' | head -n 1 || true)
		[ -n "$m" ] && break
	done
	if [ -z "$m" ]; then
		m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' |
			grep -E '/debian/?$' | head -n 1 || true)
	fi
	[ -n "$m" ] || { echo "debfetch: no Debian mirror found in the apt sources" >&2; exit 1; }
	echo "${m%/}"
}

m=$(mirror)
state=$dest/apt
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" \
	"$state/etc/preferences.d" "$dest/debs" "$dest/root"
: >"$state/status"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb [arch=$arch signed-by=$keyring] $m $suite main" >"$state/etc/sources.list"

aptopts=(
	-o "APT::Architecture=$arch"
	-o "APT::Architectures::=$arch"
	-o "Dir::State=$state"
	-o "Dir::State::status=$state/status"
	-o "Dir::Cache=$state/cache"
	-o "Dir::Etc::SourceList=$state/etc/sources.list"
	-o "Dir::Etc::SourceParts=/nonexistent"
	-o "Dir::Etc::Preferences=/nonexistent"
	-o "Dir::Etc::PreferencesParts=$state/etc/preferences.d"
	-o "Debug::NoLocking=1"
	-o "APT::Sandbox::User=root"
)

# A list fetched within the last day is reused.
if [ -z "$(find "$state/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null)" ]; then
	apt-get "${aptopts[@]}" -q update >"$dest/apt-update.log" 2>&1 || {
		cat "$dest/apt-update.log" >&2
		echo "debfetch: apt-get update failed for $suite/$arch" >&2
		exit 1
	}
fi

for spec in "$@"; do
	pkg=$spec
	case $spec in
	meta:*)
		# meta:NAME:PREFIX - the first dependency of NAME starting with PREFIX
		IFS=: read -r _ name prefix <<<"$spec"
		pkg=$(apt-cache "${aptopts[@]}" depends "$name" 2>/dev/null |
			awk -v p="$prefix" '$1 == "Depends:" && index($2, p) == 1 { print $2; exit }')
		[ -n "$pkg" ] || { echo "debfetch: cannot resolve $name" >&2; exit 1; }
		;;
	esac
	ver=$(apt-cache "${aptopts[@]}" policy "$pkg" | awk '/Candidate:/ { print $2 }')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || { echo "debfetch: $pkg not found in $suite/$arch" >&2; exit 1; }
	# Architecture-independent packages (QEMU's data, OpenSBI) end in _all.
	deb=$(ls "$dest/debs/${pkg}_"*"_$arch.deb" "$dest/debs/${pkg}_"*_all.deb 2>/dev/null | head -n 1 || true)
	if [ -z "$deb" ] || [ ! -f "$dest/root/.stamp-$pkg-$ver" ]; then
		rm -f "$dest/debs/${pkg}_"*.deb
		(cd "$dest/debs" && apt-get "${aptopts[@]}" -q download "$pkg=$ver" >/dev/null) || {
			echo "debfetch: downloading $pkg $ver from $m ($suite) failed" >&2
			exit 1
		}
		deb=$(ls "$dest/debs/${pkg}_"*"_$arch.deb" "$dest/debs/${pkg}_"*_all.deb 2>/dev/null | head -n 1 || true)
		[ -n "$deb" ] || { echo "debfetch: $pkg downloaded but no .deb in $dest/debs" >&2; exit 1; }
		dpkg-deb -x "$deb" "$dest/root"
		touch "$dest/root/.stamp-$pkg-$ver"
	fi
	echo "debfetch: $pkg $ver ($arch, $suite)"
done
