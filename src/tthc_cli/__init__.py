"""tthc: deadlines and compliance for Vietnamese commune plans."""

__version__ = "0.1.0"
