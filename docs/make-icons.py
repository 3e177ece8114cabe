#!/usr/bin/env python3
"""Draws Authbar's toolbar icons (extension/icons/icon-{16,32,48,128}.png) with the standard library
only: a blue rounded square holding a white countdown ring (three quarters left) around a keyhole.
Each size is rendered at 8x and box-filtered down, so the small ones stay crisp. Run from the repo root:
    python3 docs/make-icons.py
"""
import math, struct, zlib

BLUE = (36, 86, 214)
WHITE = (255, 255, 255)

def coverage(size, x, y):
    """(r, g, b, a) at a point of the unit square [0, 1)^2."""
    # Rounded square with corner radius 0.22.
    r = 0.22
    dx = max(r - x, 0, x - (1 - r)); dy = max(r - y, 0, y - (1 - r))
    if dx * dx + dy * dy > r * r:
        return (0, 0, 0, 0)
    cx, cy = x - 0.5, y - 0.5
    d = math.hypot(cx, cy)
    # Countdown ring: radius 0.30, width 0.085, three quarters drawn (the gap at top right).
    angle = (math.degrees(math.atan2(cx, -cy)) + 360) % 360
    if abs(d - 0.30) < 0.0425 and angle > 90:
        return WHITE + (255,)
    # Keyhole: a circle and a tapering slot.
    if math.hypot(cx, cy + 0.04) < 0.085:
        return WHITE + (255,)
    if -0.02 < cy < 0.15 and abs(cx) < 0.035 + 0.2 * max(cy, 0) * 0.3:
        return WHITE + (255,)
    return BLUE + (255,)

def render(size, ss=8):
    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(ss):
                for sx in range(ss):
                    r, g, b, a = coverage(size, (px + (sx + .5) / ss) / size, (py + (sy + .5) / ss) / size)
                    acc[0] += r * a; acc[1] += g * a; acc[2] += b * a; acc[3] += a
            n = ss * ss
            a = acc[3] / n
            row += bytes([round(acc[0] / acc[3]) if acc[3] else 0, round(acc[1] / acc[3]) if acc[3] else 0,
                          round(acc[2] / acc[3]) if acc[3] else 0, round(a)])
        rows.append(bytes([0]) + bytes(row))
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', size, size, 8, 6, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(b''.join(rows), 9)) + chunk(b'IEND', b''))

for size in (16, 32, 48, 128):
    with open(f'extension/icons/icon-{size}.png', 'wb') as f:
        f.write(render(size))
