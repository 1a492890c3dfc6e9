"""The package's version, in a leaf of its own: the API client sends it in its User-Agent."""

__version__ = "0.1.0"
