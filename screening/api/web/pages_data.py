"""Web pages (issue 16) for data: inventories and quotes, the lists and their diffs, and the
administration of the tenant (keys, webhooks, users, the audit trail). Each part has its own
module; this router gathers them for `mount`."""

from __future__ import annotations

from fastapi import APIRouter

from . import pages_admin, pages_inventories, pages_lists

router = APIRouter(include_in_schema=False)
router.include_router(pages_inventories.router)
router.include_router(pages_lists.router)
router.include_router(pages_admin.router)
