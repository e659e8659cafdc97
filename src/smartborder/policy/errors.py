"""Errors of the analysis layer (studies, fitting, deciding).

AnalysisError   a study, calibration, forecast, plan or scorecard cannot be made as asked:
                observations that do not cover the period, a budget below every option, a
                target no staffing reaches. Messages name the field, not the command-line flag
                (the CLI adds those).

The engine's own refusal (``twin.ModelError``: the model handed to it is invalid), the port
models' (``ports.PortError``) and an input file's (``InputFileError``) pass through the analysis
unchanged; ``REFUSALS`` names them with this one for the places that skip what cannot be modelled.
"""

from smartborder.errors import InputFileError, SmartborderError
from smartborder.ports.errors import PortError
from smartborder.twin.errors import ModelError


class AnalysisError(SmartborderError, ValueError):
    """A study, fit or decision cannot be made as asked; the message names the field."""


#: What a model that cannot be built or run raises, at any layer below the analysis.
REFUSALS: tuple[type[SmartborderError], ...] = (ModelError, PortError, AnalysisError, InputFileError)
