# Copyright (c) mmadmd contributors. All rights reserved.
"""Synthetic remote-sensing scenes written in the DIOR and DOTA v1.0 layouts.

The scenes are small aerial-looking images (fields, hedges, trees, rivers and
lakes, roads, buildings) with labelled objects whose boxes are exact for the
drawn shapes:

* ``plane`` - airliner silhouettes parked on an airport apron,
* ``ship`` - pointed hulls with superstructure/containers (and a wake) on
  water,
* ``storage-tank`` - bright discs with a rim and a roof ring, in tank farms or
  alone, casting a shadow,
* ``small-vehicle`` - 7-12 px cars, dense in parking lots and in traffic
  queues along roads,
* ``large-vehicle`` - 15-24 px trucks (cab + trailer) on roads,
* ``tennis-court`` - green/blue/clay rectangles with white lines, in rows,
* ``bridge`` - decks where a road crosses a river or lake.

Unlabelled distractors (buildings with rooftop units, lane dashes, trees,
runways, stall lines, haze, noise) make the task learnable on a CPU in
minutes while leaving room for a larger teacher to beat a small student.

Everything is pure numpy + OpenCV and deterministic: the image with global
index ``i`` of a dataset written with ``seed`` is generated from
``np.random.default_rng([seed, i])``, so the same seed gives byte-identical
annotation files and identical images.

Geometry conventions (shared by the annotations):

* continuous pixel coordinates: pixel ``(x, y)`` covers ``[x, x+1) x [y,
  y+1)``, so a box spanning the whole image is ``(0, 0, W, H)``;
* oriented box ``(cx, cy, w, h, angle)``: ``angle`` in radians, in
  ``[-pi/2, pi/2)``, clockwise on screen (image ``y`` points down) - the
  mmrotate ``le90`` ``rbox`` convention. ``w`` is the extent along the
  rotated x axis;
* polygon: the 4 corners of the oriented box, clockwise on screen (positive
  shoelace area in image coordinates), starting with the corner at local
  ``(-w/2, -h/2)``;
* horizontal box ``(xmin, ymin, xmax, ymax)``: the polygon's bounds clipped
  to the image (objects are always placed fully inside the image, so the
  clipping is a no-op in practice).

Example:
    >>> import numpy as np
    >>> from mmadmd.datasets.synthetic import generate_scene, write_dior
    >>> image, objects = generate_scene(np.random.default_rng(0), 256)
    >>> write_dior('data/dior_synth', 40, 10, 20)  # doctest: +SKIP
"""
import math
import os
import os.path as osp
import shutil
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

__all__ = [
    'KINDS', 'DOTA_CLASSES_USED', 'DIOR_CLASSES_USED', 'KIND_TO_DIOR',
    'KIND_TO_DOTA', 'SceneObject', 'generate_scene', 'draw_objects',
    'write_dior', 'write_dota', 'dior_hbb_xml', 'dior_obb_xml',
    'dota_label_txt', 'DIOR_LAYOUT', 'DOTA_SPLITS'
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

#: Sub-directories :func:`write_dior` owns inside its output directory.
DIOR_LAYOUT: Tuple[str, ...] = ('JPEGImages-trainval', 'JPEGImages-test',
                                'Annotations', 'ImageSets')

#: Split directories :func:`write_dota` owns inside its output directory.
DOTA_SPLITS: Tuple[str, ...] = ('train', 'val', 'test')

DOTA_GSD = 0.5

Color = Tuple[int, int, int]
Box5 = Tuple[float, float, float, float, float]
Box4 = Tuple[float, float, float, float]

_SHIFT = 4  # sub-pixel bits for cv2 polygon drawing
_SCALE = float(1 << _SHIFT)


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


def _rot(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s], [s, c]])


def _rect(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)


def _disc(cx: float, cy: float, r: float, n: int = 32) -> np.ndarray:
    """Circle as an ``n``-gon (``n`` % 4 == 0, so the extents are exact)."""
    t = np.arange(n) * (2 * math.pi / n)
    return np.stack([cx + r * np.cos(t), cy + r * np.sin(t)], axis=1)


def _obb_polygon(cx: float, cy: float, w: float, h: float,
                 angle: float) -> np.ndarray:
    local = _rect(-w / 2, -h / 2, w / 2, h / 2)
    return local @ _rot(angle).T + (cx, cy)


def _norm_angle(angle: float) -> float:
    """Map an angle to ``[-pi/2, pi/2)`` (a rectangle is pi-periodic)."""
    a = math.fmod(angle + math.pi / 2, math.pi)
    if a < 0:
        a += math.pi
    a -= math.pi / 2
    if a >= math.pi / 2:  # float guard
        a -= math.pi
    return a


def _ipts(pts: np.ndarray) -> np.ndarray:
    """Continuous coords -> cv2 fixed-point coords (pixel centres at x.5)."""
    return np.round((np.asarray(pts) - 0.5) * _SCALE).astype(np.int32)


def _fill(img: np.ndarray, pts: np.ndarray, color, aa: bool = True) -> None:
    cv2.fillPoly(img, [_ipts(pts)], color, cv2.LINE_AA if aa else cv2.LINE_8,
                 _SHIFT)


