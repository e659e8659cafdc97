"""The port-of-entry digital twin: compiled FCFS kernels, port models and the engine."""

from smartborder.twin.errors import KernelInputError, ModelError, TwinError
from smartborder.twin.kernels import fcfs

__all__ = ["KernelInputError", "ModelError", "TwinError", "fcfs"]
