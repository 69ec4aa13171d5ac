# Copyright (c) mmadmd contributors. All rights reserved.
"""Layout painters (terrain, water, roads, zones, scattered objects) and
:func:`generate_scene`, which runs them on a :class:`~.scene.Scene`."""
import math
from typing import List, Tuple

import cv2
import numpy as np

from .scene import Road, Scene, sensor
from .shapes import (SHIFT, SceneObject, bridge_shape, building_shape,
                     car_shape, court_shape, fill, gray, ipts, jit, lowfreq,
                     obb_polygon, plane_shape, rot, ship_shape, tank_shape,
                     truck_shape)

__all__ = ['generate_scene']

# -- terrain ---------------------------------------------------------------

_LAND_GREEN = ((70, 130, 90), (55, 105, 60), (100, 160, 120), (80, 140, 110),
               (70, 100, 130), (120, 160, 185), (95, 150, 150))
_LAND_DRY = ((110, 150, 170), (95, 130, 150), (130, 170, 190), (80, 115, 125),
             (120, 150, 150), (75, 120, 100))


def _terrain(sc: Scene) -> None:
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
        jit(rng, palette[int(rng.integers(len(palette)))], 14)
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
    img *= (0.85 + 0.3 * lowfreq(rng, s, 5))[..., None]
    img += rng.normal(0, 5, (s, s, 1)).astype(np.float32)
    sc.img = np.clip(img, 0, 255).astype(np.uint8)


def _water(sc: Scene) -> None:
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
        cv2.polylines(mask, [ipts(pts)], False, 1, width, cv2.LINE_8, SHIFT)
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
                     0.5 * np.array(jit(rng,
                                        (140, 170, 180), 15))).astype(np.uint8)
    base = np.array(jit(rng, (115, 90, 45), 18), np.float32)
    tex = (0.9 + 0.2 * lowfreq(rng, s, 4))[..., None] * base
    wm = mask > 0
    sc.img[wm] = np.clip(tex[wm], 0, 255).astype(np.uint8)
    sc.water = mask


def _roads(sc: Scene) -> None:
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
        poly = obb_polygon(p[0], p[1], 3 * s, width, angle)
        mask = np.zeros((s, s), np.uint8)
        fill(mask, poly, 1, aa=False)
        mask &= (sc.water == 0).astype(np.uint8)
        color = np.array(gray(rng, 115, 165, 5), np.float32)
        rm = mask > 0
        sc.img[rm] = np.clip(color + rng.normal(0, 3, (int(rm.sum()), 1)), 0,
                             255).astype(np.uint8)
        if width >= 11.5:  # dashed centre line (a small bright distractor)
            dash = np.zeros((s, s), np.uint8)
            for t in np.arange(-1.5 * s, 1.5 * s, 11.0):
                c = p + d * t
                if -5 < c[0] < s + 5 and -5 < c[1] < s + 5:
                    fill(
                        dash,
                        obb_polygon(c[0], c[1], 5, 1, angle),
                        1,
                        aa=False)
            dm = (dash > 0) & rm
            sc.img[dm] = gray(rng, 200, 235, 2)
        sc.road |= mask
        sc.roads.append(Road(p, d, n, angle, width, mask))


def _bridges(sc: Scene) -> None:
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
            shape = bridge_shape(sc.rng, length, r.width + 2.5)
            sc.try_place(
                'bridge',
                shape,
                c[0],
                c[1],
                r.angle,
                'free',
                margin=0.5,
                shadow=sc.rng.uniform(2, 4))


def _trees(sc: Scene) -> None:
    rng, s = sc.rng, sc.size
    for _ in range(int(rng.poisson(6 * sc.area))):
        c = rng.uniform(0, s, 2)
        spread = rng.uniform(4, 14)
        dark = jit(rng, (40, 80, 45), 10)
        for _ in range(int(rng.integers(4, 25))):
            p = c + rng.normal(0, spread, 2)
            x, y = int(p[0]), int(p[1])
            if not (0 <= x < s and 0 <= y < s) or sc.water[y, x] or sc.road[y,
                                                                            x]:
                continue
            r = rng.uniform(1.5, 4.0)
            cv2.circle(sc.img, (int(p[0] * 16), int(p[1] * 16)), int(r * 16),
                       jit(rng, dark, 8), -1, cv2.LINE_AA, 4)


