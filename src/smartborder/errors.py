"""The one exception every smartborder error derives from.

Each subsystem adds its own root below this one::

    SmartborderError
    ├── data.DataError          bad port, measure or period; missing data
    ├── twin.TwinError          invalid model, kernel input or scenario
    └── rules.RuleError         a history or application the rules cannot judge

Messages say what was expected, what was received and how to fix it, so that the CLI can
print them as they are.
"""


class SmartborderError(Exception):
    """Root of all errors raised on purpose by smartborder."""
