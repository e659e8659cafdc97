"""A generated face set for measuring a matcher when no licensed photo set may be shipped.

Each identity is a fixed draw of facial geometry and skin texture (face shape, eye spacing and
size, brows, nose, mouth, hairline, a per-person blotch pattern); each *sample* of that identity
adds nuisance a booth camera sees: lighting level and side-light gradient, a small shift,
rotation and scale, expression (mouth curve, eye opening), blur and sensor noise.

What this can tell: whether the matcher separates identity from that nuisance, and how its
error rates move with the threshold. What it cannot tell: error rates on real faces (real
variation — age, pose, glasses, make-up, look-alikes, demographics — is richer than this), so
figures from it are a regression check of the pipeline, not a claim about field performance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIZE = 128


@dataclass(frozen=True)
class Identity:
    """Geometry (pixels at SIZE) and texture seed of one synthetic person."""

    face_w: float
    face_h: float
    skin: float
    eye_dx: float
    eye_y: float
    eye_r: float
    brow_dy: float
    brow_tilt: float
    brow_w: float
    nose_len: float
    nose_w: float
    mouth_y: float
    mouth_w: float
    hair_y: float
    texture: np.ndarray  # SIZE x SIZE smooth blotches, fixed per person


def identity(rng: np.random.Generator) -> Identity:
    import cv2

    noise = rng.normal(0, 1, (16, 16)).astype(np.float32)
    texture = cv2.GaussianBlur(cv2.resize(noise, (SIZE, SIZE), interpolation=cv2.INTER_CUBIC), (0, 0), 3)
    return Identity(
        face_w=rng.uniform(38, 50),
        face_h=rng.uniform(50, 60),
        skin=rng.uniform(120, 200),
        eye_dx=rng.uniform(16, 24),
        eye_y=rng.uniform(-14, -6),
        eye_r=rng.uniform(3.5, 6.5),
        brow_dy=rng.uniform(7, 12),
        brow_tilt=rng.uniform(-4, 4),
        brow_w=rng.uniform(7, 12),
        nose_len=rng.uniform(12, 22),
        nose_w=rng.uniform(4, 9),
        mouth_y=rng.uniform(20, 30),
        mouth_w=rng.uniform(10, 20),
        hair_y=rng.uniform(-58, -40),
        texture=texture * rng.uniform(10, 25),
    )


def render(person: Identity, rng: np.random.Generator, nuisance: float = 1.0) -> np.ndarray:
    """One grayscale uint8 SIZE x SIZE sample of *person*; *nuisance* scales the variation."""
    import cv2

    n = nuisance
    img: np.ndarray = np.full((SIZE, SIZE), 60 + rng.uniform(-20, 20) * n, np.float32)
    cx, cy = SIZE / 2, SIZE / 2 + 4
    face = np.zeros_like(img)
    cv2.ellipse(face, (int(cx), int(cy)), (int(person.face_w), int(person.face_h)), 0, 0, 360, 1.0, -1)
    img = np.where(face > 0, person.skin + person.texture, img)
    hair = (np.arange(SIZE)[:, None] < cy + person.hair_y + 12) & (face > 0)
    img[hair] = person.skin * 0.35
    smile = rng.uniform(-4, 6) * n
    opening = max(1.0, person.eye_r * (1 - rng.uniform(0, 0.4) * n))
    dark = person.skin * 0.25
    for side in (-1, 1):
        ex, ey = cx + side * person.eye_dx, cy + person.eye_y
        cv2.ellipse(img, (int(ex), int(ey)), (int(person.eye_r * 1.6), int(opening)), 0, 0, 360, 235, -1)
        cv2.circle(img, (int(ex), int(ey)), int(max(1.0, opening * 0.8)), dark, -1)
        by = ey - person.brow_dy
        cv2.line(
            img,
            (int(ex - person.brow_w), int(by - side * person.brow_tilt / 2)),
            (int(ex + person.brow_w), int(by + side * person.brow_tilt / 2)),
            dark,
            3,
        )
    cv2.line(
        img,
        (int(cx), int(cy + person.eye_y + 4)),
        (int(cx - 2), int(cy + person.eye_y + person.nose_len)),
        person.skin * 0.7,
        2,
    )
    cv2.ellipse(
        img,
        (int(cx), int(cy + person.eye_y + person.nose_len)),
        (int(person.nose_w), 3),
        0,
        0,
        180,
        person.skin * 0.5,
        -1,
    )
    cv2.ellipse(
        img,
        (int(cx), int(cy + person.mouth_y)),
        (int(person.mouth_w), int(abs(smile)) + 1),
        0,
        0 if smile >= 0 else 180,
        180 if smile >= 0 else 360,
        person.skin * 0.4,
        2,
    )
    # Nuisance: pose (shift, rotation, scale), light (level, side gradient), blur, noise.
    angle, scale = rng.uniform(-6, 6) * n, 1 + rng.uniform(-0.06, 0.06) * n
    m = np.asarray(cv2.getRotationMatrix2D((cx, cy), angle, scale), np.float64)
    m[:, 2] += rng.uniform(-4, 4, 2) * n
    img = cv2.warpAffine(img, m, (SIZE, SIZE), borderMode=cv2.BORDER_REFLECT)
    gradient = np.linspace(-1, 1, SIZE, dtype=np.float32)[None, :] * rng.uniform(-35, 35) * n
    img = img * (1 + rng.uniform(-0.25, 0.25) * n) + gradient
    img = cv2.GaussianBlur(img, (0, 0), 0.5 + rng.uniform(0, 1.0) * n)
    img = img + rng.normal(0, 2 + 5 * n, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def face_set(identities: int, samples: int, seed: int, nuisance: float = 1.0) -> tuple[list[np.ndarray], list[int]]:
    """*samples* images of each of *identities* people; labels are 0..identities-1."""
    rng = np.random.default_rng(seed)
    people = [identity(rng) for _ in range(identities)]
    images, labels = [], []
    for label, person in enumerate(people):
        for _ in range(samples):
            images.append(render(person, rng, nuisance))
            labels.append(label)
    return images, labels