# -- zones -----------------------------------------------------------------


def _airport(sc: Scene) -> None:
    rng = sc.rng
    # a scene under 243 px gets a smaller apron: a full one rarely fits it
    # at a random angle, and then the scene has no airport, so no plane
    aw = min(rng.uniform(90, 170), 0.7 * sc.size)
    ah = min(rng.uniform(55, 85), 0.45 * sc.size)
    z = sc.new_zone(aw, ah, over_roads=True)
    if z is None:
        return
    cx, cy, ang, zid = z
    sc.zone_pad(cx, cy, ang, aw, ah, gray(rng, 165, 200, 4))
    R = rot(ang)
    # taxi line (thin yellow) along the apron
    ty = -ah / 2 + rng.uniform(0.15, 0.25) * ah
    c = np.array([cx, cy]) + R @ (0, ty)
    fill(sc.img, obb_polygon(c[0], c[1], aw - 4, 1.0, ang), (60, 200, 230))
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
                plane_shape(rng, Lp),
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
        shape = plane_shape(rng, L * rng.uniform(0.8, 1.1))
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


def _parking(sc: Scene) -> None:
    rng = sc.rng
    lw, lh = rng.uniform(45, 100), rng.uniform(30, 66)
    z = sc.new_zone(lw, lh, over_roads=True)
    if z is None:
        return
    cx, cy, ang, zid = z
    asphalt = gray(rng, 60, 100, 3)
    sc.zone_pad(cx, cy, ang, lw, lh, asphalt, 4)
    R = rot(ang)
    trucks = rng.random() < 0.25  # a lorry park: dense large vehicles
    if trucks:
        cl, pitch = rng.uniform(15, 22), rng.uniform(8.0, 9.5)
    else:
        cl = rng.uniform(7, 11)
        pitch = cl * 0.47 + rng.uniform(1.8, 2.8)
    fill_rate = rng.uniform(0.45, 0.92)
    stripe = gray(rng, 170, 215, 2)
    y = -lh / 2 + 1.5
    row = 0
    while y + cl + 1 < lh / 2:
        yc = y + cl / 2
        # stall lines of this row
        for xs in np.arange(-lw / 2 + 1.5, lw / 2 - 1.0, pitch):
            c = np.array([cx, cy]) + R @ (xs, yc)
            fill(sc.img, obb_polygon(c[0], c[1], 0.8, cl + 1, ang), stripe)
        for xs in np.arange(-lw / 2 + 1.5 + pitch / 2, lw / 2 - pitch / 2,
                            pitch):
            if rng.random() > fill_rate:
                continue
            c = np.array([
                cx, cy
            ]) + R @ (xs + rng.normal(0, 0.25), yc + rng.normal(0, 0.4))
            a = ang + math.pi / 2 + (math.pi if rng.random() < 0.5 else 0.0)
            make = truck_shape if trucks else car_shape
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


def _tank_farm(sc: Scene) -> None:
    rng = sc.rng
    r = rng.uniform(5, 13)
    nx, ny = int(rng.integers(1, 5)), int(rng.integers(1, 4))
    gap = rng.uniform(3, 7)
    pw, ph = nx * (2 * r + gap) + gap, ny * (2 * r + gap) + gap
    z = sc.new_zone(pw, ph, over_roads=False)
    if z is None:
        return
    cx, cy, ang, zid = z
    sc.zone_pad(cx, cy, ang, pw, ph, jit(rng, (150, 160, 165), 15))
    R = rot(ang)
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
                tank_shape(rng, rr),
                c[0],
                c[1],
                0.0,
                'zone',
                0.5,
                zid,
                shadow=0.4 * rr)


def _tennis(sc: Scene) -> None:
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
    surround = jit(rng, [(70, 120, 75), (60, 90, 150),
                         (120, 120, 120)][int(rng.integers(3))], 10)
    sc.zone_pad(cx, cy, ang, pw, ph, surround, 3)
    surface = jit(rng, [(70, 145, 65), (160, 105, 45), (65, 100, 185),
                        (120, 150, 60)][int(rng.integers(4))], 10)
    R = rot(ang)
    for i in range(n):
        c = np.array([cx, cy]) + R @ (0, -ph / 2 + 2.5 + W / 2 + i * (W + gap))
        sc.try_place('tennis-court', court_shape(rng, L, surface), c[0], c[1],
                     ang, 'zone', 0.3, zid)


