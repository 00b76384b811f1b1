#!/usr/bin/env bash
# PostgreSQL 17 with Apache AGE in a Debian trixie chroot, for runic's AGE tests and lab.
#
# Builds ${RUNIC_CACHE:-$HOME/.cache/runic}/age-trixie once with debootstrap (minbase plus
# postgresql-17 and postgresql-17-age). A marker file records a finished build; a directory
# without it is an interrupted build and is rebuilt. Safe to run again: a complete chroot is
# left as it is. Non-interactive; needs root (or password-less sudo) for debootstrap.
set -euo pipefail

CACHE_DIR="${RUNIC_CACHE:-$HOME/.cache/runic}"
CHROOT_DIR="$CACHE_DIR/age-trixie"
MARKER="$CHROOT_DIR/.runic-age-complete"
# The package mirror: $RUNIC_DEBIAN_MIRROR, else the Debian mirror this host's apt uses,
# else none (debootstrap then picks its own default).
MIRROR="${RUNIC_DEBIAN_MIRROR:-}"
PACKAGES="postgresql-17,postgresql-17-age"
export DEBIAN_FRONTEND=noninteractive

log() { printf 'setup-age: %s\n' "$*"; }

# The first Debian archive URI in the host's apt sources (deb822 .sources or one-line .list).
host_debian_mirror() {
    local f
    for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        awk '
            /^[[:space:]]*#/ { next }
            tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i; next }
            $1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; break } }
        ' "$f"
    done | grep -E '/debian/?$' | head -n 1 | sed 's:/*$::'
}

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    log "debootstrap and chroot need root: run this script as root or with password-less sudo"
    exit 1
fi

started=$(date +%s)

if [ -f "$MARKER" ]; then
    log "chroot already complete at $CHROOT_DIR ($(cat "$MARKER")) — nothing to do"
    exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1 && [ ! -x /usr/sbin/debootstrap ]; then
    log "installing debootstrap with apt-get"
    "${SUDO[@]}" apt-get update -q </dev/null
    "${SUDO[@]}" apt-get install -y -q --no-install-recommends debootstrap </dev/null
fi
DEBOOTSTRAP="$(command -v debootstrap || echo /usr/sbin/debootstrap)"

if [ -e "$CHROOT_DIR" ]; then
    log "removing incomplete chroot at $CHROOT_DIR"
    "${SUDO[@]}" rm -rf --one-file-system "$CHROOT_DIR"
fi
mkdir -p "$CACHE_DIR"

[ -n "$MIRROR" ] || MIRROR=$(host_debian_mirror || true)
log "building Debian trixie chroot with $PACKAGES into $CHROOT_DIR (from ${MIRROR:-debootstrap's default mirror})"
build_log="$CACHE_DIR/age-trixie.debootstrap.log"
if ! "${SUDO[@]}" "$DEBOOTSTRAP" --variant=minbase --include="$PACKAGES" trixie "$CHROOT_DIR" ${MIRROR:+"$MIRROR"} \
        >"$build_log" 2>&1 </dev/null; then
    log "debootstrap failed; last lines of $build_log:"
    tail -n 30 "$build_log" >&2
    exit 1
fi

for needed in usr/lib/postgresql/17/bin/postgres usr/lib/postgresql/17/bin/initdb \
              usr/lib/postgresql/17/lib/age.so usr/share/postgresql/17/extension/age.control; do
    if [ ! -e "$CHROOT_DIR/$needed" ]; then
        log "the chroot lacks /$needed — the build is incomplete; see $build_log"
        exit 1
    fi
done
if ! grep -q '^postgres:' "$CHROOT_DIR/etc/passwd"; then
    log "the chroot has no 'postgres' user — the build is incomplete; see $build_log"
    exit 1
fi

age_version=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$CHROOT_DIR/usr/share/postgresql/17/extension/age.control")
elapsed=$(( $(date +%s) - started ))
printf 'postgresql-17 age-%s built %s in %ss\n' "$age_version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$elapsed" \
    | "${SUDO[@]}" tee "$MARKER" >/dev/null
log "chroot ready at $CHROOT_DIR: PostgreSQL 17 with Apache AGE $age_version (took ${elapsed}s)"
