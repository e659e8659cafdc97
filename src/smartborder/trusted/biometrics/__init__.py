"""Biometric 1:1 verification: the matcher interface, the OpenCV LBPH matcher, encrypted
templates, a generated face set and the error-rate measurement. OpenCV loads lazily."""

from smartborder.trusted.biometrics.matcher import Matcher, MatchResult, decode_image, encode_png

__all__ = ["MatchResult", "Matcher", "decode_image", "encode_png"]
