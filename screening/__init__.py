"""screening: procurement-risk and supply-chain screening against public restricted-party lists."""

from . import native

__version__ = "0.1.0"

# The compiled matching core, when it was built from these very sources (screening/native.py).
native.install()
