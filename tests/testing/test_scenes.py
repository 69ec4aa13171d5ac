# Copyright (c) mmadmd contributors. All rights reserved.
"""Synthetic scenes: geometry, content, determinism of generate_scene."""
import math

import cv2
import numpy as np
import pytest

from mmadmd.testing import KINDS, generate_scene


@pytest.fixture(scope='module')
def scenes():
    """16 scenes of 256 px: enough for every kind to show up."""
    return [
        generate_scene(np.random.default_rng([7, i]), 256) for i in range(16)
    ]


def _shoelace(poly: np.ndarray) -> float:
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


# ---------------------------------------------------------------------------
# generate_scene
# ---------------------------------------------------------------------------


def test_scene_image_and_geometry(scenes):
    for image, objects in scenes:
        assert image.shape == (256, 256, 3) and image.dtype == np.uint8
        assert image.std() > 10  # textured, not flat
        for o in objects:
            assert o.kind in KINDS
            cx, cy, w, h, a = o.obb
            assert w > 0 and h > 0 and -math.pi / 2 <= a < math.pi / 2
            assert o.polygon.shape == (4, 2)
            # polygon == corners of the oriented box, clockwise on screen
            np.testing.assert_allclose(o.polygon.mean(0), (cx, cy), atol=1e-6)
            assert _shoelace(o.polygon) == pytest.approx(w * h, rel=1e-6)
            assert np.linalg.norm(o.polygon[1] - o.polygon[0]) == \
                pytest.approx(w)
            # hbox == polygon bounds clipped to the image
            lo = np.clip(o.polygon.min(0), 0, 256)
            hi = np.clip(o.polygon.max(0), 0, 256)
            np.testing.assert_allclose(o.hbox, (*lo, *hi), atol=1e-9)
            x0, y0, x1, y1 = o.hbox
            assert 0 <= x0 < x1 <= 256 and 0 <= y0 < y1 <= 256
            # objects are placed fully inside the image
            assert o.polygon.min() >= 0 and o.polygon.max() <= 256


def test_scene_objects_do_not_overlap(scenes):
    for _, objects in scenes:
        polys = [o.polygon.astype(np.float32) for o in objects]
        boxes = np.array([o.hbox for o in objects])
        for i in range(len(objects)):
            for j in range(i + 1, len(objects)):
                if (boxes[i, 0] >= boxes[j, 2] or boxes[j, 0] >= boxes[i, 2]
                        or boxes[i, 1] >= boxes[j, 3]
                        or boxes[j, 1] >= boxes[i, 3]):
                    continue
                inter, _ = cv2.intersectConvexConvex(polys[i], polys[j])
                assert inter < 0.5, (objects[i].kind, objects[j].kind)


def test_all_kinds_and_small_dense_objects(scenes):
    kinds = {o.kind for _, objects in scenes for o in objects}
    assert kinds == set(KINDS)
    sides = np.array(
        [max(o.obb[2], o.obb[3]) for _, objs in scenes for o in objs])
    assert (sides < 16).sum() >= 50  # plenty of small objects
    assert sides.max() > 30  # and large ones: a wide range of scales
    assert max(len(objs) for _, objs in scenes) >= 30  # dense scenes


def test_objects_are_drawn(scenes):
    """Objects stand out from their surroundings (exact boxes on shapes)."""
    image, objects = next(
        s for s in scenes if any(o.kind == 'storage-tank' for o in s[1]))
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32)
    for o in objects:
        if o.kind != 'storage-tank' or o.obb[2] < 10:
            continue
        cx, cy, w, _, _ = o.obb
        r = w / 2
        inner = gray[int(cy - r / 3):int(cy + r / 3),
                     int(cx - r / 3):int(cx + r / 3)]
        assert inner.mean() > 120  # bright tank roof


def test_scene_determinism():
    a_img, a_obj = generate_scene(np.random.default_rng(5), 200)
    b_img, b_obj = generate_scene(np.random.default_rng(5), 200)
    c_img, _ = generate_scene(np.random.default_rng(6), 200)
    assert np.array_equal(a_img, b_img)
    assert [o.obb for o in a_obj] == [o.obb for o in b_obj]
    assert not np.array_equal(a_img, c_img)
    with pytest.raises(ValueError):
        generate_scene(np.random.default_rng(0), 64)


# ---------------------------------------------------------------------------
# zoom (a finer ground sampling distance)
# ---------------------------------------------------------------------------


def test_zoom_enlarges_the_same_layout():
    """At zoom 2 a 256 px scene is the 128 px layout drawn twice as large:
    same objects, every box doubled, and the boxes still on the shapes."""
    small_img, small = generate_scene(np.random.default_rng([3, 1]), 128)
    big_img, big = generate_scene(np.random.default_rng([3, 1]), 256, 2.0)
    assert big_img.shape == (256, 256, 3) and big
    assert [o.kind for o in big] == [o.kind for o in small]
    for b, s in zip(big, small):
        np.testing.assert_allclose(b.obb[:4], np.array(s.obb[:4]) * 2)
        assert b.obb[4] == s.obb[4]
        np.testing.assert_allclose(b.polygon, s.polygon * 2)
        np.testing.assert_allclose(b.hbox, np.array(s.hbox) * 2)
    # the enlarged image shows the small one's content where its boxes say
    down = cv2.resize(big_img, (128, 128), interpolation=cv2.INTER_AREA)
    diff = np.abs(down.astype(int) - small_img.astype(int)).mean()
    assert diff < 12, diff  # both carry their own sensor noise and blur


def test_zoom_gives_larger_objects_and_every_kind():
    """Zoom 2 is what the demo uses: no object under 13 px, and a small
    layout still gets airports (planes) and the other zones."""
    scenes = [
        generate_scene(np.random.default_rng([0, i]), 256, 2.0)
        for i in range(1, 41)
    ]
    objects = [o for _, objs in scenes for o in objs]
    sides = np.array([max(o.obb[2], o.obb[3]) for o in objects])
    assert sides.min() >= 13 and np.median(sides) > 20
    assert {o.kind for o in objects} == set(KINDS)


def test_zoom_errors_name_the_fix():
    with pytest.raises(ValueError, match='zoom must be >= 1'):
        generate_scene(np.random.default_rng(0), 256, 0.5)
    with pytest.raises(ValueError, match='raise size or lower zoom'):
        generate_scene(np.random.default_rng(0), 256, 2.5)