def _poly_mask(polys: Sequence[np.ndarray],
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
        _fill(mask, p - (x0, y0), 255, aa)
    return y0, y1, x0, x1, mask


def _blend_mask(img: np.ndarray,
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


def _jit(rng: np.random.Generator, base: Sequence[float],
         amount: float) -> Color:
    c = np.asarray(base, np.float64) + rng.uniform(-amount, amount, 3)
    c = np.clip(c, 0, 255)
    return int(c[0]), int(c[1]), int(c[2])


def _gray(rng: np.random.Generator,
          lo: float,
          hi: float,
          tint: float = 4) -> Color:
    v = rng.uniform(lo, hi)
    return _jit(rng, (v, v, v), tint)


def _lowfreq(rng: np.random.Generator, size: int, cells: int) -> np.ndarray:
    """Smooth noise in [0, 1] of shape (size, size), float32."""
    small = rng.random((cells + 1, cells + 1)).astype(np.float32)
    return cv2.resize(small, (size, size), interpolation=cv2.INTER_CUBIC)


# ---------------------------------------------------------------------------
# Object shapes (local frame: x = heading/long axis)
# ---------------------------------------------------------------------------


class _Shape:
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


def _plane_shape(rng: np.random.Generator, length: float) -> _Shape:
    L = length
    span = L * rng.uniform(0.85, 1.05)
    fw = max(L * 0.055, 1.0)
    body = _gray(rng, 205, 245, 5)
    dark = tuple(int(c * 0.72) for c in body)
    s = _Shape()
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
                _rect(ex - 0.06 * L, sgn * ey - ew, ex + 0.04 * L,
                      sgn * ey + ew), dark)
    return s


def _ship_shape(rng: np.random.Generator, length: float) -> _Shape:
    L = length
    W = max(L * rng.uniform(0.2, 0.3), 3.0)
    hull_c = [(228, 228, 228), (150, 152, 155), (55, 55, 62),
              (45, 45, 140)][int(rng.integers(4))]
    hull_c = _jit(rng, hull_c, 8)
    bow = L / 2 - 0.22 * L
    s = _Shape()
    s.add([(L / 2, 0), (bow, -W / 2), (-L / 2 + 0.03 * L, -W / 2),
           (-L / 2, -0.35 * W), (-L / 2, 0.35 * W), (-L / 2 + 0.03 * L, W / 2),
           (bow, W / 2)], hull_c)
    if L >= 16:
        deck = _gray(rng, 90, 200, 10)
        s.add([(L / 2 - 0.06 * L, 0), (bow, -W / 2 + 0.9),
               (-L / 2 + 1, -W / 2 + 0.9), (-L / 2 + 1, W / 2 - 0.9),
               (bow, W / 2 - 0.9)], deck)
        if L >= 22 and rng.random() < 0.5:  # container blocks
            x = -0.25 * L
            while x + 0.1 * L < bow:
                bw = rng.uniform(0.07, 0.12) * L
                s.add(
                    _rect(x, -W / 2 + 1.2, x + bw, W / 2 - 1.2),
                    _jit(rng, _CAR_COLORS[int(rng.integers(12))], 20))
                x += bw + 0.6
    s.add(
        _rect(-0.47 * L, -0.33 * W, -0.28 * L, 0.33 * W),
        _gray(rng, 215, 250, 3))
    if rng.random() < 0.6:  # wake behind the stern
        wl = L * rng.uniform(0.8, 1.8)
        s.under.append((np.array([(-L / 2, -0.4 * W), (-L / 2 - wl, -1.3 * W),
                                  (-L / 2 - wl, 1.3 * W),
                                  (-L / 2, 0.4 * W)]), (205, 205, 200),
                        rng.uniform(0.25, 0.45)))
    return s


def _tank_shape(rng: np.random.Generator, r: float) -> _Shape:
    s = _Shape()
    top = _gray(rng, 195, 245, 6)
    s.add(_disc(0, 0, r), _gray(rng, 120, 160, 4))  # rim
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


def _car_shape(rng: np.random.Generator, length: float) -> _Shape:
    L, W = length, length * rng.uniform(0.42, 0.5)
    c = _jit(rng, _CAR_COLORS[int(rng.integers(len(_CAR_COLORS)))], 12)
    glass = (35, 38, 40) if sum(c) > 200 else (150, 150, 155)
    s = _Shape()
    s.add(_rect(-L / 2, -W / 2, L / 2, W / 2), c)
    s.add(_rect(0.1 * L, -W / 2 + 0.5, 0.28 * L, W / 2 - 0.5), glass)
    s.add(_rect(-0.36 * L, -W / 2 + 0.6, -0.26 * L, W / 2 - 0.6), glass)
    return s


def _truck_shape(rng: np.random.Generator, length: float) -> _Shape:
    L, W = length, rng.uniform(5.0, 7.0)
    s = _Shape()
    trailer = _jit(rng, [(235, 235, 235), (190, 190, 190), (60, 60, 160),
                         (150, 90, 40), (70, 140, 200),
                         (90, 120, 90)][int(rng.integers(6))], 10)
    cab = _jit(rng, _CAR_COLORS[int(rng.integers(len(_CAR_COLORS)))], 12)
    s.add(_rect(-L / 2, -W / 2, L / 2 - 0.24 * L, W / 2), trailer)
    s.add(_rect(L / 2 - 0.21 * L, -W / 2 + 0.3, L / 2, W / 2 - 0.3), cab)
    s.add(
        _rect(L / 2 - 0.09 * L, -W / 2 + 0.8, L / 2 - 0.02 * L, W / 2 - 0.8),
        (40, 42, 45))
    return s


def _court_shape(rng: np.random.Generator, length: float,
                 surface: Color) -> _Shape:
    L, W = length, length * 0.5
    line = _gray(rng, 225, 250, 3)
    s = _Shape()
    s.add(_rect(-L / 2, -W / 2, L / 2, W / 2), surface)
    px, py = 0.39 * L, 0.32 * W  # playing area half extents
    lw = max(0.035 * L, 0.8)
    for y in (-py, py):  # side lines
        s.add(_rect(-px, y - lw / 2, px, y + lw / 2), line)
    for x in (-px, px, 0.0):  # base lines, net
        s.add(_rect(x - lw / 2, -py, x + lw / 2, py), line)
    sx = 0.54 * px
    for x in (-sx, sx):  # service lines
        s.add(_rect(x - lw / 2, -0.75 * py, x + lw / 2, 0.75 * py), line)
    s.add(_rect(-sx, -lw / 2, sx, lw / 2), line)  # centre service line
    return s


def _bridge_shape(rng: np.random.Generator, length: float,
                  width: float) -> _Shape:
    s = _Shape()
    deck = _gray(rng, 160, 200, 5)
    rail = tuple(int(c * 0.65) for c in deck)
    s.add(_rect(-length / 2, -width / 2, length / 2, width / 2), deck)
    rw = max(0.1 * width, 0.9)
    for sgn in (-1, 1):
        y = sgn * (width / 2 - rw / 2 - 0.3)
        s.add(_rect(-length / 2, y - rw / 2, length / 2, y + rw / 2), rail)
    return s


def _building_shape(rng: np.random.Generator, w: float, h: float) -> _Shape:
    roof = _jit(rng, [(150, 150, 150), (70, 80, 150), (160, 130, 100),
                      (200, 200, 198), (110, 110, 115),
                      (90, 110, 130)][int(rng.integers(6))], 14)
    s = _Shape()
    s.add(_rect(-w / 2, -h / 2, w / 2, h / 2), roof)
    if rng.random() < 0.5:  # ridge line
        ridge = tuple(int(c * 0.8) for c in roof)
        s.add(_rect(-w / 2, -0.5, w / 2, 0.5), ridge)
    elif min(w, h) > 10 and rng.random() < 0.6:  # rooftop units
        for _ in range(int(rng.integers(1, 4))):
            u = rng.uniform(1.5, 3.0)
            x = rng.uniform(-w / 2 + 1, w / 2 - 1 - u)
            y = rng.uniform(-h / 2 + 1, h / 2 - 1 - u)
            s.add(_rect(x, y, x + u, y + u), _gray(rng, 60, 230, 4))
    return s


# ---------------------------------------------------------------------------
# Scene
# ---------------------------------------------------------------------------


@dataclass
class _Placed:
    kind: Optional[str]  # None: unlabelled distractor
    shape: _Shape
    cx: float
    cy: float
    angle: float
    shadow: float = 0.0  # shadow offset in px along the sun direction

    def world(self, pts: np.ndarray) -> np.ndarray:
        x0, y0, x1, y1 = self.shape.extent()
        centre = ((x0 + x1) / 2, (y0 + y1) / 2)
        return (pts - centre) @ _rot(self.angle).T + (self.cx, self.cy)


@dataclass
class _Road:
    p: np.ndarray
    d: np.ndarray
    n: np.ndarray
    angle: float
    width: float
    mask: np.ndarray = field(repr=False)


class _Scene:
    """Mutable state while one scene is generated."""

    def __init__(self, rng: np.random.Generator, size: int) -> None:
        self.rng, self.size = rng, size
        self.area = (size / 256.0)**2
        self.img = np.zeros((size, size, 3), np.uint8)
        self.water = np.zeros((size, size), np.uint8)
        self.road = np.zeros((size, size), np.uint8)
        self.zone = np.zeros((size, size), np.uint8)  # zone ids
        self.occ = np.zeros((size, size), np.uint8)  # placed objects
        self.placed: List[_Placed] = []
        self.roads: List[_Road] = []
        self.n_zones = 0
        a = rng.uniform(0, 2 * math.pi)
        self.sun = np.array([math.cos(a), math.sin(a)])
        self.shade = rng.uniform(0.5, 0.7)

    # -- placement ---------------------------------------------------------
    def try_place(self,
                  kind: Optional[str],
                  shape: _Shape,
                  cx: float,
                  cy: float,
                  angle: float,
                  need: str,
                  margin: float = 1.0,
                  zone_id: int = 0,
                  shadow: float = 0.0) -> bool:
        """Place ``shape`` if its oriented box satisfies ``need``.

        ``need``: ``'land'`` (no water/road/zone/object), ``'water'`` (all
        water, no object), ``'road'`` (mostly road, no water/zone/object),
        ``'zone'`` (inside zone ``zone_id``, no object), ``'free'`` (no
        object only).
        """
        x0, y0, x1, y1 = shape.extent()
        w, h = x1 - x0, y1 - y0
        corners = _obb_polygon(cx, cy, w, h, angle)
        if corners.min() < 1 or corners.max() > self.size - 1:
            return False
        grown = _obb_polygon(cx, cy, w + 2 * margin, h + 2 * margin, angle)
        roi = _poly_mask([grown], self.size, self.size, aa=False, pad=1)
        if roi is None:
            return False
        ry0, ry1, rx0, rx1, m = roi
        m = m > 0
        n = int(m.sum())
        if n == 0:
            return False
        sl = (slice(ry0, ry1), slice(rx0, rx1))
        if self.occ[sl][m].any():
            return False
        water = int(self.water[sl][m].sum())
        if need == 'free':
            pass
        elif need == 'water':
            if water < n:
                return False
        elif need == 'zone':
            if not (self.zone[sl][m] == zone_id).all():
                return False
        else:
            if water or self.zone[sl][m].any():
                return False
            road = int(self.road[sl][m].sum())
            if need == 'land' and road:
                return False
            if need == 'road' and road < 0.85 * n:
                return False
        self.occ[sl] |= m.astype(np.uint8)
        self.placed.append(_Placed(kind, shape, cx, cy, angle, shadow))
        return True

    def new_zone(self,
                 w: float,
                 h: float,
                 over_roads: bool,
                 tries: int = 40) -> Optional[Tuple[float, float, float, int]]:
        """Reserve a free rotated rectangle.

        Returns:
            tuple | None: ``(cx, cy, angle, zone_id)``, or None if no free
            spot was found in ``tries`` attempts.
        """
        rng, s = self.rng, self.size
        if max(w, h) > 0.9 * s or self.n_zones >= 250:
            return None
        for _ in range(tries):
            angle = rng.uniform(-math.pi / 2, math.pi / 2)
            cx, cy = rng.uniform(0, s, 2)
            poly = _obb_polygon(cx, cy, w, h, angle)
            if poly.min() < 3 or poly.max() > s - 3:
                continue
            grown = _obb_polygon(cx, cy, w + 6, h + 6, angle)
            ry0, ry1, rx0, rx1, m = _poly_mask([grown], s, s, aa=False)
            m = m > 0
            sl = (slice(ry0, ry1), slice(rx0, rx1))
            if (self.water[sl][m].any() or self.zone[sl][m].any()
                    or self.occ[sl][m].any()):
                continue
            if not over_roads and self.road[sl][m].any():
                continue
            self.n_zones += 1
            zid = self.n_zones
            y0, y1, x0, x1, zm = _poly_mask([poly], s, s, aa=False)
            zm = zm > 0
            zsl = (slice(y0, y1), slice(x0, x1))
            self.zone[zsl][zm] = zid
            self.road[zsl][zm] = 0
            return cx, cy, angle, zid
        return None

    def zone_pad(self,
                 cx: float,
                 cy: float,
                 angle: float,
                 w: float,
                 h: float,
                 color: Color,
                 texture: float = 6.0) -> None:
        poly = _obb_polygon(cx, cy, w, h, angle)
        _fill(self.img, poly, color)
        roi = _poly_mask([poly], self.size, self.size, aa=False, pad=0)
        if roi is not None and texture > 0:
            y0, y1, x0, x1, m = roi
            noise = self.rng.normal(0, texture, m.shape).astype(np.float32)
            noise = cv2.GaussianBlur(noise, (0, 0), 1.2)
            patch = self.img[y0:y1, x0:x1].astype(np.float32)
            patch += (noise * (m > 0))[..., None]
            self.img[y0:y1, x0:x1] = np.clip(patch, 0, 255).astype(np.uint8)

    # -- rendering ---------------------------------------------------------
    def render_objects(self) -> None:
        s = self.size
        for p in self.placed:  # pass 1: shadows and wakes
            if p.shadow > 0:
                polys = [
                    p.world(q) + self.sun * p.shadow for q, _ in p.shape.body
                ]
                roi = _poly_mask(polys, s, s)
                if roi is not None:
                    _blend_mask(self.img, roi, None, 1.0, self.shade)
            for q, color, alpha in p.shape.under:
                roi = _poly_mask([p.world(q)], s, s)
                if roi is not None:
                    y0, y1, x0, x1, m = roi
                    m = (m.astype(np.uint16) *
                         self.water[y0:y1, x0:x1]).astype(np.uint8)
                    _blend_mask(self.img, (y0, y1, x0, x1, m), color, alpha)
        for p in self.placed:  # pass 2: bodies
            for q, color in p.shape.body:
                _fill(self.img, p.world(q), color)

    def labelled(self) -> List[SceneObject]:
        out = []
        for p in self.placed:
            if p.kind is None:
                continue
            x0, y0, x1, y1 = p.shape.extent()
            w, h = x1 - x0, y1 - y0
            a = _norm_angle(p.angle)
            poly = _obb_polygon(p.cx, p.cy, w, h, a)
            hb = (max(float(poly[:, 0].min()),
                      0.0), max(float(poly[:, 1].min()), 0.0),
                  min(float(poly[:, 0].max()), float(self.size)),
                  min(float(poly[:, 1].max()), float(self.size)))
            out.append(
                SceneObject(
                    p.kind,
                    (float(p.cx), float(p.cy), float(w), float(h), float(a)),
                    poly, hb))
        return out


# -- terrain ---------------------------------------------------------------

_LAND_GREEN = ((70, 130, 90), (55, 105, 60), (100, 160, 120), (80, 140, 110),
               (70, 100, 130), (120, 160, 185), (95, 150, 150))
_LAND_DRY = ((110, 150, 170), (95, 130, 150), (130, 170, 190), (80, 115, 125),
             (120, 150, 150), (75, 120, 100))


def _terrain(sc: _Scene) -> None:
    rng, s = sc.rng, sc.size
    palette = _LAND_GREEN if rng.random() < 0.65 else _LAND_DRY
    k = int(rng.integers(6, 14) * max(1.0, sc.area * 0.6))
    seeds = rng.uniform(-0.1 * s, 1.1 * s, (k, 2)).astype(np.float32)
    # slightly anisotropic metric: elongated, field-like parcels
    stretch = np.float32(rng.uniform(0.5, 1.0))
    h = s // 2
    g = (np.arange(h, dtype=np.float32) * 2 + 1)
    dx = g[None, :, None] - seeds[None, None, :, 0]
    dy = g[:, None, None] - seeds[None, None, :, 1]
    lab = np.argmin(dx * dx + stretch * dy * dy, axis=2).astype(np.uint8)
    lab = cv2.resize(lab, (s, s), interpolation=cv2.INTER_NEAREST)
    colors = np.array([
        _jit(rng, palette[int(rng.integers(len(palette)))], 14)
        for _ in range(k)
    ], np.float32)
    img = colors[lab]
    yy, xx = np.mgrid[0:s, 0:s].astype(np.float32)
    for _ in range(2):  # crop rows on some parcels
        sel = rng.random(k) < 0.3
        if not sel.any():
            continue
        a = rng.uniform(0, math.pi)
        period = rng.uniform(3.0, 7.0)
        stripes = np.sin(
            (xx * math.cos(a) + yy * math.sin(a)) * (2 * math.pi / period))
        amp = rng.uniform(5, 12)
        img += (amp * stripes * sel[lab])[..., None]
    edges = np.zeros((s, s), bool)  # hedges / field paths
    edges[:, 1:] |= lab[:, 1:] != lab[:, :-1]
    edges[1:, :] |= lab[1:, :] != lab[:-1, :]
    edges = cv2.dilate(edges.astype(np.uint8), np.ones((2, 2), np.uint8)) > 0
    img[edges] *= rng.uniform(0.7, 0.9)
    img *= (0.85 + 0.3 * _lowfreq(rng, s, 5))[..., None]
    img += rng.normal(0, 5, (s, s, 1)).astype(np.float32)
    sc.img = np.clip(img, 0, 255).astype(np.uint8)


def _water(sc: _Scene) -> None:
    rng, s = sc.rng, sc.size
    if rng.random() > 0.65:
        return
    mask = np.zeros((s, s), np.uint8)
    if rng.random() < 0.65:  # river across the image
        a = rng.uniform(0, math.pi)
        d = np.array([math.cos(a), math.sin(a)])
        n = np.array([-d[1], d[0]])
        c = rng.uniform(0.3 * s, 0.7 * s, 2)
        t = np.linspace(-1.5 * s, 1.5 * s, 128)
        off = np.zeros_like(t)
        for _ in range(2):
            off += rng.uniform(
                0.03, 0.12) * s * np.sin(t / s * rng.uniform(1.5, 5.0) +
                                         rng.uniform(0, 2 * math.pi))
        pts = c + t[:, None] * d + off[:, None] * n
        width = int(rng.uniform(16, 44) * (1 + 0.3 * (sc.area > 2)))
        cv2.polylines(mask, [_ipts(pts)], False, 1, width, cv2.LINE_8, _SHIFT)
    else:  # lake: a few overlapping ellipses
        c = rng.uniform(0.2 * s, 0.8 * s, 2)
        for _ in range(int(rng.integers(2, 5))):
            cc = c + rng.normal(0, 0.08 * s, 2)
            ax = rng.uniform(0.1, 0.25, 2) * s
            cv2.ellipse(mask,
                        (int(cc[0]), int(cc[1])), (int(ax[0]), int(ax[1])),
                        rng.uniform(0, 180), 0, 360, 1, -1)
    shore = cv2.dilate(mask, np.ones((5, 5), np.uint8)) > 0
    sc.img[shore] = (0.5 * sc.img[shore] +
                     0.5 * np.array(_jit(rng, (140, 170, 180), 15))).astype(
                         np.uint8)
    base = np.array(_jit(rng, (115, 90, 45), 18), np.float32)
    tex = (0.9 + 0.2 * _lowfreq(rng, s, 4))[..., None] * base
    wm = mask > 0
    sc.img[wm] = np.clip(tex[wm], 0, 255).astype(np.uint8)
    sc.water = mask


def _roads(sc: _Scene) -> None:
    rng, s = sc.rng, sc.size
    n_roads = int(rng.integers(0, 3) + rng.poisson(0.8 * sc.area))
    angle0 = rng.uniform(0, math.pi)
    for i in range(n_roads):
        if i > 0 and rng.random() < 0.5:  # grid-like layout
            angle = angle0 + (math.pi / 2 if i % 2 else 0) + rng.normal(0, .05)
        else:
            angle = rng.uniform(0, math.pi)
        width = rng.uniform(10, 16)
        p = rng.uniform(0.12 * s, 0.88 * s, 2)
        d = np.array([math.cos(angle), math.sin(angle)])
        n = np.array([-d[1], d[0]])
        poly = _obb_polygon(p[0], p[1], 3 * s, width, angle)
        mask = np.zeros((s, s), np.uint8)
        _fill(mask, poly, 1, aa=False)
        mask &= (sc.water == 0).astype(np.uint8)
        color = np.array(_gray(rng, 115, 165, 5), np.float32)
        rm = mask > 0
        sc.img[rm] = np.clip(color + rng.normal(0, 3, (int(rm.sum()), 1)), 0,
                             255).astype(np.uint8)
        if width >= 11.5:  # dashed centre line (a small bright distractor)
            dash = np.zeros((s, s), np.uint8)
            for t in np.arange(-1.5 * s, 1.5 * s, 11.0):
                c = p + d * t
                if -5 < c[0] < s + 5 and -5 < c[1] < s + 5:
                    _fill(
                        dash,
                        _obb_polygon(c[0], c[1], 5, 1, angle),
                        1,
                        aa=False)
            dm = (dash > 0) & rm
            sc.img[dm] = _gray(rng, 200, 235, 2)
        sc.road |= mask
        sc.roads.append(_Road(p, d, n, angle, width, mask))


def _bridges(sc: _Scene) -> None:
    """Label a bridge wherever a road crosses water inside the image."""
    s = sc.size
    for r in sc.roads:
        ts = np.arange(-1.5 * s, 1.5 * s, 0.5)
        pts = r.p + ts[:, None] * r.d
        inside = ((pts >= 0) & (pts < s)).all(axis=1)
        wet = np.zeros(len(ts), bool)
        ip = pts[inside].astype(int)
        wet[inside] = sc.water[ip[:, 1], ip[:, 0]] > 0
        runs, start = [], None
        for i, v in enumerate(wet):
            if v and start is None:
                start = i
            if not v and start is not None:
                runs.append((start, i - 1))
                start = None
        for a, b in runs:
            if not (inside[max(a - 1, 0)] and inside[min(b + 1, len(ts) - 1)]):
                continue  # touches the border: the road just stops
            margin = sc.rng.uniform(2.5, 5.0)
            t0, t1 = ts[a] - margin, ts[b] + margin
            length = t1 - t0
            if length < 8 or length > 90:
                continue
            c = r.p + r.d * (t0 + t1) / 2
            shape = _bridge_shape(sc.rng, length, r.width + 2.5)
            sc.try_place(
                'bridge',
                shape,
                c[0],
                c[1],
                r.angle,
                'free',
                margin=0.5,
                shadow=sc.rng.uniform(2, 4))


def _trees(sc: _Scene) -> None:
    rng, s = sc.rng, sc.size
    for _ in range(int(rng.poisson(6 * sc.area))):
        c = rng.uniform(0, s, 2)
        spread = rng.uniform(4, 14)
        dark = _jit(rng, (40, 80, 45), 10)
        for _ in range(int(rng.integers(4, 25))):
            p = c + rng.normal(0, spread, 2)
            x, y = int(p[0]), int(p[1])
            if not (0 <= x < s and 0 <= y < s) or sc.water[y, x] or sc.road[y,
                                                                            x]:
                continue
            r = rng.uniform(1.5, 4.0)
            cv2.circle(sc.img, (int(p[0] * 16), int(p[1] * 16)), int(r * 16),
                       _jit(rng, dark, 8), -1, cv2.LINE_AA, 4)


# -- zones -----------------------------------------------------------------


def _airport(sc: _Scene) -> None:
    rng = sc.rng
    aw, ah = rng.uniform(90, 170), rng.uniform(55, 85)
    z = sc.new_zone(aw, ah, over_roads=True)
    if z is None:
        return
    cx, cy, ang, zid = z
    sc.zone_pad(cx, cy, ang, aw, ah, _gray(rng, 165, 200, 4))
    R = _rot(ang)
    # taxi line (thin yellow) along the apron
    ty = -ah / 2 + rng.uniform(0.15, 0.25) * ah
    c = np.array([cx, cy]) + R @ (0, ty)
    _fill(sc.img, _obb_polygon(c[0], c[1], aw - 4, 1.0, ang), (60, 200, 230))
    L = rng.uniform(16, 36)
    facing = ang + (math.pi / 2 if rng.random() < 0.5 else -math.pi / 2)
    # a row of parked planes (nose across the apron) ...
    x = -aw / 2 + 0.55 * L + 2
    while x < aw / 2 - 0.55 * L - 2:
        Lp = L * rng.uniform(0.9, 1.1)
        p = np.array([cx, cy]) + R @ (x, rng.uniform(-2, 2) + 0.1 * ah)
        if rng.random() < 0.85:
            sc.try_place(
                'plane',
                _plane_shape(rng, Lp),
                p[0],
                p[1],
                facing + rng.normal(0, 0.05),
                'zone',
                1.0,
                zid,
                shadow=1.5)
        x += 1.1 * L + rng.uniform(3, 12)
    # ... and a few taxiing at any angle
    for _ in range(int(rng.integers(0, 3))):
        shape = _plane_shape(rng, L * rng.uniform(0.8, 1.1))
        for _ in range(10):
            p = np.array([cx, cy]) + R @ (rng.uniform(
                -aw / 2, aw / 2), rng.uniform(-ah / 2, ah / 2))
            if sc.try_place(
                    'plane',
                    shape,
                    p[0],
                    p[1],
                    rng.uniform(-math.pi, math.pi),
                    'zone',
                    1.0,
                    zid,
                    shadow=1.5):
                break


def _parking(sc: _Scene) -> None:
    rng = sc.rng
    lw, lh = rng.uniform(45, 100), rng.uniform(30, 66)
    z = sc.new_zone(lw, lh, over_roads=True)
    if z is None:
        return
    cx, cy, ang, zid = z
    asphalt = _gray(rng, 60, 100, 3)
    sc.zone_pad(cx, cy, ang, lw, lh, asphalt, 4)
    R = _rot(ang)
    trucks = rng.random() < 0.25  # a lorry park: dense large vehicles
    if trucks:
        cl, pitch = rng.uniform(15, 22), rng.uniform(8.0, 9.5)
    else:
        cl = rng.uniform(7, 11)
        pitch = cl * 0.47 + rng.uniform(1.8, 2.8)
    fill = rng.uniform(0.45, 0.92)
    stripe = _gray(rng, 170, 215, 2)
    y = -lh / 2 + 1.5
    row = 0
    while y + cl + 1 < lh / 2:
        yc = y + cl / 2
        # stall lines of this row
        for xs in np.arange(-lw / 2 + 1.5, lw / 2 - 1.0, pitch):
            c = np.array([cx, cy]) + R @ (xs, yc)
            _fill(sc.img, _obb_polygon(c[0], c[1], 0.8, cl + 1, ang), stripe)
        for xs in np.arange(-lw / 2 + 1.5 + pitch / 2, lw / 2 - pitch / 2,
                            pitch):
            if rng.random() > fill:
                continue
            c = np.array([
                cx, cy
            ]) + R @ (xs + rng.normal(0, 0.25), yc + rng.normal(0, 0.4))
            a = ang + math.pi / 2 + (math.pi if rng.random() < 0.5 else 0.0)
            make = _truck_shape if trucks else _car_shape
            sc.try_place(
                'large-vehicle' if trucks else 'small-vehicle',
                make(rng, cl * rng.uniform(0.92, 1.0)),
                c[0],
                c[1],
                a + rng.normal(0, 0.04),
                'zone',
                0.3,
                zid,
                shadow=1.5 if trucks else 1.0)
        row += 1
        y += cl + 1 + (cl * 1.1 if row % 2 == 0 else 0.5)


def _tank_farm(sc: _Scene) -> None:
    rng = sc.rng
    r = rng.uniform(5, 13)
    nx, ny = int(rng.integers(1, 5)), int(rng.integers(1, 4))
    gap = rng.uniform(3, 7)
    pw, ph = nx * (2 * r + gap) + gap, ny * (2 * r + gap) + gap
    z = sc.new_zone(pw, ph, over_roads=False)
    if z is None:
        return
    cx, cy, ang, zid = z
    sc.zone_pad(cx, cy, ang, pw, ph, _jit(rng, (150, 160, 165), 15))
    R = _rot(ang)
    for i in range(nx):
        for j in range(ny):
            if rng.random() < 0.1:
                continue
            c = np.array([cx, cy
                          ]) + R @ (-pw / 2 + gap + r + i *
                                    (2 * r + gap), -ph / 2 + gap + r + j *
                                    (2 * r + gap))
            rr = r * rng.uniform(0.85, 1.0)
            sc.try_place(
                'storage-tank',
                _tank_shape(rng, rr),
                c[0],
                c[1],
                0.0,
                'zone',
                0.5,
                zid,
                shadow=0.4 * rr)


def _tennis(sc: _Scene) -> None:
    rng = sc.rng
    n = int(rng.integers(1, 5))
    L = rng.uniform(22, 32)
    W = 0.5 * L
    gap = rng.uniform(1.5, 3.0)
    pw, ph = L + 5, n * W + (n - 1) * gap + 5
    z = sc.new_zone(pw, ph, over_roads=False)
    if z is None:
        return
    cx, cy, ang, zid = z
    surround = _jit(rng, [(70, 120, 75), (60, 90, 150),
                          (120, 120, 120)][int(rng.integers(3))], 10)
    sc.zone_pad(cx, cy, ang, pw, ph, surround, 3)
    surface = _jit(rng, [(70, 145, 65), (160, 105, 45), (65, 100, 185),
                         (120, 150, 60)][int(rng.integers(4))], 10)
    R = _rot(ang)
    for i in range(n):
        c = np.array([cx, cy]) + R @ (0, -ph / 2 + 2.5 + W / 2 + i * (W + gap))
        sc.try_place('tennis-court', _court_shape(rng, L, surface), c[0], c[1],
                     ang, 'zone', 0.3, zid)


# -- scattered objects ------------------------------------------------------


def _ships(sc: _Scene) -> None:
    rng = sc.rng
    wet = int(sc.water.sum())
    if wet == 0:
        return
    n = min(int(rng.poisson(wet / 3500.0)) + 1, int(10 * sc.area) + 2)
    ys, xs = np.nonzero(sc.water)
    placed = tries = 0
    while placed < n and tries < 30 * n:
        tries += 1
        k = int(rng.integers(len(xs)))
        L = float(np.clip(rng.gamma(3.0, 6.0) + 10, 10, 42))
        ok = sc.try_place(
            'ship',
            _ship_shape(rng, L),
            xs[k] + 0.5,
            ys[k] + 0.5,
            rng.uniform(-math.pi, math.pi),
            'water',
            2.0,
            shadow=0.8)
        placed += ok


def _traffic(sc: _Scene) -> None:
    rng, s = sc.rng, sc.size
    for r in sc.roads:
        n_seed = int(rng.poisson(3.0 * s / 256))
        for _ in range(n_seed):
            lane = 1 if rng.random() < 0.5 else -1
            head = r.angle + (0.0 if lane > 0 else math.pi)
            t = rng.uniform(-0.75 * s, 0.75 * s)
            count = 0
            while count < 8:
                large = rng.random() < 0.25
                L = rng.uniform(15, 24) if large else rng.uniform(7.5, 12)
                shape = (_truck_shape if large else _car_shape)(rng, L)
                c = r.p + r.d * t + r.n * lane * r.width / 4
                ok = sc.try_place(
                    'large-vehicle' if large else 'small-vehicle',
                    shape,
                    c[0],
                    c[1],
                    head + rng.normal(0, 0.03),
                    'road',
                    0.4,
                    shadow=1.5 if large else 1.0)
                if not ok or rng.random() > 0.6:
                    break
                count += 1
                gap = rng.uniform(2.0, 7.0)
                t -= lane * (L / 2 + gap + rng.uniform(7.5, 12) / 2)


def _scattered_tanks(sc: _Scene) -> None:
    rng, s = sc.rng, sc.size
    for _ in range(int(rng.poisson(1.2 * sc.area))):
        r = rng.uniform(4, 12)
        for _ in range(15):
            if sc.try_place(
                    'storage-tank',
                    _tank_shape(rng, r),
                    *rng.uniform(0, s, 2),
                    0.0,
                    'land',
                    2.0,
                    shadow=0.4 * r):
                break


def _buildings(sc: _Scene) -> None:
    rng, s = sc.rng, sc.size
    for _ in range(int(rng.poisson(16 * sc.area))):
        w, h = rng.uniform(9, 30), rng.uniform(9, 22)
        shape = _building_shape(rng, w, h)
        for _ in range(6):
            if sc.roads and rng.random() < 0.7:  # line the roads
                r = sc.roads[int(rng.integers(len(sc.roads)))]
                side = 1 if rng.random() < 0.5 else -1
                c = (
                    r.p + r.d * rng.uniform(-0.7 * s, 0.7 * s) + r.n * side *
                    (r.width / 2 + rng.uniform(3, 8) + h / 2))
                a = r.angle + rng.normal(0, 0.03)
            else:
                c, a = rng.uniform(0, s, 2), rng.uniform(0, math.pi)
            if sc.try_place(
                    None,
                    shape,
                    c[0],
                    c[1],
                    a,
                    'land',
                    1.5,
                    shadow=rng.uniform(2, 5)):
                break


def _sensor(sc: _Scene) -> np.ndarray:
    rng, s = sc.rng, sc.size
    img = sc.img.astype(np.float32)
    if rng.random() < 0.3:  # haze: lower contrast
        img += (
            np.float32(rng.uniform(0.1, 0.3)) *
            (np.array(_jit(rng, (185, 180, 175), 10), np.float32) - img))
    gain = rng.uniform(0.85, 1.15) * (1 + rng.uniform(-0.04, 0.04, 3))
    img = img * gain.astype(np.float32) + np.float32(rng.uniform(-12, 12))
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.5, 0.9))
    img += rng.normal(0, rng.uniform(2, 5), (s, s, 3)).astype(np.float32)
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)


