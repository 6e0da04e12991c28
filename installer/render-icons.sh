#!/usr/bin/env bash
# Renders resources/icons/tern.svg to the PNG sizes the package installs (resources/icons/png/),
# then packs them into tern.ico (Windows) and tern.icns (macOS).
# Run by hand after changing the SVG and commit the PNGs: the build does not need rsvg-convert.
# Needs rsvg-convert (Debian: librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/../resources/icons"
mkdir -p png
for size in 16 22 24 32 48 64 128 256 512; do
  rsvg-convert --width "$size" --height "$size" tern.svg --output "png/tern-$size.png"
done
echo "render-icons: wrote $(ls png | wc -l) PNGs to resources/icons/png"
python3 ../../installer/make-icon-containers.py
