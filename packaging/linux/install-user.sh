#!/bin/sh
# Ping Desktop, portable Linux build: add (or remove) the menu entry for the current user.
#
#   ./install-user.sh              menu entry + icon + ping-desktop / ping-desktop-cli in ~/.local/bin
#   ./install-user.sh --uninstall  remove them again (the unpacked folder and your data stay)
#
# No root needed: everything goes under ~/.local. The app runs from the folder this script is
# in, so move the folder first if you want it elsewhere, then run the script again. The entry
# offers "Open with Ping Desktop" for .xlsx/.xls/.csv files without becoming their default app.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
DATA_HOME=${XDG_DATA_HOME:-"$HOME/.local/share"}
APPS="$DATA_HOME/applications"
ICONS="$DATA_HOME/icons/hicolor"
BIN="$HOME/.local/bin"
SIZES="16 24 32 48 64 128 256 512"

refresh() {
    # Optional tools: menus pick the entry up on the next login without them.
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$APPS" || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t "$ICONS" 2>/dev/null || true
    fi
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$APPS/com.pingintel.PingDesktop.desktop" "$ICONS/scalable/apps/ping-desktop.svg"
    for size in $SIZES; do rm -f "$ICONS/${size}x${size}/apps/ping-desktop.png"; done
    for exe in ping-desktop ping-desktop-cli; do
        # Only remove links that point into this folder, never someone else's program.
        if [ -L "$BIN/$exe" ] && [ "$(readlink "$BIN/$exe")" = "$HERE/ping-desktop/$exe" ]; then
            rm -f "$BIN/$exe"
        fi
    done
    refresh
    echo "Ping Desktop's menu entry was removed. Delete $HERE to remove the app itself."
    exit 0
fi

if [ ! -x "$HERE/ping-desktop/ping-desktop" ]; then
    echo "The app folder $HERE/ping-desktop is missing; unpack the whole archive again." >&2
    exit 1
fi

mkdir -p "$APPS" "$ICONS/scalable/apps" "$BIN"
for size in $SIZES; do
    mkdir -p "$ICONS/${size}x${size}/apps"
    cp "$HERE/icons/ping-desktop-$size.png" "$ICONS/${size}x${size}/apps/ping-desktop.png"
done
cp "$HERE/icons/ping-desktop.svg" "$ICONS/scalable/apps/ping-desktop.svg"

# The shipped entry runs `ping-desktop` from PATH; point it at this folder instead.
sed -e "s|^Exec=ping-desktop |Exec=\"$HERE/ping-desktop/ping-desktop\" |" \
    -e "s|^TryExec=ping-desktop\$|TryExec=$HERE/ping-desktop/ping-desktop|" \
    "$HERE/com.pingintel.PingDesktop.desktop" > "$APPS/com.pingintel.PingDesktop.desktop"
chmod 644 "$APPS/com.pingintel.PingDesktop.desktop"

for exe in ping-desktop ping-desktop-cli; do
    ln -sfn "$HERE/ping-desktop/$exe" "$BIN/$exe"
done
refresh
echo "Ping Desktop is in your applications menu (and 'ping-desktop-cli' is in $BIN)."