def generate_scene(rng: np.random.Generator,
                   size: int = 256) -> Tuple[np.ndarray, List[SceneObject]]:
    """Generate one synthetic remote-sensing scene.

    Object sizes are in absolute pixels (a fixed ground sampling distance),
    so a larger ``size`` gives a wider view with proportionally more
    objects.

    Args:
        rng (np.random.Generator): Source of randomness; the result is a
            deterministic function of its state and ``size``.
        size (int): Side of the square image in pixels (>= 128).

    Returns:
        tuple[np.ndarray, list[SceneObject]]: The BGR ``uint8`` image of shape
        ``(size, size, 3)`` and its labelled objects (every one fully inside
        the image, oriented boxes not overlapping each other).
    """
    if size < 128:
        raise ValueError(f'size must be >= 128, got {size}')
    sc = _Scene(rng, int(size))
    _terrain(sc)
    _water(sc)
    _roads(sc)
    _bridges(sc)
    _trees(sc)
    zone_makers = [(_airport, 0.6), (_parking, 0.9), (_tank_farm, 0.6),
                   (_tennis, 0.6)]
    plan = []
    for maker, rate in zone_makers:
        plan += [maker] * int(rng.poisson(rate * sc.area))
    for k in rng.permutation(len(plan)):
        plan[int(k)](sc)
    _ships(sc)
    _traffic(sc)
    _scattered_tanks(sc)
    _buildings(sc)
    sc.render_objects()
    return _sensor(sc), sc.labelled()


