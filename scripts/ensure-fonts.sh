#!/usr/bin/env bash
# Make sure a CJK font that the contract PDF renderer (fpdf2) can embed is installed, and print
# its path. WenQuanYi Zen Hei (Debian `fonts-wqy-zenhei`) has TrueType outlines, which fpdf2
# embeds and subsets; Noto CJK is CFF-flavoured OpenType, which it does not.
# Idempotent; needs root (or passwordless sudo) only when the package is missing.
# The renderer also takes the setting OPENLICENSE_PDF_FONT=/path/to/font.ttf|.ttc (env or .env).
set -euo pipefail

PACKAGE="fonts-wqy-zenhei"
FONT="/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo -n"; fi

installed() {
  dpkg-query -W -f='${Status}' "$PACKAGE" 2>/dev/null | grep -q "install ok installed"
}

if ! installed || [ ! -f "$FONT" ]; then
  echo "==> installing ${PACKAGE} (Debian package)" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$PACKAGE" >/dev/null
fi

if [ ! -f "$FONT" ]; then
  echo "error: ${PACKAGE} is installed but ${FONT} is missing" >&2
  exit 1
fi
echo "$FONT"
