# Copyright (c) mmadmd contributors. All rights reserved.
"""The scene model: placement of object shapes among water, roads and
zones, rendering of objects and shadows, sensor effects, and a drawing of
the labelled objects for a visual check."""
import math
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

from .shapes import (SHIFT, Color, SceneObject, Shape, blend_mask, fill, ipts,
                     jit, norm_angle, obb_polygon, poly_mask, rect, rot)

__all__ = ['Road', 'Scene', 'sensor', 'draw_objects']

# ---------------------------------------------------------------------------
# Scene
# ---------------------------------------------------------------------------


@dataclass
class _Placed:
    kind: Optional[str]  # None: unlabelled distractor
    shape: Shape
    cx: float
    cy: float
    angle: float
    shadow: float = 0.0  # shadow offset in px along the sun direction

    def world(self, pts: np.ndarray) -> np.ndarray:
        x0, y0, x1, y1 = self.shape.extent()
        centre = ((x0 + x1) / 2, (y0 + y1) / 2)
        return (pts - centre) @ rot(self.angle).T + (self.cx, self.cy)


@dataclass
class Road:
    p: np.ndarray
    d: np.ndarray
    n: np.ndarray
    angle: float
    width: float
    mask: np.ndarray = field(repr=False)


class Scene:
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
        self.roads: List[Road] = []
        self.n_zones = 0
        a = rng.uniform(0, 2 * math.pi)
        self.sun = np.array([math.cos(a), math.sin(a)])
        self.shade = rng.uniform(0.5, 0.7)

    # -- placement ---------------------------------------------------------
    def try_place(self,
                  kind: Optional[str],
                  shape: Shape,
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
        corners = obb_polygon(cx, cy, w, h, angle)
        if corners.min() < 1 or corners.max() > self.size - 1:
            return False
        grown = obb_polygon(cx, cy, w + 2 * margin, h + 2 * margin, angle)
        roi = poly_mask([grown], self.size, self.size, aa=False, pad=1)
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
            poly = obb_polygon(cx, cy, w, h, angle)
            if poly.min() < 3 or poly.max() > s - 3:
                continue
            grown = obb_polygon(cx, cy, w + 6, h + 6, angle)
            ry0, ry1, rx0, rx1, m = poly_mask([grown], s, s, aa=False)
            m = m > 0
            sl = (slice(ry0, ry1), slice(rx0, rx1))
            if (self.water[sl][m].any() or self.zone[sl][m].any()
                    or self.occ[sl][m].any()):
                continue
            if not over_roads and self.road[sl][m].any():
                continue
            self.n_zones += 1
            zid = self.n_zones
            y0, y1, x0, x1, zm = poly_mask([poly], s, s, aa=False)
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
        poly = obb_polygon(cx, cy, w, h, angle)
        fill(self.img, poly, color)
        roi = poly_mask([poly], self.size, self.size, aa=False, pad=0)
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
                roi = poly_mask(polys, s, s)
                if roi is not None:
                    blend_mask(self.img, roi, None, 1.0, self.shade)
            for q, color, alpha in p.shape.under:
                roi = poly_mask([p.world(q)], s, s)
                if roi is not None:
                    y0, y1, x0, x1, m = roi
                    m = (m.astype(np.uint16) *
                         self.water[y0:y1, x0:x1]).astype(np.uint8)
                    blend_mask(self.img, (y0, y1, x0, x1, m), color, alpha)
        for p in self.placed:  # pass 2: bodies
            for q, color in p.shape.body:
                fill(self.img, p.world(q), color)

    def labelled(self) -> List[SceneObject]:
        out = []
        for p in self.placed:
            if p.kind is None:
                continue
            x0, y0, x1, y1 = p.shape.extent()
            w, h = x1 - x0, y1 - y0
            a = norm_angle(p.angle)
            poly = obb_polygon(p.cx, p.cy, w, h, a)
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


def sensor(sc: Scene) -> np.ndarray:
    rng, s = sc.rng, sc.size
    img = sc.img.astype(np.float32)
    if rng.random() < 0.3:  # haze: lower contrast
        img += (
            np.float32(rng.uniform(0.1, 0.3)) *
            (np.array(jit(rng, (185, 180, 175), 10), np.float32) - img))
    gain = rng.uniform(0.85, 1.15) * (1 + rng.uniform(-0.04, 0.04, 3))
    img = img * gain.astype(np.float32) + np.float32(rng.uniform(-12, 12))
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.5, 0.9))
    img += rng.normal(0, rng.uniform(2, 5), (s, s, 3)).astype(np.float32)
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)


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
            pts = rect(x0, y0, x1, y1)
        else:
            pts = o.polygon
        cv2.polylines(out, [ipts(pts)], True, colors[o.kind], 1, cv2.LINE_AA,
                      SHIFT)
    return out