def draw_objects(image: np.ndarray,
                 objects: Sequence[SceneObject],
                 hbox: bool = False) -> np.ndarray:
    """Draw the objects' polygons (or horizontal boxes) for a visual check.

    Args:
        image (np.ndarray): BGR ``uint8`` image (not modified).
        objects (Sequence[SceneObject]): Objects from :func:`generate_scene`.
        hbox (bool): Draw horizontal boxes instead of oriented polygons.

    Returns:
        np.ndarray: A copy of ``image`` with the boxes drawn.
    """
    colors = {
        'plane': (0, 0, 255),
        'ship': (255, 0, 255),
        'storage-tank': (0, 255, 255),
        'small-vehicle': (255, 255, 0),
        'large-vehicle': (255, 128, 0),
        'tennis-court': (0, 128, 255),
        'bridge': (0, 255, 0)
    }
    out = image.copy()
    for o in objects:
        if hbox:
            x0, y0, x1, y1 = o.hbox
            pts = _rect(x0, y0, x1, y1)
        else:
            pts = o.polygon
        cv2.polylines(out, [_ipts(pts)], True, colors[o.kind], 1, cv2.LINE_AA,
                      _SHIFT)
    return out


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------


def _prepare_out(out_dir: str, owned: Sequence[str], overwrite: bool) -> None:
    if osp.isdir(out_dir) and os.listdir(out_dir):
        if not overwrite:
            raise FileExistsError(
                f'{out_dir!r} exists and is not empty (pass overwrite=True / '
                '--overwrite to replace the generated sub-directories)')
        for name in owned:  # remove only what this writer creates
            path = osp.join(out_dir, name)
            if osp.isdir(path):
                shutil.rmtree(path)
    os.makedirs(out_dir, exist_ok=True)