# -- scattered objects ------------------------------------------------------


def _ships(sc: Scene) -> None:
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
            ship_shape(rng, L),
            xs[k] + 0.5,
            ys[k] + 0.5,
            rng.uniform(-math.pi, math.pi),
            'water',
            2.0,
            shadow=0.8)
        placed += ok


def _traffic(sc: Scene) -> None:
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
                shape = (truck_shape if large else car_shape)(rng, L)
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


def _scattered_tanks(sc: Scene) -> None:
    rng, s = sc.rng, sc.size
    for _ in range(int(rng.poisson(1.2 * sc.area))):
        r = rng.uniform(4, 12)
        for _ in range(15):
            if sc.try_place(
                    'storage-tank',
                    tank_shape(rng, r),
                    *rng.uniform(0, s, 2),
                    0.0,
                    'land',
                    2.0,
                    shadow=0.4 * r):
                break


def _buildings(sc: Scene) -> None:
    rng, s = sc.rng, sc.size
    for _ in range(int(rng.poisson(16 * sc.area))):
        w, h = rng.uniform(9, 30), rng.uniform(9, 22)
        shape = building_shape(rng, w, h)
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


def generate_scene(rng: np.random.Generator,
                   size: int = 256,
                   zoom: float = 1.0) -> Tuple[np.ndarray, List[SceneObject]]:
    """Generate one synthetic remote-sensing scene.

    Object sizes are in absolute pixels (a fixed ground sampling distance),
    so a larger ``size`` gives a wider view with proportionally more
    objects. ``zoom`` makes the sampling distance finer: the scene of side
    ``round(size / zoom)`` is laid out and drawn, enlarged to ``size`` and
    only then given the sensor's blur and noise, so every object is ``zoom``
    times larger (cars 7-12 px become 14-24 px at zoom 2) and an image
    covers ``1 / zoom**2`` of the ground.

    Args:
        rng (np.random.Generator): Source of randomness; the result is a
            deterministic function of its state, ``size`` and ``zoom``.
        size (int): Side of the square image in pixels.
        zoom (float): Enlargement, >= 1; ``round(size / zoom)`` must be
            >= 128. 1 (the default) draws the scene at ``size`` directly.

    Returns:
        tuple[np.ndarray, list[SceneObject]]: The BGR ``uint8`` image of shape
        ``(size, size, 3)`` and its labelled objects (every one fully inside
        the image, oriented boxes not overlapping each other).
    """
    if not zoom >= 1:
        raise ValueError(f'zoom must be >= 1, got {zoom}')
    base = int(round(size / zoom))
    if base < 128:
        raise ValueError(
            f'size / zoom must be >= 128, got size={size}, zoom={zoom} '
            f'({base}): raise size or lower zoom')
    sc = Scene(rng, base)
    _terrain(sc)
    _water(sc)
    _roads(sc)
    _bridges(sc)
    _trees(sc)
    zone_makers = [(_airport, 0.6), (_parking, 0.9), (_tank_farm, 0.6),
                   (_tennis, 0.6)]
    plan = []
    for maker, rate in zone_makers:  # small scenes: as many as at 181 px
        plan += [maker] * int(rng.poisson(rate * max(sc.area, 0.5)))
    for k in rng.permutation(len(plan)):
        plan[int(k)](sc)
    _ships(sc)
    _traffic(sc)
    _scattered_tanks(sc)
    _buildings(sc)
    sc.render_objects()
    objects = sc.labelled()
    if base != size:
        objects = [_enlarge(o, size / base) for o in objects]
        sc.img = cv2.resize(
            sc.img, (size, size), interpolation=cv2.INTER_CUBIC)
        sc.size = size  # the sensor's noise is drawn at the output size
    return sensor(sc), objects


def _enlarge(obj: SceneObject, k: float) -> SceneObject:
    """``obj`` in an image enlarged ``k`` times (cv2.resize maps continuous
    coordinate ``x`` to ``k * x``)."""
    cx, cy, w, h, a = obj.obb
    return SceneObject(obj.kind, (cx * k, cy * k, w * k, h * k, a),
                       obj.polygon * k, tuple(v * k for v in obj.hbox))
