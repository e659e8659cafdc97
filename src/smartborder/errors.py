"""The one exception every smartborder error derives from.

Each subsystem adds its own root below this one::

    SmartborderError
    ├── InputFileError              a TOML input file is missing, not TOML or fails its schema
    ├── data.DataError              bad port, measure or period; missing data
    ├── observations.ObservationsError  a CBP readings file cannot be read
    ├── twin.TwinError              the engine's: invalid model or kernel input
    │   ├── ModelError
    │   └── KernelInputError
    ├── ports.PortError             a port model cannot be built or changed as asked
    ├── policy.AnalysisError        a study, fit or decision cannot be made as asked
    ├── cli.UsageError              command-line options that cannot go together
    ├── rules.RuleError             a history or application the rules cannot judge
    ├── targeting.TargetingError, custody.CustodyError, trusted.TrustedError  the services' domains
    └── service.ServiceError        the HTTP API's refusals (each with its status)

``tests/test_errors.py`` holds the tree: every exception class smartborder defines derives from
``SmartborderError``, and each layer raises its own (the analysis never raises the engine's).

Messages say what was expected, what was received and how to fix it, so that the CLI can
print them as they are.
"""


class SmartborderError(Exception):
    """Root of all errors raised on purpose by smartborder."""


class InputFileError(SmartborderError, ValueError):
    """A TOML input file (model, scenario, staffing, study) is missing, not TOML, or fails its schema."""
