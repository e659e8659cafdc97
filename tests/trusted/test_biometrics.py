"""The real matcher (OpenCV Haar + LBPH) on generated faces and a real photograph; templates
encrypted at rest; the error-rate measurement itself."""

import os

import numpy as np
import pytest

from smartborder.trusted import BiometricError
from smartborder.trusted.biometrics import decode_image, encode_png
from smartborder.trusted.biometrics.evaluate import Rate, choose_threshold, evaluate
from smartborder.trusted.biometrics.lbph import LBPHMatcher
from smartborder.trusted.biometrics.synthetic import face_set
from smartborder.trusted.biometrics.templates import TemplateCipher, new_key_text


@pytest.fixture(scope="module")
def faces() -> tuple[list[np.ndarray], list[int]]:
    return face_set(8, 3, seed=11)


def acquired(matcher: LBPHMatcher, images: list[np.ndarray], labels: list[int]) -> dict[int, list[np.ndarray]]:
    out: dict[int, list[np.ndarray]] = {}
    for image, label in zip(images, labels, strict=True):
        try:
            matcher.face(image)
        except BiometricError:
            continue
        out.setdefault(label, []).append(image)
    return out


def test_same_person_is_closer_than_others(faces) -> None:  # type: ignore[no-untyped-def]
    matcher = LBPHMatcher()
    people = acquired(matcher, *faces)
    wins = total = 0
    for label, samples in people.items():
        if len(samples) < 2:
            continue
        template = matcher.enrol(samples[0])
        genuine = matcher.distance(template, samples[1])
        impostors = [matcher.distance(template, s[1 if len(s) > 1 else 0]) for k, s in people.items() if k != label]
        wins += sum(genuine < d for d in impostors)
        total += len(impostors)
    assert wins / total > 0.9


def test_real_photograph_is_detected_and_verifies_against_itself() -> None:
    import cv2
    import matplotlib

    path = os.path.join(os.path.dirname(matplotlib.__file__), "mpl-data", "sample_data", "grace_hopper.jpg")
    with open(path, "rb") as fh:
        photo = decode_image(fh.read())
    matcher = LBPHMatcher()
    template = matcher.enrol(photo)
    darker = np.clip(photo.astype(np.float32) * 0.8 + np.random.default_rng(0).normal(0, 3, photo.shape), 0, 255)
    shifted = np.roll(darker.astype(np.uint8), (6, -5), axis=(0, 1))
    assert matcher.verify(template, shifted).match
    flipped_scene = cv2.flip(photo, 0)  # upside down: no frontal face
    with pytest.raises(BiometricError, match="no face found"):
        matcher.enrol(flipped_scene)


def test_images_round_trip_and_bad_bytes() -> None:
    image = face_set(1, 1, seed=3)[0][0]
    assert np.array_equal(decode_image(encode_png(image)), image)
    with pytest.raises(BiometricError, match="not a PNG or JPEG") as exc:
        decode_image(b"GIF89a")
    assert exc.value.field == "image"


def test_templates_are_encrypted_and_bound_to_their_person() -> None:
    cipher = TemplateCipher.from_text(new_key_text())
    sealed = cipher.seal(b"LBPH1template", "p1")
    assert b"template" not in sealed
    assert cipher.open(sealed, "p1") == b"LBPH1template"
    with pytest.raises(BiometricError, match="belongs to someone else"):
        cipher.open(sealed, "p2")
    with pytest.raises(BiometricError, match="belongs to someone else"):
        TemplateCipher.from_text(new_key_text()).open(sealed, "p1")
    with pytest.raises(BiometricError, match="expected 32 bytes"):
        TemplateCipher(b"short")


def test_threshold_choice_and_rates() -> None:
    impostor = np.arange(100, 200, dtype=float)  # 100 impostor distances
    t = choose_threshold(impostor, 0.01)
    assert (impostor <= t).sum() == 1
    assert Rate(0, 300).upper95() == pytest.approx(0.00994, abs=1e-4)  # ~ the rule of three
    assert Rate(3, 100).value == 0.03


def test_evaluation_measures_both_error_rates() -> None:
    result = evaluate(LBPHMatcher(), identities=10, samples=3, dev_identities=8)
    d = result.as_dict()
    assert d["fmr"]["trials"] > d["fnmr"]["trials"] > 0
    assert 0 <= d["fmr"]["rate"] <= 0.1 and 0 <= d["fnmr"]["rate"] <= 0.5
    assert result.threshold == result.chosen_threshold


def test_configured_threshold_is_the_development_choice() -> None:
    """programs.toml's threshold must be what the documented protocol chooses (seed 1, FMR 1 %)."""
    result = evaluate(LBPHMatcher(), identities=2, samples=4)  # the development set: 40 identities x 4
    assert result.chosen_threshold == LBPHMatcher().threshold


def test_a_decompression_bomb_is_refused_from_its_header() -> None:
    """A PNG or JPEG that claims more pixels than a face sample needs is refused before decoding
    (a 1.25 MB PNG of 20,000 × 20,000 costs ~0.8 GB to decode): only the header is read."""
    import struct
    import zlib

    import cv2

    from smartborder.trusted.biometrics.matcher import MAX_PIXELS, image_size

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 20_000, 20_000, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\0" * 100_000))
        + chunk(b"IEND", b"")
    )
    assert image_size(bomb) == (20_000, 20_000)
    with pytest.raises(BiometricError, match="20000 × 20000 pixels is more than a face sample needs") as exc:
        decode_image(bomb)
    assert exc.value.field == "image"
    image = face_set(1, 1, seed=3)[0][0]
    ok, jpeg = cv2.imencode(".jpg", image)
    assert ok and image_size(bytes(jpeg)) == (image.shape[1], image.shape[0])
    assert image_size(encode_png(image)) == (image.shape[1], image.shape[0])
    assert decode_image(bytes(jpeg)).shape == image.shape
    wide = np.zeros((1, MAX_PIXELS // 1000 + 1), dtype=np.uint8)  # a sliver over the bound, decodable
    with pytest.raises(BiometricError, match="more than a face sample needs"):
        decode_image(encode_png(np.tile(wide, (1001, 1))))
