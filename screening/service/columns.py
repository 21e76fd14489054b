"""The inventory and purchase-order column documentation, for the faces (the commands' --help):
re-exported from screening.inventories.columns, which renders it from the header tables."""

from ..inventories.columns import columns_help, columns_markdown

__all__ = ["columns_help", "columns_markdown"]
