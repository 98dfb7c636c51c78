#!/usr/bin/env bash
# Build Ping Desktop for Linux: the PyInstaller folder, a portable .tar.gz and a .deb.
#
#   bash packaging/linux/build.sh            # build into dist/
#   bash packaging/linux/build.sh --smoke    # build, then unpack the .deb into a temporary root
#                                            # and run the frozen app's --self-test there
#   bash packaging/linux/build.sh --smoke-only   # only the smoke test of the existing dist/*.deb
#
# Works on a fresh Debian/Ubuntu machine as root (or with sudo): missing build tools are
# installed with apt-get, and the virtualenv is created by dev.py when it does not exist yet.
# Build on the oldest distribution you support: the bundle needs a glibc at least as new as
# the newest one any bundled file asks for, which is at most the build machine's. The build
# prints this "glibc floor" (and the file that sets it) and puts it in the .deb's Depends;
# with PING_DESKTOP_MAX_GLIBC=2.35 (the release workflow sets it) a higher floor fails the build.
# Exits non-zero on any failure. Prints build time, sizes and the floor, and writes them to
# dist/linux-build-report.txt. Needs about 1 GB free in build/ and dist/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
PY="$ROOT/.venv/bin/python"
BUILD="$ROOT/build/linux"
DIST="$ROOT/dist"
BUNDLE="$BUILD/dist/ping-desktop"
VERSION=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' ping_desktop/__init__.py)
DEB_ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
ARCH=$(uname -m)
DEB="$DIST/ping-desktop_${VERSION}_${DEB_ARCH}.deb"
TARNAME="ping-desktop-${VERSION}-linux-${ARCH}"
TARBALL="$DIST/$TARNAME.tar.gz"
REPORT="$DIST/linux-build-report.txt"
MAINTAINER=${DEB_MAINTAINER:-"Ping Desktop maintainers <ping-desktop@users.invalid>"}
# Not bundled by PyInstaller (graphics drivers, the C library...) or read from the system
# (fontconfig's configuration, fonts): the .deb depends on them. Libraries the bundle links
# against but does not carry are added to this list automatically below.
BASE_DEPENDS=(libfontconfig1 libegl1 libgl1 libxcb1 libxkbcommon0 libdbus-1-3)
# Where the .deb puts the app: under /usr/lib, which other packages own too, so removing the
# .deb never leaves dpkg trying to remove a directory (/opt) it thinks it alone owned.
DEB_APPDIR=usr/lib/ping-desktop
MAX_GLIBC=${PING_DESKTOP_MAX_GLIBC:-}

SMOKE=0
BUILD_IT=1
for arg in "$@"; do
    case "$arg" in
        --smoke) SMOKE=1 ;;
        --smoke-only) SMOKE=1; BUILD_IT=0 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "Unknown option: $arg (try --help)" >&2; exit 2 ;;
    esac
done