def _split_sizes(num_train: int, num_val: int, num_test: int) -> None:
    for name, n in (('num_train', num_train), ('num_val', num_val),
                    ('num_test', num_test)):
        if int(n) < 0:
            raise ValueError(f'{name} must be >= 0, got {n}')


def _f(v: float) -> str:
    return f'{v:.1f}'


def _voc_head(filename: str, size: int) -> List[str]:
    return [
        '<annotation>', f'\t<filename>{filename}</filename>', '\t<source>',
        '\t\t<database>DIOR-synthetic</database>', '\t</source>', '\t<size>',
        f'\t\t<width>{size}</width>', f'\t\t<height>{size}</height>',
        '\t\t<depth>3</depth>', '\t</size>', '\t<segmented>0</segmented>'
    ]


def dior_hbb_xml(img_id: str, size: int,
                 objects: Sequence[SceneObject]) -> str:
    """DIOR ``Horizontal Bounding Boxes`` XML (VOC style, integer boxes).

    Boxes follow the PASCAL VOC convention of the release: 1-based, inclusive
    pixel indices. The horizontal box is rounded to whole pixels ``[x0, x1)``
    (0-based, continuous) and written as ``xmin = x0 + 1, xmax = x1``, so
    mmdet's VOC parsing (which subtracts 1) recovers ``(x0, y0, x1 - 1, y1 -
    1)``, exactly as it does for real DIOR/VOC files. Every box is at least
    2 px wide and high, so ``xmin < xmax`` and ``ymin < ymax``.

    Args:
        img_id (str): Image id, e.g. ``'00001'``.
        size (int): Image side in pixels.
        objects (Sequence[SceneObject]): The labelled objects.

    Returns:
        str: The XML text.
    """
    lines = _voc_head(f'{img_id}.jpg', size)
    for o in objects:
        x0, y0, x1, y1 = (int(math.floor(v + 0.5)) for v in o.hbox)
        x1, y1 = min(max(x1, x0 + 2), size), min(max(y1, y0 + 2), size)
        x0, y0 = min(x0, x1 - 2), min(y0, y1 - 2)
        lines += [
            '\t<object>', f'\t\t<name>{o.dior_name}</name>',
            '\t\t<pose>Unspecified</pose>', '\t\t<truncated>0</truncated>',
            '\t\t<difficult>0</difficult>', '\t\t<bndbox>',
            f'\t\t\t<xmin>{x0 + 1}</xmin>', f'\t\t\t<ymin>{y0 + 1}</ymin>',
            f'\t\t\t<xmax>{x1}</xmax>', f'\t\t\t<ymax>{y1}</ymax>',
            '\t\t</bndbox>', '\t</object>'
        ]
    lines.append('</annotation>')
    return '\n'.join(lines) + '\n'


