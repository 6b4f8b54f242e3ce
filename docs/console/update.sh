#!/usr/bin/env bash
# Regenerate the README's console screenshots: the browser tests take them (tests/console), ImageMagick
# crops each to its first 1,000 px and cuts it to 48 colours (no dithering) so the PNGs stay small in git.
set -euo pipefail
cd "$(dirname "$0")/../.."
shots=$(mktemp -d)
ADDRCHECK_SCREENSHOTS=$shots python -m pytest -q -p no:randomly tests/console/test_console_browser.py
# /usr/bin/convert: Debian's imagemagick (apt-get install imagemagick), not a stand-in earlier on PATH
for name in check-picker audits warehouses-error orders print phone-check; do
  /usr/bin/convert "$shots/$name.png" -crop x1000+0+0 +repage +dither -colors 48 -strip "docs/console/$name.png"
done
ls -l docs/console/*.png