log() { printf '\n=== %s\n' "$*"; }
# Qt's offscreen platform does not implement window size hints and says so for every window
# with a minimum size; harmless, and it buried the smoke test's real output.
drop_offscreen_noise() { grep -vxF 'This plugin does not support propagateSizeHints()' >&2 || true; }
fail() { echo "FAILED: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
human() { numfmt --to=iec-i --suffix=B --format='%.1f' "$1"; }

apt_install() {  # install the named Debian packages that are not installed yet
    local pkg missing=()
    local status
    for pkg in "$@"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        [[ "$status" == *"install ok installed"* ]] || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || fail "please install: ${missing[*]} (not root, no sudo)"
        sudo=(sudo)
    fi
    log "installing: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_tools() {
    # binutils: PyInstaller reads ELF dependencies with objdump and strips with strip.
    # desktop-file-utils: validates the menu entry we ship.
    # xvfb, weston: the smoke test also runs the app on a real X server and a real Wayland
    # compositor (headless), since offscreen loads neither platform plugin nor their libraries.
    apt_install binutils dpkg xz-utils desktop-file-utils xvfb xauth weston
}

ensure_venv() {
    if [ ! -x "$PY" ]; then
        log "creating .venv (dev.py)"
        python3 -c 'import dev; dev.ensure_system_packages(); dev.ensure_venv()'
    fi
    if ! "$PY" -c 'import PyInstaller' 2>/dev/null; then
        log "installing PyInstaller (the project's 'packaging' extra)"
        "$PY" -m pip install -q -e "${ROOT}[packaging]"
    fi
}

build_bundle() {
    log "PyInstaller one-folder bundle"
    rm -rf "$BUILD/dist" "$BUILD/work"
    "$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
        --distpath "$BUILD/dist" --workpath "$BUILD/work" packaging/ping_desktop.spec
    if [ ! -x "$BUNDLE/ping-desktop" ] || [ ! -x "$BUNDLE/ping-desktop-cli" ]; then
        fail "PyInstaller did not produce both programs in $BUNDLE"
    fi
    # The GTK3 theme pulls the host's GTK stack in; the spec keeps it out. Prove it.
    # (Captured, not piped into grep -q: with pipefail an early grep exit fails the pipe.)
    local gtk
    gtk=$(find "$BUNDLE" -name 'libqgtk3*' -o -name 'libgtk-3*')
    [ -z "$gtk" ] || fail "GTK3 ended up in the bundle ($gtk); check KEEP_PLUGINS in the spec"
}

stage_icons() {  # $1: hicolor root to fill
    local size
    for size in 16 24 32 48 64 128 256 512; do
        install -Dm644 "resources/icons/ping-desktop-$size.png" "$1/${size}x${size}/apps/ping-desktop.png"
    done
    install -Dm644 resources/icons/ping-desktop.svg "$1/scalable/apps/ping-desktop.svg"
}

build_tarball() {
    log "portable archive $TARBALL"
    local stage="$BUILD/tar/$TARNAME"
    rm -rf "$BUILD/tar"
    mkdir -p "$stage/icons" "$DIST"
    cp -a "$BUNDLE" "$stage/ping-desktop"
    install -m644 packaging/linux/com.pingintel.PingDesktop.desktop "$stage/"
    install -m755 packaging/linux/install-user.sh "$stage/install-user.sh"
    cp resources/icons/ping-desktop-*.png resources/icons/ping-desktop.svg "$stage/icons/"
    cat > "$stage/README.txt" <<EOF
Ping Desktop $VERSION for Linux ($ARCH), portable build.

Run it from here:          ./ping-desktop/ping-desktop
Add it to your app menu:   ./install-user.sh          (no root needed; --uninstall removes it)
Command line:              ./ping-desktop/ping-desktop-cli --help
EOF
    tar -C "$BUILD/tar" -cf - "$TARNAME" | gzip -9 > "$TARBALL"
}

# Oldest LTS releases by glibc version: what a given floor still installs on.
DISTRO_GLIBC=("Ubuntu 20.04:2.31" "Debian 11:2.31" "Ubuntu 22.04:2.35" "Debian 12:2.36"
    "Ubuntu 24.04:2.39" "Debian 13:2.41")

version_le() { [ "$(printf '%s\n' "$1" "$2" | sort -V | head -1)" = "$1" ]; }  # $1 <= $2

glibc_floor() {  # sets GLIBC_FLOOR, the newest glibc symbol version any bundled file needs,
    # and GLIBC_FLOOR_FILES, the files that need it
    local f v
    GLIBC_FLOOR=0
    GLIBC_FLOOR_FILES=()
    while IFS= read -r -d '' f; do
        v=$(objdump -T "$f" 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' \
            | sort -V | tail -1 || true)
        [ -n "$v" ] || continue
        if [ "$v" = "$GLIBC_FLOOR" ]; then
            GLIBC_FLOOR_FILES+=("${f#"$BUNDLE/"}")
        elif ! version_le "$v" "$GLIBC_FLOOR"; then
            GLIBC_FLOOR=$v
            GLIBC_FLOOR_FILES=("${f#"$BUNDLE/"}")
        fi
    done < <(find "$BUNDLE" -type f \( -name '*.so*' -o -perm -u+x \) -print0)
    local entry distro seen=" " runs_on=()
    for entry in "${DISTRO_GLIBC[@]}"; do  # the oldest release of each that is new enough
        distro=${entry%% *}
        if version_le "$GLIBC_FLOOR" "${entry#*:}" && [[ "$seen" != *" $distro "* ]]; then
            runs_on+=("${entry%%:*}+")
            seen+="$distro "
        fi
    done
    GLIBC_RUNS_ON=$(printf '%s, ' "${runs_on[@]}" | sed 's/, $//')
}

check_glibc_floor() {  # print the floor; fail when it is above PING_DESKTOP_MAX_GLIBC
    glibc_floor
    echo "glibc floor:   $GLIBC_FLOOR (needed by ${GLIBC_FLOOR_FILES[*]:0:3}); installs on $GLIBC_RUNS_ON"
    if [ -n "$MAX_GLIBC" ] && ! version_le "$GLIBC_FLOOR" "$MAX_GLIBC"; then
        fail "the bundle needs glibc $GLIBC_FLOOR, above PING_DESKTOP_MAX_GLIBC=$MAX_GLIBC: build on the oldest distribution the README names (the workflow's ubuntu-22.04 job)"
    fi
}

compute_depends() {
    # Every shared library some bundled file needs but the bundle does not carry, mapped to
    # the Debian package that provides it here; plus the glibc floor (check_glibc_floor).
    local needed have lib path pkg deps=("${BASE_DEPENDS[@]}")
    needed=$(find "$BUNDLE" -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
        | xargs -0 objdump -p 2>/dev/null | awk '/^ *NEEDED/ {print $2}' | sort -u)
    have=$(find "$BUNDLE" -name '*.so*' -printf '%f\n' | sort -u)
    for lib in $(comm -23 <(echo "$needed") <(echo "$have")); do
        # Parts of glibc itself (libc6): already covered by the libc6 floor.
        case "$lib" in ld-linux*|libc.so.*|libm.so.*|libdl.so.*|libpthread.so.*|librt.so.*|\
            libresolv.so.*|libutil.so.*|libanl.so.*) continue ;; esac
        path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64|aarch64|64bit/ {print $NF; exit}')
        [ -n "$path" ] || path=$(ldconfig -p | awk -v l="$lib" '$1 == l {print $NF; exit}')
        pkg=""
        # dpkg knows a file by the path its package installed (/lib/... on a merged-/usr
        # system), which readlink -f turns into /usr/lib/...: ask for both.
        [ -n "$path" ] && pkg=$(dpkg -S "$path" "$(readlink -f "$path")" 2>/dev/null \
            | head -1 | cut -d: -f1)
        # Not installed on this build machine: the usual Debian/Ubuntu package name.
        [ -n "$pkg" ] || pkg=$(echo "$lib" | sed -n 's/^\(lib[a-z0-9-]*\)\.so\.\([0-9]*\)$/\1\2/p')
        if [ -n "$pkg" ]; then deps+=("$pkg"); else echo "warning: no package provides $lib" >&2; fi
    done
    printf '%s\n' "libc6 (>= $GLIBC_FLOOR)" "${deps[@]}" | awk '!seen[$1]++' | paste -sd, | sed 's/,/, /g'
}

build_deb() {
    log "Debian package $DEB"
    local root="$BUILD/deb-root" depends installed_kb
    rm -rf "$root"
    mkdir -p "$root/DEBIAN" "$root/usr/lib" "$root/usr/bin" "$root/usr/share/applications" \
        "$root/usr/share/metainfo" "$root/usr/share/doc/ping-desktop"
    cp -a "$BUNDLE" "$root/$DEB_APPDIR"
    # Relative links, so the package also works unpacked somewhere else (the smoke test does).
    ln -s ../lib/ping-desktop/ping-desktop "$root/usr/bin/ping-desktop"
    ln -s ../lib/ping-desktop/ping-desktop-cli "$root/usr/bin/ping-desktop-cli"
    install -m644 packaging/linux/com.pingintel.PingDesktop.desktop "$root/usr/share/applications/"
    install -m644 packaging/linux/com.pingintel.PingDesktop.metainfo.xml "$root/usr/share/metainfo/"
    stage_icons "$root/usr/share/icons/hicolor"
    printf 'Ping Desktop %s\nCopyright: Ping. All rights reserved.\n' "$VERSION" \
        > "$root/usr/share/doc/ping-desktop/copyright"
    depends=$(compute_depends)
    installed_kb=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
    cat > "$root/DEBIAN/control" <<EOF
Package: ping-desktop
Version: $VERSION
Architecture: $DEB_ARCH
Maintainer: $MAINTAINER
Installed-Size: $installed_kb
Depends: $depends
Recommends: fonts-dejavu-core | fonts-liberation2, gnome-keyring | kwalletmanager
Section: misc
Priority: optional
Homepage: https://pingintel.com
Description: enrich statements of values (SOV spreadsheets) with Ping.Data
 Ping Desktop reads an SOV spreadsheet, maps its columns, sends the locations
 to the Ping.Data Bulk Enhance API and writes the user's own rows back with
 the results added. Includes ping-desktop-cli for the same work without a window.
EOF
    # Menus and icon caches refresh through dpkg triggers (desktop-file-utils,
    # hicolor-icon-theme), so no maintainer scripts are needed.
    find "$root" -type d -exec chmod 755 {} +
    mkdir -p "$DIST"
    dpkg-deb --build --root-owner-group -Zxz --threads-max="$(nproc)" "$root" "$DEB" >/dev/null
    dpkg-deb --info "$DEB" | sed -n '/Depends/p'
}

validate_metadata() {
    desktop-file-validate packaging/linux/com.pingintel.PingDesktop.desktop \
        || fail "packaging/linux/com.pingintel.PingDesktop.desktop is not a valid desktop entry"
    if command -v appstreamcli >/dev/null; then
        appstreamcli validate --no-net --pedantic packaging/linux/com.pingintel.PingDesktop.metainfo.xml \
            >/dev/null || appstreamcli validate --no-net packaging/linux/com.pingintel.PingDesktop.metainfo.xml \
            || fail "AppStream metainfo is invalid"
    fi
}

smoke() {
    log "smoke test of $DEB"
    [ -f "$DEB" ] || fail "$DEB does not exist; build it first"
    local tmp root home rc start
    tmp=$(mktemp -d)
    SMOKE_TMP=$tmp
    trap 'rm -rf "$SMOKE_TMP"' EXIT
    root="$tmp/root"
    home="$tmp/home"
    mkdir -p "$home"
    dpkg-deb -x "$DEB" "$root"
    # dpkg removes the directories a package lists; /opt is nobody's to take (dpkg warns on
    # removal when it is not empty). The app lives in its own folder under /usr/lib.
    local listing
    listing=$(dpkg-deb -c "$DEB" | awk '{print $NF}')
    if grep -qx './opt/' <<<"$listing"; then fail "the .deb lists /opt"; fi
    grep -qx "./$DEB_APPDIR/" <<<"$listing" || fail "the .deb lacks /$DEB_APPDIR"
    local deb_glibc
    deb_glibc=$(dpkg-deb -f "$DEB" Depends | sed -n 's/.*libc6 (>= \([0-9.]*\)).*/\1/p')
    [ -n "$deb_glibc" ] || fail "the .deb's Depends names no libc6 version"
    echo "glibc floor (the .deb's Depends): $deb_glibc"
    if [ -n "$MAX_GLIBC" ] && ! version_le "$deb_glibc" "$MAX_GLIBC"; then
        fail "the .deb needs glibc $deb_glibc, above PING_DESKTOP_MAX_GLIBC=$MAX_GLIBC"
    fi
    # Every package named in Depends must exist and be installable here (a dry run).
    apt-get install -s -qq --no-install-recommends "$DEB" >/dev/null \
        || fail "apt cannot satisfy the .deb's Depends: $(dpkg-deb -f "$DEB" Depends)"
    for f in usr/bin/ping-desktop usr/bin/ping-desktop-cli usr/share/applications/com.pingintel.PingDesktop.desktop \
        usr/share/icons/hicolor/256x256/apps/ping-desktop.png \
        "$DEB_APPDIR/_internal/resources/sample/sample-sov.xlsx" \
        "$DEB_APPDIR/_internal/resources/icons/ping-desktop.svg" \
        usr/share/metainfo/com.pingintel.PingDesktop.metainfo.xml; do
        [ -e "$root/$f" ] || fail "the .deb lacks $f"
    done
    # keyring finds its backends through its entry points: without them the frozen app
    # silently has no secure token store (jaraco/keyring#324).
    compgen -G "$root/$DEB_APPDIR/_internal/keyring-*.dist-info/entry_points.txt" >/dev/null \
        || fail "keyring's entry points are missing from the bundle"
    # A throwaway HOME: the frozen app must not need (or touch) the builder's profile.
    local -a env_run=(env -i PATH=/usr/bin:/bin HOME="$home" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen
        XDG_RUNTIME_DIR="$tmp")
    "${env_run[@]}" "$root/usr/bin/ping-desktop-cli" --version || fail "ping-desktop-cli --version"

    # The demo flow end to end through the real window, offscreen: sample in, enriched out.
    echo "+ ping-desktop --self-test (offscreen, unpacked .deb)"
    start=$(now)
    rc=0
    timeout 300 "${env_run[@]}" "$root/usr/bin/ping-desktop" --self-test \
        2> >(drop_offscreen_noise) || rc=$?
    SELFTEST_SECONDS=$(elapsed "$start")
    [ "$rc" -eq 0 ] || fail "the frozen app's --self-test exited with $rc"
    echo "self-test passed in ${SELFTEST_SECONDS}s"
    # As the windowed Windows build starts: no stdout/stderr at all (sys.stdout is None in
    # Python). Closed descriptors give the same here; only the exit code tells the result.
    echo "+ ping-desktop --self-test with stdout and stderr closed"
    start=$(now)
    rc=0
    timeout 300 "${env_run[@]}" "$root/usr/bin/ping-desktop" --self-test >&- 2>&- || rc=$?
    [ "$rc" -eq 0 ] || fail "the frozen app's --self-test without stdout/stderr exited with $rc"
    echo "self-test without stdout/stderr passed in $(elapsed "$start")s"
    # The self-test works in a temporary folder: nothing may appear in the user's profile.
    local leaked
    leaked=$(find "$home" -ipath '*PingDesktop*')
    [ -z "$leaked" ] || fail "--self-test wrote into the user's profile: $leaked"
    # What `apt install ./the.deb` would add (first alternative of each Depends), so the app
    # runs here as it would on a user's machine; and the X and Wayland servers for the test.
    ensure_tools
    # shellcheck disable=SC2046  # one word per package name
    apt_install $(dpkg-deb -f "$DEB" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/ //g')
    # Again on a real X server: offscreen does not load the xcb plugin and its libraries.
    echo "+ ping-desktop --self-test on Xvfb (xcb platform plugin)"
    start=$(now)
    rc=0
    # shellcheck disable=SC2016  # expanded by the inner shell, inside xvfb-run's display
    timeout 300 xvfb-run -a -s "-screen 0 1280x800x24" sh -c 'exec env -i PATH=/usr/bin:/bin \
        HOME="$1" LANG=C.UTF-8 DISPLAY="$DISPLAY" XAUTHORITY="$XAUTHORITY" XDG_RUNTIME_DIR="$2" \
        QT_QPA_PLATFORM=xcb "$3" --self-test' sh "$home" "$tmp" "$root/usr/bin/ping-desktop" \
        >"$tmp/xcb.log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        cat "$tmp/xcb.log" >&2
        fail "the frozen app's --self-test failed on X (xcb), exit $rc"
    fi
    grep -E "platform plugin|PASSED" "$tmp/xcb.log"
    echo "xcb self-test passed in $(elapsed "$start")s"
    smoke_wayland "$root/usr/bin/ping-desktop" "$home" "$tmp"
    # The CLI is frozen separately (no Qt): its emulator must start and answer too.
    smoke_emulator "$root" "$home"
    smoke_tarball
}

smoke_wayland() {  # $1 app, $2 HOME, $3 runtime dir: --self-test under a headless Weston
    local socket="ping-smoke-$$" pid rc=0 start
    XDG_RUNTIME_DIR="$3" weston --backend=headless-backend.so --socket="$socket" --idle-time=0 \
        >"$3/weston.log" 2>&1 &
    pid=$!
    for _ in $(seq 50); do [ -S "$3/$socket" ] && break; sleep 0.2; done
    if [ ! -S "$3/$socket" ]; then
        kill "$pid" 2>/dev/null || true
        cat "$3/weston.log" >&2
        fail "the headless Wayland compositor (weston) did not start"
    fi
    echo "+ ping-desktop --self-test on Weston (wayland platform plugin)"
    start=$(now)
    timeout 300 env -i PATH=/usr/bin:/bin HOME="$2" LANG=C.UTF-8 XDG_RUNTIME_DIR="$3" \
        WAYLAND_DISPLAY="$socket" QT_QPA_PLATFORM=wayland "$1" --self-test >"$3/wayland.log" 2>&1 \
        || rc=$?
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if [ "$rc" -ne 0 ]; then
        cat "$3/wayland.log" >&2
        fail "the frozen app's --self-test failed on Wayland, exit $rc"
    fi
    grep -E "platform plugin|PASSED" "$3/wayland.log"
    echo "wayland self-test passed in $(elapsed "$start")s"
}

smoke_tarball() {  # the portable archive holds the same app plus its per-user installer
    [ -f "$TARBALL" ] || fail "$TARBALL does not exist"
    local listing f
    listing=$(tar -tzf "$TARBALL")
    for f in ping-desktop/ping-desktop ping-desktop/ping-desktop-cli install-user.sh \
        com.pingintel.PingDesktop.desktop icons/ping-desktop.svg icons/ping-desktop-256.png \
        ping-desktop/_internal/resources/sample/sample-sov.xlsx; do
        grep -qx "$TARNAME/$f" <<<"$listing" || fail "the .tar.gz lacks $TARNAME/$f"
    done
    echo "portable archive: complete"
}

smoke_emulator() {  # $1 unpacked root, $2 HOME: a whole CLI run against the CLI's own emulator
    local log="$2/emulator.log" out="$2/cli-enriched.xlsx" pid url=""
    local -a env_cli=(env -i PATH=/usr/bin:/bin HOME="$2" LANG=C.UTF-8 PING_DESKTOP_HOME="$2/cli-home")
    "${env_cli[@]}" "$1/usr/bin/ping-desktop-cli" emulator --port 0 >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do
        url=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" || true)
        [ -n "$url" ] && break
        sleep 0.2
    done
    if [ -z "$url" ]; then
        kill "$pid" 2>/dev/null || true
        cat "$log" >&2
        fail "the frozen CLI's emulator did not start"
    fi
    echo "+ ping-desktop-cli enhance (sample, PG+PH) against $url"
    rc=0
    timeout 120 "${env_cli[@]}" PING_DATA_AUTH_TOKEN=demo "$1/usr/bin/ping-desktop-cli" enhance \
        "$1/$DEB_APPDIR/_internal/resources/sample/sample-sov.xlsx" --sources PG,PH \
        --api-url "$url" --output "$out" >"$2/enhance.log" 2>&1 || rc=$?
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if [ "$rc" -ne 0 ] || [ "$(head -c 2 "$out" 2>/dev/null)" != "PK" ]; then
        cat "$2/enhance.log" >&2
        fail "the frozen CLI's enhance run failed (exit $rc)"
    fi
    tail -1 "$2/enhance.log"
    # The frozen CLI has no Qt: export --map asks the windowed program beside it to draw.
    echo "+ ping-desktop-cli export 1 --summary, then --map (drawn by the window program)"
    "${env_cli[@]}" "$1/usr/bin/ping-desktop-cli" export 1 --summary >"$2/summary.log" 2>&1 \
        || { cat "$2/summary.log" >&2; fail "the frozen CLI's export --summary failed"; }
    grep -q "rows by outcome" "$2/summary.log" || { cat "$2/summary.log" >&2; fail "no summary"; }
    rc=0
    timeout 120 "${env_cli[@]}" "$1/usr/bin/ping-desktop-cli" export 1 --map "$2/map.png" \
        >"$2/map.log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ] || [ "$(head -c 4 "$2/map.png" 2>/dev/null | tail -c 3)" != "PNG" ]; then
        cat "$2/map.log" >&2
        fail "the frozen CLI's export --map failed (exit $rc)"
    fi
    cat "$2/map.log"
}

report() {
    local bundle_bytes deb_bytes tar_bytes
    bundle_bytes=$(du -sb "$BUNDLE" | cut -f1)
    deb_bytes=$(stat -c %s "$DEB")
    tar_bytes=$(stat -c %s "$TARBALL")
    {
        echo "Ping Desktop $VERSION Linux build ($(uname -m), glibc $(ldd --version | head -1 | awk '{print $NF}'))"
        echo "build time:    ${BUILD_SECONDS}s (PyInstaller ${PYI_SECONDS}s, tar.gz ${TAR_SECONDS}s, deb ${DEB_SECONDS}s)"
        echo "bundle:        $(human "$bundle_bytes") ($BUNDLE)"
        echo ".deb:          $(human "$deb_bytes") ($DEB)"
        echo ".tar.gz:       $(human "$tar_bytes") ($TARBALL)"
        echo "glibc floor:   $GLIBC_FLOOR (needed by ${GLIBC_FLOOR_FILES[*]:0:3}); installs on $GLIBC_RUNS_ON"
        [ "$SMOKE" -eq 1 ] && echo "self-test:     ${SELFTEST_SECONDS}s"
    } | tee "$REPORT"
    # The promise to users: a download under 80 MB.
    local limit=$((80 * 1000 * 1000))
    [ "$deb_bytes" -lt "$limit" ] || fail ".deb is over 80 MB"
    [ "$tar_bytes" -lt "$limit" ] || fail ".tar.gz is over 80 MB"
}

SELFTEST_SECONDS="not run"
if [ "$BUILD_IT" -eq 1 ]; then
    total=$(now)
    ensure_tools
    ensure_venv
    validate_metadata
    t=$(now); build_bundle; PYI_SECONDS=$(elapsed "$t"); echo "(${PYI_SECONDS}s)"
    check_glibc_floor
    t=$(now); build_tarball; TAR_SECONDS=$(elapsed "$t"); echo "(${TAR_SECONDS}s)"
    t=$(now); build_deb; DEB_SECONDS=$(elapsed "$t"); echo "(${DEB_SECONDS}s)"
    BUILD_SECONDS=$(elapsed "$total")
fi
if [ "$SMOKE" -eq 1 ]; then
    smoke
fi
if [ "$BUILD_IT" -eq 1 ]; then
    report
fi
log "done"