_CORNER_TAGS = ('left_top', 'right_top', 'right_bottom', 'left_bottom')


def dior_obb_xml(img_id: str, size: int,
                 objects: Sequence[SceneObject]) -> str:
    """DIOR-R ``Oriented Bounding Boxes`` XML.

    Each object has ``<type>robndbox</type>`` and a ``<robndbox>`` with
    ``x_left_top, y_left_top, x_right_top, ..., y_left_bottom`` (the polygon
    corners in :class:`SceneObject` order, which is what mmrotate's
    ``DIORDataset`` reads) plus ``<angle>`` = the ``le90`` angle in degrees
    (informational; mmrotate does not read it).

    Args:
        img_id (str): Image id, e.g. ``'00001'``.
        size (int): Image side in pixels.
        objects (Sequence[SceneObject]): The labelled objects.

    Returns:
        str: The XML text.
    """
    lines = _voc_head(f'{img_id}.jpg', size)
    for o in objects:
        lines += [
            '\t<object>', '\t\t<type>robndbox</type>',
            f'\t\t<name>{o.dior_name}</name>', '\t\t<pose>Unspecified</pose>',
            '\t\t<truncated>0</truncated>', '\t\t<difficult>0</difficult>',
            '\t\t<robndbox>'
        ]
        for tag, (x, y) in zip(_CORNER_TAGS, o.polygon):
            lines += [
                f'\t\t\t<x_{tag}>{_f(x)}</x_{tag}>',
                f'\t\t\t<y_{tag}>{_f(y)}</y_{tag}>'
            ]
        lines += [
            '\t\t</robndbox>', f'\t\t<angle>{_f(math.degrees(o.obb[4]))}'
            '</angle>', '\t</object>'
        ]
    lines.append('</annotation>')
    return '\n'.join(lines) + '\n'


