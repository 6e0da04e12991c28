#!/usr/bin/env python3
"""Packs the rendered PNGs (resources/icons/png/) into resources/icons/tern.ico (Windows: the
installer's and tern.exe's icon) and resources/icons/tern.icns (macOS bundle icon). Both formats
may hold PNG images as they are: ICO since Windows Vista (ICONDIR + ICONDIRENTRY table, then the
PNG bytes), ICNS as typed chunks ("icp4" 16 px, "icp5" 32, "icp6" 64, "ic07" 128, "ic08" 256,
"ic09" 512). Standard library only; run by installer/render-icons.sh."""
import os
import struct
import sys

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "icons")


def png(size):
    with open(os.path.join(here, "png", f"tern-{size}.png"), "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"tern-{size}.png is not a PNG")
    return data


def write_ico(sizes):
    images = [png(s) for s in sizes]
    out = struct.pack("<HHH", 0, 1, len(images))  # reserved, type 1 = icon, count
    offset = 6 + 16 * len(images)
    for size, data in zip(sizes, images):
        dim = 0 if size >= 256 else size  # 0 means 256
        out += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    with open(os.path.join(here, "tern.ico"), "wb") as f:
        f.write(out + b"".join(images))


def write_icns(types):
    body = b""
    for kind, size in types:
        data = png(size)
        body += kind + struct.pack(">I", 8 + len(data)) + data
    with open(os.path.join(here, "tern.icns"), "wb") as f:
        f.write(b"icns" + struct.pack(">I", 8 + len(body)) + body)


write_ico([16, 24, 32, 48, 64, 256])
write_icns([(b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512)])
print("make-icon-containers: wrote resources/icons/tern.ico and tern.icns")
