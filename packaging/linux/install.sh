#!/usr/bin/env bash
# Install OwnWork from the unpacked tarball, with a desktop menu entry.
#
#   ./install.sh              for the signed-in user (no administrator rights needed):
#                             ~/.local/opt/OwnWork, ~/.local/bin/ownwork, ~/.local/share/...
#   sudo ./install.sh --system   for every user of this computer:
#                             /opt/OwnWork, /usr/local/bin/ownwork, /usr/local/share/...
#   ./install.sh --uninstall  (or --system --uninstall) removes the program again.
#
# Records are never touched: they live in each user's data folder (see README.txt), not here.
set -euo pipefail

APP_ID=uk.ownwork.OwnWork
here="$(cd "$(dirname "$0")" && pwd)"
scope=user
action=install
for arg in "$@"; do
    case "$arg" in
        --system) scope=system ;;
        --uninstall) action=uninstall ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
    esac
done

if [ "$scope" = system ]; then
    prefix=/opt/OwnWork
    bin=/usr/local/bin
    share=/usr/local/share
else
    prefix="$HOME/.local/opt/OwnWork"
    bin="$HOME/.local/bin"
    share="${XDG_DATA_HOME:-$HOME/.local/share}"
fi

refresh_menus() {
    command -v update-desktop-database >/dev/null 2>&1 \
        && update-desktop-database -q "$share/applications" 2>/dev/null || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 \
        && gtk-update-icon-cache -q -t "$share/icons/hicolor" 2>/dev/null || true
}

if [ "$action" = uninstall ]; then
    rm -rf "$prefix"
    rm -f "$bin/ownwork" "$share/applications/$APP_ID.desktop" "$share/metainfo/$APP_ID.metainfo.xml"
    find "$share/icons/hicolor" -name "$APP_ID.*" -delete 2>/dev/null || true
    refresh_menus
    echo "OwnWork removed from $prefix (records in the data folders are kept)."
    exit 0
fi

rm -rf "$prefix.new"
mkdir -p "$prefix.new"
cp -a "$here/ownwork" "$here/_internal" "$here/LICENSE" "$here/THIRD_PARTY_NOTICES.txt" \
    "$here/README.txt" "$prefix.new/"
rm -rf "$prefix"
mv "$prefix.new" "$prefix"

mkdir -p "$bin" "$share/applications" "$share/metainfo"
ln -sf "$prefix/ownwork" "$bin/ownwork"
# The menu entry starts the installed program by its full path: ~/.local/bin is not always on
# the PATH a desktop session uses.
sed "s|^Exec=ownwork|Exec=\"$prefix/ownwork\"|" "$here/share/applications/$APP_ID.desktop" \
    > "$share/applications/$APP_ID.desktop"
cp "$here/share/metainfo/$APP_ID.metainfo.xml" "$share/metainfo/"
(cd "$here/share" && find icons -type f) | while read -r icon; do
    mkdir -p "$share/$(dirname "$icon")"
    cp "$here/share/$icon" "$share/$icon"
done
refresh_menus
echo "OwnWork installed in $prefix; start it from the desktop menu or with $bin/ownwork."
