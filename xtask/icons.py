#!/usr/bin/env python3
"""Draws the app icons into public/icons/ (run once; the PNGs are committed).

Needs Pillow (`pip install pillow`). A white house with a door on the app's green:
"any" icons have rounded corners, "maskable" ones are full-bleed with the mark inside
the 80 % safe zone, and the Apple touch icon is full-bleed (iOS rounds it itself).
"""
from pathlib import Path

from PIL import Image, ImageDraw

GREEN = (15, 110, 90, 255)
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "public" / "icons"
SS = 4  # supersampling factor for smooth edges


def house(draw: ImageDraw.ImageDraw, size: int, scale: float) -> None:
    """A house mark centred in a `size` square, `scale` of its width."""
    w = size * scale
    cx, cy = size / 2, size / 2
    left, right = cx - w / 2, cx + w / 2
    top, bottom = cy - w * 0.48, cy + w * 0.42
    eave = cy - w * 0.06
    stroke = w * 0.09
    # roof
    draw.line([(left, eave + stroke * 0.2), (cx, top), (right, eave + stroke * 0.2)],
              fill=WHITE, width=round(stroke), joint="curve")
    # walls
    wl, wr = left + w * 0.14, right - w * 0.14
    draw.rounded_rectangle([wl, eave, wr, bottom], radius=w * 0.05, fill=WHITE)
    # door
    dw = w * 0.18
    draw.rounded_rectangle([cx - dw / 2, bottom - w * 0.30, cx + dw / 2, bottom + w * 0.05],
                           radius=w * 0.03, fill=GREEN)


def icon(size: int, maskable: bool, rounded: bool) -> Image.Image:
    big = size * SS
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    if rounded:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 0.22, fill=GREEN)
    else:
        draw.rectangle([0, 0, big, big], fill=GREEN)
    house(draw, big, 0.50 if maskable else 0.62)
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size, maskable=False, rounded=True).save(OUT / f"icon-{size}.png", optimize=True)
        icon(size, maskable=True, rounded=False).save(OUT / f"maskable-{size}.png", optimize=True)
    icon(180, maskable=False, rounded=False).convert("RGB").save(
        OUT / "apple-touch-icon.png", optimize=True)
    icon(32, maskable=False, rounded=True).save(OUT / "favicon-32.png", optimize=True)


if __name__ == "__main__":
    main()
