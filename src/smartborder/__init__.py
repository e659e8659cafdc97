"""smartborder — a digital twin and operational services for the US–Mexico border.

Data flows one way: ``data`` (real BTS/CBP figures) → ``twin`` (the port simulation)
→ reports and the CLI.
"""

from smartborder.errors import SmartborderError

__version__ = "0.1.0"
__all__ = ["SmartborderError", "__version__"]
