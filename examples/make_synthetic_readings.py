"""Regenerate examples/synthetic_readings_donna.csv: SYNTHETIC CBP-style readings, not real data.

Three weeks (2026-08-03..23) of hourly readings for the Donna-Rio Bravo bridge's cars, as CBP's
Border Wait Times would publish them if the crossing ran exactly as a known model: Donna's
default model with primary service x1.9 (standard lanes) and x1.6 (Ready Lane), an evening-heavy
arrival shape and 35 % of drivers who never switch lanes, driven by the real volumes of August
2025; each reading is the simulated wait plus Gaussian noise (3 min), rounded to 5 minutes.
The calibration walk in the README fits these numbers back. Run from the repository root::

    .venv/bin/python examples/make_synthetic_readings.py
"""

from pathlib import Path

from smartborder.policy.fitting.calibration import ClassFit, apply_fit
from smartborder.policy.fitting.synthetic import synthesize
from smartborder.ports import default_spec

spec = default_spec("donna", 2024)
cls = spec.classes["pov"]
truth = ClassFit(
    "pov", ["standard", "Ready"], {"standard": 1.9, "Ready": 1.6}, (0.25, -0.2, 0.0, 0.0), 0.35, None, 0, 0.0, 0
)
cls = apply_fit(cls, truth, spec.staffing_rule, 1.0)
cls.seasonal = False
spec = spec.model_copy(update={"classes": {"pov": cls}})
frame = synthesize(spec, "2026-08-03", 21, "2025-08", seed=11, noise=3.0)
path = Path(__file__).with_name("synthetic_readings_donna.csv")
frame.to_csv(path, index=False)
print(f"{path}: {len(frame)} synthetic readings")
