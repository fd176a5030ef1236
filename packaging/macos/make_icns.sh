#!/usr/bin/env bash
# Make build/OwnWork.icns for the macOS bundle (run on macOS, before `make bundle`).
# iconutil ships with macOS only, so the .icns is not committed; the PNG sizes it needs,
# including 1024 px, are rendered from resources/icons/ownwork.svg.
set -euo pipefail
cd "$(dirname "$0")/../.."
iconset=build/OwnWork.iconset
rm -rf "$iconset"
mkdir -p build
.venv/bin/python packaging/make_icons.py --iconset "$iconset"
iconutil --convert icns --output build/OwnWork.icns "$iconset"
echo "wrote build/OwnWork.icns"
