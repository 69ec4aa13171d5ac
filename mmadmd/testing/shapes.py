# Copyright (c) mmadmd contributors. All rights reserved.
"""Kinds and class names, labelled objects, geometry and drawing helpers,
and the object shapes of the synthetic scenes.

The geometry conventions are described in :mod:`mmadmd.testing`.
"""
import math
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

__all__ = [
    'KINDS', 'DOTA_CLASSES_USED', 'DIOR_CLASSES_USED', 'KIND_TO_DIOR',
    'KIND_TO_DOTA', 'SceneObject', 'Color', 'Box5', 'Box4', 'SHIFT', 'rot',
    'rect', 'obb_polygon', 'norm_angle', 'ipts', 'fill', 'poly_mask',
    'blend_mask', 'jit', 'gray', 'lowfreq', 'Shape', 'plane_shape',
    'ship_shape', 'tank_shape', 'car_shape', 'truck_shape', 'court_shape',
    'bridge_shape', 'building_shape'
]

#: Object kinds drawn by :func:`generate_scene` (DOTA v1.0 spellings).
KINDS: Tuple[str, ...] = ('plane', 'ship', 'storage-tank', 'small-vehicle',
                          'large-vehicle', 'tennis-court', 'bridge')

#: DOTA v1.0 class names written to ``labelTxt`` files (in the order of
#: mmrotate's ``DOTADataset.METAINFO['classes']``).
DOTA_CLASSES_USED: Tuple[str, ...] = ('plane', 'bridge', 'small-vehicle',
                                      'large-vehicle', 'ship', 'tennis-court',
                                      'storage-tank')

#: DIOR class names written to the XML files (in the order of mmrotate's
#: ``DIORDataset.METAINFO['classes']``). Both vehicle kinds are ``vehicle``.
DIOR_CLASSES_USED: Tuple[str, ...] = ('airplane', 'bridge', 'ship',
                                      'storagetank', 'tenniscourt', 'vehicle')

#: Kind -> DIOR class name.
KIND_TO_DIOR: Dict[str, str] = {
    'plane': 'airplane',
    'ship': 'ship',
    'storage-tank': 'storagetank',
    'small-vehicle': 'vehicle',
    'large-vehicle': 'vehicle',
    'tennis-court': 'tenniscourt',
    'bridge': 'bridge',
}

#: Kind -> DOTA v1.0 class name (the kinds already use DOTA spellings).
KIND_TO_DOTA: Dict[str, str] = {k: k for k in KINDS}

Color = Tuple[int, int, int]
Box5 = Tuple[float, float, float, float, float]
Box4 = Tuple[float, float, float, float]

SHIFT = 4  # sub-pixel bits for cv2 polygon drawing
_SCALE = float(1 << SHIFT)


@dataclass(frozen=True)
class SceneObject:
    """One labelled object of a synthetic scene.

    Attributes:
        kind (str): One of :data:`KINDS` (DOTA v1.0 spelling).
        obb (tuple): Oriented box ``(cx, cy, w, h, angle)``, angle in radians
            in ``[-pi/2, pi/2)``, clockwise on screen (mmrotate ``le90``).
        polygon (np.ndarray): ``(4, 2)`` float64 corners of ``obb``,
            clockwise on screen.
        hbox (tuple): ``(xmin, ymin, xmax, ymax)`` = polygon bounds clipped
            to the image.
    """

    kind: str
    obb: Box5
    polygon: np.ndarray
    hbox: Box4

    @property
    def dior_name(self) -> str:
        """DIOR class name of the object."""
        return KIND_TO_DIOR[self.kind]

    @property
    def dota_name(self) -> str:
        """DOTA v1.0 class name of the object."""
        return KIND_TO_DOTA[self.kind]


# ---------------------------------------------------------------------------
# Geometry and drawing helpers
# ---------------------------------------------------------------------------


def rot(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s], [s, c]])


def rect(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)


def _disc(cx: float, cy: float, r: float, n: int = 32) -> np.ndarray:
    """Circle as an ``n``-gon (``n`` % 4 == 0, so the extents are exact)."""
    t = np.arange(n) * (2 * math.pi / n)
    return np.stack([cx + r * np.cos(t), cy + r * np.sin(t)], axis=1)


def obb_polygon(cx: float, cy: float, w: float, h: float,
                angle: float) -> np.ndarray:
    local = rect(-w / 2, -h / 2, w / 2, h / 2)
    return local @ rot(angle).T + (cx, cy)


