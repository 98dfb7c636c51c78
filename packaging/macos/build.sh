#!/usr/bin/env bash
# Build Ping Desktop for macOS: "Ping Desktop.app" and a drag-to-Applications .dmg.
#
#   bash packaging/macos/build.sh            # build dist/PingDesktop-<version>-macos-<arch>.dmg
#   bash packaging/macos/build.sh --smoke    # and run the frozen app's --self-test
#
# Needs a Python with the project installed (pip install -e ".[packaging]"); PYTHON picks it
# (default: .venv/bin/python when it exists, else python3). Builds for the machine's own
# architecture (arm64 on Apple silicon, x86_64 on Intel): one .dmg per architecture.
#
# Signing and notarisation happen only when their credentials are present:
#   SIGNING_IDENTITY     "Developer ID Application: <Org> (<TEAMID>)" in the login keychain;
#                        every binary gets the hardened runtime + packaging/macos/entitlements.plist
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD   (app-specific password) for notarytool, or
#   APPLE_API_KEY_PATH, APPLE_API_KEY_ID, APPLE_API_ISSUER   (App Store Connect API key)
# Without them the app is ad-hoc signed, which runs on the build machine but is "damaged" for
# anyone who downloads it: never ship an unsigned, un-notarised .dmg.
#
# The oldest macOS the app supports is LSMinimumSystemVersion in packaging/macos/Info.plist.
# The build exports it as MACOSX_DEPLOYMENT_TARGET and fails when any Mach-O file in the app
# declares a newer minimum (LC_BUILD_VERSION minos), printing the file that does.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
if [ -z "${PYTHON:-}" ]; then
    if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
SMOKE=0
for arg in "$@"; do
    case "$arg" in
        --smoke) SMOKE=1 ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "Unknown option: $arg" >&2; exit 2 ;;
    esac
done

VERSION=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' ping_desktop/__init__.py)
ARCH=$(uname -m)
BUILD="$ROOT/build/macos"
APP="$BUILD/dist/Ping Desktop.app"
DMG="$ROOT/dist/PingDesktop-$VERSION-macos-$ARCH.dmg"
ENTITLEMENTS="$ROOT/packaging/macos/entitlements.plist"
START=$(date +%s)

fail() { echo "FAILED: $*" >&2; exit 1; }
log() { printf '\n=== %s\n' "$*"; }
note() {  # a notice for whoever reads the log; an annotation on the run's page in GitHub Actions
    echo "NOTE: $*"
    if [ "${GITHUB_ACTIONS:-}" = true ]; then echo "::warning::$*"; fi
}

MIN_MACOS=$(/usr/libexec/PlistBuddy -c 'Print :LSMinimumSystemVersion' packaging/macos/Info.plist)
export MACOSX_DEPLOYMENT_TARGET="$MIN_MACOS"

macho_minos() {  # the newest minimum macOS a Mach-O file declares (any of its architectures)
    otool -l "$1" 2>/dev/null | awk '
        /cmd LC_BUILD_VERSION/ { build = 1; next }
        /cmd LC_VERSION_MIN_MACOSX/ { old = 1; next }
        /cmd / { build = 0; old = 0 }
        build && $1 == "minos" { print $2 }
        old && $1 == "version" { print $2 }' | sort -V | tail -1
}

check_macos_floor() {  # $1: the .app; fails if a binary needs a newer macOS than Info.plist says
    local f v floor="0" floor_file="" plist_min
    plist_min=$(/usr/libexec/PlistBuddy -c 'Print :LSMinimumSystemVersion' "$1/Contents/Info.plist")
    [ "$plist_min" = "$MIN_MACOS" ] || fail "the built app says LSMinimumSystemVersion=$plist_min, packaging/macos/Info.plist $MIN_MACOS"
    while IFS= read -r -d '' f; do
        case "$(file -b "$f")" in *Mach-O*) ;; *) continue ;; esac
        v=$(macho_minos "$f")
        [ -n "$v" ] || continue
        if [ "$(printf '%s\n' "$floor" "$v" | sort -V | tail -1)" != "$floor" ]; then
            floor=$v
            floor_file=${f#"$1/"}
        fi
    done < <(find "$1" -type f -print0)
    echo "macOS floor: $floor (set by $floor_file); Info.plist promises $MIN_MACOS"
    if [ "$(printf '%s\n' "$floor" "$MIN_MACOS" | sort -V | tail -1)" != "$MIN_MACOS" ]; then
        fail "$floor_file needs macOS $floor, newer than LSMinimumSystemVersion $MIN_MACOS: raise the minimum (Info.plist, README, workflow) or pin an older wheel"
    fi
}

