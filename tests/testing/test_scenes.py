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