def norm_angle(angle: float) -> float:
    """Map an angle to ``[-pi/2, pi/2)`` (a rectangle is pi-periodic)."""
    a = math.fmod(angle + math.pi / 2, math.pi)
    if a < 0:
        a += math.pi
    a -= math.pi / 2
    if a >= math.pi / 2:  # float guard
        a -= math.pi
    return a


def ipts(pts: np.ndarray) -> np.ndarray:
    """Continuous coords -> cv2 fixed-point coords (pixel centres at x.5)."""
    return np.round((np.asarray(pts) - 0.5) * _SCALE).astype(np.int32)


def fill(img: np.ndarray, pts: np.ndarray, color, aa: bool = True) -> None:
    cv2.fillPoly(img, [ipts(pts)], color, cv2.LINE_AA if aa else cv2.LINE_8,
                 SHIFT)


def poly_mask(polys: Sequence[np.ndarray],
              h: int,
              w: int,
              aa: bool = True,
              pad: int = 2):
    """Rasterise the union of polygons into a ROI mask.

    Returns:
        tuple | None: ``(y0, y1, x0, x1, mask)`` with a uint8 mask (0..255) of
        the ROI, or None if the polygons miss the image.
    """
    allp = np.concatenate(polys, axis=0)
    x0 = max(int(math.floor(allp[:, 0].min())) - pad, 0)
    y0 = max(int(math.floor(allp[:, 1].min())) - pad, 0)
    x1 = min(int(math.ceil(allp[:, 0].max())) + pad, w)
    y1 = min(int(math.ceil(allp[:, 1].max())) + pad, h)
    if x1 <= x0 or y1 <= y0:
        return None
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    for p in polys:  # one call each: union, no even-odd holes
        fill(mask, p - (x0, y0), 255, aa)
    return y0, y1, x0, x1, mask


def blend_mask(img: np.ndarray,
               roi,
               color: Optional[Sequence[float]],
               alpha: float,
               factor: float = 1.0) -> None:
    """Blend ``color`` (or multiply by ``factor``) through a ROI mask."""
    y0, y1, x0, x1, mask = roi
    m = mask.astype(np.float32)[..., None] * (alpha / 255.0)
    patch = img[y0:y1, x0:x1].astype(np.float32)
    if color is None:
        target = patch * factor
    else:
        target = np.asarray(color, np.float32)
    img[y0:y1, x0:x1] = np.clip(patch + (target - patch) * m, 0,
                                255).astype(np.uint8)


def jit(rng: np.random.Generator, base: Sequence[float],
        amount: float) -> Color:
    c = np.asarray(base, np.float64) + rng.uniform(-amount, amount, 3)
    c = np.clip(c, 0, 255)
    return int(c[0]), int(c[1]), int(c[2])


def gray(rng: np.random.Generator,
         lo: float,
         hi: float,
         tint: float = 4) -> Color:
    v = rng.uniform(lo, hi)
    return jit(rng, (v, v, v), tint)


def lowfreq(rng: np.random.Generator, size: int, cells: int) -> np.ndarray:
    """Smooth noise in [0, 1] of shape (size, size), float32."""
    small = rng.random((cells + 1, cells + 1)).astype(np.float32)
    return cv2.resize(small, (size, size), interpolation=cv2.INTER_CUBIC)


# ---------------------------------------------------------------------------
# Object shapes (local frame: x = heading/long axis)
# ---------------------------------------------------------------------------


class Shape:
    """Polygons of one object in its local frame.

    ``body`` layers (opaque, anti-aliased) define the object and its box;
    ``under`` layers (blended: wakes) are drawn before every body and are not
    part of the box.
    """

    def __init__(self) -> None:
        self.body: List[Tuple[np.ndarray, Color]] = []
        self.under: List[Tuple[np.ndarray, Color, float]] = []

    def add(self, pts: np.ndarray, color: Color) -> None:
        self.body.append((np.asarray(pts, np.float64), color))

    def extent(self) -> Box4:
        allp = np.concatenate([p for p, _ in self.body], axis=0)
        return (float(allp[:, 0].min()), float(allp[:, 1].min()),
                float(allp[:, 0].max()), float(allp[:, 1].max()))