def dota_label_txt(objects: Sequence[SceneObject]) -> str:
    """Raw DOTA v1.0 ``labelTxt`` content (with the two header lines).

    Args:
        objects (Sequence[SceneObject]): The labelled objects.

    Returns:
        str: ``imagesource:synthetic``, ``gsd:0.5``, then one
        ``x1 y1 x2 y2 x3 y3 x4 y4 classname difficult`` line per object
        (clockwise corners).
    """
    lines = ['imagesource:synthetic', f'gsd:{DOTA_GSD}']
    for o in objects:
        coords = ' '.join(_f(v) for v in o.polygon.reshape(-1))
        lines.append(f'{coords} {o.dota_name} 0')
    return '\n'.join(lines) + '\n'


def _write_text(path: str, text: str) -> None:
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        f.write(text)


def _count(stats: Dict[str, int], objects: Sequence[SceneObject],
           name: Callable[[SceneObject], str]) -> None:
    for o in objects:
        stats[name(o)] = stats.get(name(o), 0) + 1


def write_dior(out_dir: str,
               num_train: int,
               num_val: int,
               num_test: int,
               size: int = 256,
               seed: int = 0,
               overwrite: bool = False,
               jpeg_quality: int = 95,
               progress: Optional[Callable[[], None]] = None) -> Dict:
    """Write a synthetic dataset in the DIOR / DIOR-R release layout.

    Layout (ids are 5-digit, numbered train, then val, then test)::

        out_dir/
          JPEGImages-trainval/00001.jpg ...   (train + val images)
          JPEGImages-test/000NN.jpg ...
          Annotations/Horizontal Bounding Boxes/00001.xml ...
          Annotations/Oriented Bounding Boxes/00001.xml ...
          ImageSets/Main/{train,val,test}.txt

    Image ``i`` (1-based id) is generated from
    ``np.random.default_rng([seed, i])``.

    Args:
        out_dir (str): Output directory (created if needed).
        num_train (int): Number of training images.
        num_val (int): Number of validation images.
        num_test (int): Number of test images.
        size (int): Image side in pixels. Defaults to 256.
        seed (int): Dataset seed. Defaults to 0.
        overwrite (bool): Allow a non-empty ``out_dir``; the sub-directories
            of :data:`DIOR_LAYOUT` are removed first. Defaults to False.
        jpeg_quality (int): JPEG quality. Defaults to 95.
        progress (callable, optional): Called once per written image.

    Returns:
        dict: ``{'splits': {split: [ids]}, 'num_objects': {dior_name: n}}``.

    Raises:
        FileExistsError: ``out_dir`` is not empty and ``overwrite`` is False.
    """
    _split_sizes(num_train, num_val, num_test)
    _prepare_out(out_dir, DIOR_LAYOUT, overwrite)
    dirs = {
        'trainval': osp.join(out_dir, 'JPEGImages-trainval'),
        'test': osp.join(out_dir, 'JPEGImages-test'),
        'hbb': osp.join(out_dir, 'Annotations', 'Horizontal Bounding Boxes'),
        'obb': osp.join(out_dir, 'Annotations', 'Oriented Bounding Boxes'),
        'sets': osp.join(out_dir, 'ImageSets', 'Main'),
    }
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    splits: Dict[str, List[str]] = {'train': [], 'val': [], 'test': []}
    stats: Dict[str, int] = {}
    idx = 0
    for split, num in (('train', num_train), ('val', num_val), ('test',
                                                                num_test)):
        img_dir = dirs['test'] if split == 'test' else dirs['trainval']
        for _ in range(int(num)):
            idx += 1
            img_id = f'{idx:05d}'
            image, objects = generate_scene(
                np.random.default_rng([seed, idx]), size)
            cv2.imwrite(
                osp.join(img_dir, f'{img_id}.jpg'), image,
                [cv2.IMWRITE_JPEG_QUALITY,
                 int(jpeg_quality)])
            _write_text(
                osp.join(dirs['hbb'], f'{img_id}.xml'),
                dior_hbb_xml(img_id, size, objects))
            _write_text(
                osp.join(dirs['obb'], f'{img_id}.xml'),
                dior_obb_xml(img_id, size, objects))
            splits[split].append(img_id)
            _count(stats, objects, lambda o: o.dior_name)
            if progress is not None:
                progress()
        _write_text(
            osp.join(dirs['sets'], f'{split}.txt'),
            ''.join(f'{i}\n' for i in splits[split]))
    return {'splits': splits, 'num_objects': dict(sorted(stats.items()))}