notarize() {  # $1: file to submit (.zip or .dmg)
    local auth=()
    if has_api_key; then
        auth=(--key "$APPLE_API_KEY_PATH" --key-id "$APPLE_API_KEY_ID" --issuer "$APPLE_API_ISSUER")
    else
        auth=(--apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD")
    fi
    xcrun notarytool submit "$1" "${auth[@]}" --wait --timeout 30m
}

can_notarize() {
    [ -n "${SIGNING_IDENTITY:-}" ] && { has_api_key \
        || { [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] && [ -n "${APPLE_APP_PASSWORD:-}" ]; }; }
}

has_api_key() {  # an App Store Connect API key: all three parts, or none
    [ -n "${APPLE_API_KEY_PATH:-}" ] || return 1
    [ -f "$APPLE_API_KEY_PATH" ] || fail "APPLE_API_KEY_PATH: no such file $APPLE_API_KEY_PATH"
    [ -n "${APPLE_API_KEY_ID:-}" ] && [ -n "${APPLE_API_ISSUER:-}" ] \
        || fail "APPLE_API_KEY_PATH is set: APPLE_API_KEY_ID and APPLE_API_ISSUER are needed too"
}

log "icon (iconutil)"
rm -rf "$BUILD"
mkdir -p "$BUILD" "$ROOT/dist"
"$PYTHON" packaging/render_icons.py --iconset "$BUILD"
iconutil -c icns "$BUILD/ping-desktop.iconset" -o "$BUILD/ping-desktop.icns"
export PING_DESKTOP_ICNS="$BUILD/ping-desktop.icns"

log "PyInstaller .app ($ARCH)"
# With SIGNING_IDENTITY set, the spec has PyInstaller sign every binary with the hardened
# runtime and our entitlements; without it PyInstaller signs ad hoc.
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$BUILD/dist" --workpath "$BUILD/work" packaging/ping_desktop.spec
[ -x "$APP/Contents/MacOS/ping-desktop" ] || fail "PyInstaller did not produce $APP"
[ -x "$APP/Contents/MacOS/ping-desktop-cli" ] || fail "the CLI is missing from $APP"
rank=$(/usr/libexec/PlistBuddy -c 'Print :CFBundleDocumentTypes:0:LSHandlerRank' "$APP/Contents/Info.plist")
[ "$rank" = Alternate ] || fail "Info.plist must offer spreadsheets as Alternate (never the default)"
check_macos_floor "$APP"

if [ -n "${SIGNING_IDENTITY:-}" ]; then
    log "signing the app"
    codesign --force --options runtime --timestamp --entitlements "$ENTITLEMENTS" \
        --sign "$SIGNING_IDENTITY" "$APP"
    codesign --verify --deep --strict --verbose=2 "$APP"
else
    note "SIGNING_IDENTITY not set: the app is only ad-hoc signed (not distributable)"
fi

if [ "$SMOKE" -eq 1 ]; then
    log "smoke test: --self-test"
    t=$(date +%s)
    QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/ping-desktop" --self-test \
        || fail "the frozen app's --self-test failed"
    echo "self-test passed in $(( $(date +%s) - t ))s"
    "$APP/Contents/MacOS/ping-desktop-cli" --version
fi

if can_notarize; then
    log "notarising the app"
    ditto -c -k --keepParent "$APP" "$BUILD/app.zip"
    notarize "$BUILD/app.zip"
    xcrun stapler staple "$APP"
fi

log "disk image"
STAGE="$BUILD/dmg"
rm -rf "$STAGE" "$DMG"
mkdir -p "$STAGE"
ditto "$APP" "$STAGE/Ping Desktop.app"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "Ping Desktop" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"

if [ -n "${SIGNING_IDENTITY:-}" ]; then
    codesign --force --timestamp --sign "$SIGNING_IDENTITY" "$DMG"
fi
if can_notarize; then
    log "notarising the disk image"
    notarize "$DMG"
    xcrun stapler staple "$DMG"
    spctl --assess --type open --context context:primary-signature --verbose "$DMG"
else
    note "notarisation skipped (needs SIGNING_IDENTITY and APPLE_* credentials): browsers will call this .dmg damaged"
fi

bundle_kb=$(du -sk "$APP" | cut -f1)
dmg_bytes=$(stat -f %z "$DMG")
echo "build time: $(( $(date +%s) - START ))s; app $((bundle_kb / 1024)) MB; dmg $((dmg_bytes / 1048576)) MB ($DMG)"
[ "$dmg_bytes" -lt $((80 * 1000 * 1000)) ] || fail "the .dmg is over 80 MB"