_CAR_COLORS = ((232, 232, 232), (215, 218, 220), (40, 40, 42), (60, 60, 64),
               (165, 168, 170), (120, 122, 125), (40, 40, 170), (150, 70, 35),
               (60, 120, 170), (40, 90, 40), (90, 150, 200), (30, 30, 120))


def plane_shape(rng: np.random.Generator, length: float) -> Shape:
    L = length
    span = L * rng.uniform(0.85, 1.05)
    fw = max(L * 0.055, 1.0)
    body = gray(rng, 205, 245, 5)
    dark = tuple(int(c * 0.72) for c in body)
    s = Shape()
    s.add([(L / 2, 0), (L / 2 - 0.1 * L, -fw), (-L / 2 + 0.06 * L, -0.7 * fw),
           (-L / 2, 0), (-L / 2 + 0.06 * L, 0.7 * fw), (L / 2 - 0.1 * L, fw)],
          body)
    le, sw, tc = 0.12 * L, rng.uniform(0.18, 0.26) * L, 0.08 * L
    te = le - 0.24 * L
    s.add([(le, 0), (le - sw, -span / 2), (le - sw - tc, -span / 2), (te, 0),
           (le - sw - tc, span / 2), (le - sw, span / 2)], body)
    ts = 0.18 * span
    s.add([(-0.36 * L, 0), (-0.45 * L, -ts), (-0.49 * L, -ts), (-0.47 * L, 0),
           (-0.49 * L, ts), (-0.45 * L, ts)], body)
    if L >= 22 and rng.random() < 0.85:
        ey, ew = 0.22 * span, max(0.05 * L, 0.8)
        ex = le - sw * (ey / (span / 2))
        for sgn in (-1, 1):
            s.add(
                rect(ex - 0.06 * L, sgn * ey - ew, ex + 0.04 * L,
                     sgn * ey + ew), dark)
    return s


def ship_shape(rng: np.random.Generator, length: float) -> Shape:
    L = length
    W = max(L * rng.uniform(0.2, 0.3), 3.0)
    hull_c = [(228, 228, 228), (150, 152, 155), (55, 55, 62),
              (45, 45, 140)][int(rng.integers(4))]
    hull_c = jit(rng, hull_c, 8)
    bow = L / 2 - 0.22 * L
    s = Shape()
    s.add([(L / 2, 0), (bow, -W / 2), (-L / 2 + 0.03 * L, -W / 2),
           (-L / 2, -0.35 * W), (-L / 2, 0.35 * W), (-L / 2 + 0.03 * L, W / 2),
           (bow, W / 2)], hull_c)
    if L >= 16:
        deck = gray(rng, 90, 200, 10)
        s.add([(L / 2 - 0.06 * L, 0), (bow, -W / 2 + 0.9),
               (-L / 2 + 1, -W / 2 + 0.9), (-L / 2 + 1, W / 2 - 0.9),
               (bow, W / 2 - 0.9)], deck)
        if L >= 22 and rng.random() < 0.5:  # container blocks
            x = -0.25 * L
            while x + 0.1 * L < bow:
                bw = rng.uniform(0.07, 0.12) * L
                s.add(
                    rect(x, -W / 2 + 1.2, x + bw, W / 2 - 1.2),
                    jit(rng, _CAR_COLORS[int(rng.integers(12))], 20))
                x += bw + 0.6
    s.add(
        rect(-0.47 * L, -0.33 * W, -0.28 * L, 0.33 * W),
        gray(rng, 215, 250, 3))
    if rng.random() < 0.6:  # wake behind the stern
        wl = L * rng.uniform(0.8, 1.8)
        s.under.append((np.array([(-L / 2, -0.4 * W), (-L / 2 - wl, -1.3 * W),
                                  (-L / 2 - wl, 1.3 * W),
                                  (-L / 2, 0.4 * W)]), (205, 205, 200),
                        rng.uniform(0.25, 0.45)))
    return s


def tank_shape(rng: np.random.Generator, r: float) -> Shape:
    s = Shape()
    top = gray(rng, 195, 245, 6)
    s.add(_disc(0, 0, r), gray(rng, 120, 160, 4))  # rim
    s.add(_disc(0, 0, r - max(0.9, 0.1 * r)), top)
    if r >= 6 and rng.random() < 0.8:  # roof ring ("circles with a ring")
        ring = tuple(int(c * 0.78) for c in top)
        s.add(_disc(0, 0, 0.62 * r), ring)
        s.add(_disc(0, 0, 0.62 * r - 0.9), top)
    if r >= 5:
        s.add(
            _disc(0, 0, max(0.15 * r, 0.8), 16),
            tuple(int(c * 0.7) for c in top))
    return s