def write_dota(out_dir: str,
               num_train: int,
               num_val: int,
               num_test: int,
               size: int = 512,
               seed: int = 0,
               overwrite: bool = False,
               progress: Optional[Callable[[], None]] = None) -> Dict:
    """Write a synthetic dataset in the raw DOTA v1.0 release layout.

    Layout (ids ``P0001``..., numbered train, then val, then test)::

        out_dir/{train,val,test}/images/P0001.png
        out_dir/{train,val,test}/labelTxt/P0001.txt

    Each label file starts with ``imagesource:synthetic`` and ``gsd:0.5``
    followed by ``x1 y1 x2 y2 x3 y3 x4 y4 classname difficult`` lines. Unlike
    the official release, the test split is labelled too. As with real DOTA,
    mmrotate's ``DOTADataset`` expects split patches whose ``annfiles`` have
    no header lines (run the DOTA split tool first, or strip the 2 lines).

    Image ``i`` (1-based) is generated from ``np.random.default_rng([seed,
    i])``.

    Args:
        out_dir (str): Output directory (created if needed).
        num_train (int): Number of training images.
        num_val (int): Number of validation images.
        num_test (int): Number of test images.
        size (int): Image side in pixels. Defaults to 512.
        seed (int): Dataset seed. Defaults to 0.
        overwrite (bool): Allow a non-empty ``out_dir``; the split
            directories of :data:`DOTA_SPLITS` are removed first. Defaults to
            False.
        progress (callable, optional): Called once per written image.

    Returns:
        dict: ``{'splits': {split: [ids]}, 'num_objects': {dota_name: n}}``.

    Raises:
        FileExistsError: ``out_dir`` is not empty and ``overwrite`` is False.
    """
    _split_sizes(num_train, num_val, num_test)
    _prepare_out(out_dir, DOTA_SPLITS, overwrite)
    splits: Dict[str, List[str]] = {'train': [], 'val': [], 'test': []}
    stats: Dict[str, int] = {}
    idx = 0
    for split, num in (('train', num_train), ('val', num_val), ('test',
                                                                num_test)):
        img_dir = osp.join(out_dir, split, 'images')
        ann_dir = osp.join(out_dir, split, 'labelTxt')
        os.makedirs(img_dir, exist_ok=True)
        os.makedirs(ann_dir, exist_ok=True)
        for _ in range(int(num)):
            idx += 1
            img_id = f'P{idx:04d}'
            image, objects = generate_scene(
                np.random.default_rng([seed, idx]), size)
            cv2.imwrite(
                osp.join(img_dir, f'{img_id}.png'), image,
                [cv2.IMWRITE_PNG_COMPRESSION, 3])
            _write_text(
                osp.join(ann_dir, f'{img_id}.txt'), dota_label_txt(objects))
            splits[split].append(img_id)
            _count(stats, objects, lambda o: o.dota_name)
            if progress is not None:
                progress()
    return {'splits': splits, 'num_objects': dict(sorted(stats.items()))}
