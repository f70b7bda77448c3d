#!/usr/bin/env python3
"""Reads the PNG screenshots Chromium writes (8-bit RGB or RGBA, non-interlaced), with the
standard library only: counts the pixels of a rectangle that differ from the background, and
crops a rectangle to a new PNG (to look at one plot of a long page).

    png_tool.py count FILE X Y W H [BACKGROUND_HEX]   prints the number of non-background pixels
    png_tool.py crop FILE X Y W H OUT                  writes the rectangle as OUT
"""
import struct
import sys
import zlib


def read(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG file")
    position, chunks, header = 8, [], None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise SystemExit(f"{path}: only 8-bit RGB/RGBA, non-interlaced PNG is read (depth {depth}, colour type {colour})")
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows, previous, offset = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[offset], bytearray(raw[offset + 1:offset + 1 + stride])
        offset += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + predictor) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def pixel(rows, channels, x, y):
    start = x * channels
    return tuple(rows[y][start:start + 3])


def count(path, x, y, w, h, background="ffffff"):
    width, height, channels, rows = read(path)
    bg = tuple(int(background[i:i + 2], 16) for i in (0, 2, 4))
    total = 0
    for row in range(max(0, y), min(height, y + h)):
        for column in range(max(0, x), min(width, x + w)):
            if pixel(rows, channels, column, row) != bg:
                total += 1
    return total


def crop(path, x, y, w, h, out):
    width, height, channels, rows = read(path)
    w, h = min(w, width - x), min(h, height - y)
    body = b"".join(b"\x00" + rows[row][x * channels:(x + w) * channels] for row in range(y, y + h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    colour = 2 if channels == 3 else 6
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(body, 9)) + chunk(b"IEND", b"")
    open(out, "wb").write(png)


if __name__ == "__main__":
    command, path, *rest = sys.argv[1:]
    x, y, w, h = (int(v) for v in rest[:4])
    if command == "count":
        print(count(path, x, y, w, h, *rest[4:5]))
    elif command == "crop":
        crop(path, x, y, w, h, rest[4])
    else:
        raise SystemExit(f"unknown command {command}: count or crop")