def car_shape(rng: np.random.Generator, length: float) -> Shape:
    L, W = length, length * rng.uniform(0.42, 0.5)
    c = jit(rng, _CAR_COLORS[int(rng.integers(len(_CAR_COLORS)))], 12)
    glass = (35, 38, 40) if sum(c) > 200 else (150, 150, 155)
    s = Shape()
    s.add(rect(-L / 2, -W / 2, L / 2, W / 2), c)
    s.add(rect(0.1 * L, -W / 2 + 0.5, 0.28 * L, W / 2 - 0.5), glass)
    s.add(rect(-0.36 * L, -W / 2 + 0.6, -0.26 * L, W / 2 - 0.6), glass)
    return s


def truck_shape(rng: np.random.Generator, length: float) -> Shape:
    L, W = length, rng.uniform(5.0, 7.0)
    s = Shape()
    trailer = jit(rng, [(235, 235, 235), (190, 190, 190), (60, 60, 160),
                        (150, 90, 40), (70, 140, 200),
                        (90, 120, 90)][int(rng.integers(6))], 10)
    cab = jit(rng, _CAR_COLORS[int(rng.integers(len(_CAR_COLORS)))], 12)
    s.add(rect(-L / 2, -W / 2, L / 2 - 0.24 * L, W / 2), trailer)
    s.add(rect(L / 2 - 0.21 * L, -W / 2 + 0.3, L / 2, W / 2 - 0.3), cab)
    s.add(
        rect(L / 2 - 0.09 * L, -W / 2 + 0.8, L / 2 - 0.02 * L, W / 2 - 0.8),
        (40, 42, 45))
    return s


def court_shape(rng: np.random.Generator, length: float,
                surface: Color) -> Shape:
    L, W = length, length * 0.5
    line = gray(rng, 225, 250, 3)
    s = Shape()
    s.add(rect(-L / 2, -W / 2, L / 2, W / 2), surface)
    px, py = 0.39 * L, 0.32 * W  # playing area half extents
    lw = max(0.035 * L, 0.8)
    for y in (-py, py):  # side lines
        s.add(rect(-px, y - lw / 2, px, y + lw / 2), line)
    for x in (-px, px, 0.0):  # base lines, net
        s.add(rect(x - lw / 2, -py, x + lw / 2, py), line)
    sx = 0.54 * px
    for x in (-sx, sx):  # service lines
        s.add(rect(x - lw / 2, -0.75 * py, x + lw / 2, 0.75 * py), line)
    s.add(rect(-sx, -lw / 2, sx, lw / 2), line)  # centre service line
    return s


def bridge_shape(rng: np.random.Generator, length: float,
                 width: float) -> Shape:
    s = Shape()
    deck = gray(rng, 160, 200, 5)
    rail = tuple(int(c * 0.65) for c in deck)
    s.add(rect(-length / 2, -width / 2, length / 2, width / 2), deck)
    rw = max(0.1 * width, 0.9)
    for sgn in (-1, 1):
        y = sgn * (width / 2 - rw / 2 - 0.3)
        s.add(rect(-length / 2, y - rw / 2, length / 2, y + rw / 2), rail)
    return s


def building_shape(rng: np.random.Generator, w: float, h: float) -> Shape:
    roof = jit(rng, [(150, 150, 150), (70, 80, 150), (160, 130, 100),
                     (200, 200, 198), (110, 110, 115),
                     (90, 110, 130)][int(rng.integers(6))], 14)
    s = Shape()
    s.add(rect(-w / 2, -h / 2, w / 2, h / 2), roof)
    if rng.random() < 0.5:  # ridge line
        ridge = tuple(int(c * 0.8) for c in roof)
        s.add(rect(-w / 2, -0.5, w / 2, 0.5), ridge)
    elif min(w, h) > 10 and rng.random() < 0.6:  # rooftop units
        for _ in range(int(rng.integers(1, 4))):
            u = rng.uniform(1.5, 3.0)
            x = rng.uniform(-w / 2 + 1, w / 2 - 1 - u)
            y = rng.uniform(-h / 2 + 1, h / 2 - 1 - u)
            s.add(rect(x, y, x + u, y + u), gray(rng, 60, 230, 4))
    return s
