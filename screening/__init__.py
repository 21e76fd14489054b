"""screening: procurement-risk and supply-chain screening against public restricted-party lists."""

__version__ = "0.1.0"
