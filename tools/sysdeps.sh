#!/usr/bin/env bash
# Installs the Debian packages OwnWork needs that are missing, and nothing that is already there.
# Qt's wheels bring Qt itself but rely on a few system libraries; a bare Debian also lacks the
# venv module; PyInstaller needs binutils (objdump) to build the bundle.  Every tool a test or
# a check uses is installed here too (poppler's pdftotext and pdffonts for the PDF tests; a
# small CJK font, WenQuanYi Micro Hei, and fontconfig's fc-match, through which the documents
# find a font for Chinese, Japanese and Korean names; desktop-file-validate for the bundle check; PostgreSQL's server for the storage
# tests that run on both kinds of store; openssl to make the TLS tests' and the bundle checks'
# certificates): under CI a test never skips for a missing tool, it
# fails.  The Windows build and its check (packaging/windows/) run the Windows Python and the
# installed MSI under 64-bit wine (no 32-bit wine, so no i386 architecture), compile test-only
# DLLs with mingw, build the MSI with msitools' wixl, and give wine an X display with Xvfb.
# Uses sudo only when not already root.
set -euo pipefail

packages=(
    python3-venv
    libegl1 libgl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3 libnss3
    libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
    libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libx11-xcb1
    fonts-dejavu-core
    binutils
    poppler-utils desktop-file-utils
    fonts-wqy-microhei fontconfig
    postgresql
    openssl
    wine64 wine msitools wixl gcc-mingw-w64-x86-64 xvfb xauth
)

# python3-venv only matters when the interpreter in use cannot create a venv by itself.
if "${PYTHON:-python3}" -c 'import ensurepip, venv' 2>/dev/null; then
    packages=("${packages[@]:1}")
fi

# PyInstaller bundles the interpreter's shared library; Debian ships it separately for the
# system Python (a self-built or pyenv Python carries its own).
if "${PYTHON:-python3}" -c 'import sys; sys.exit(0 if sys.base_prefix == "/usr" else 1)' 2>/dev/null; then
    packages+=("libpython$("${PYTHON:-python3}" -c 'import sys; print("%d.%d" % sys.version_info[:2])')")
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "sysdeps: not a Debian-like system; install Qt's system libraries by hand" >&2
    exit 0
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "sysdeps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
