"""The vendor master of the caller's tenant (issue 15). Analysts write; every role reads."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from ...schemas.vendors import Vendor, VendorImport, VendorIn
from ..auth import Reader, Writer
from ..deps import ScreeningDep
from ..uploads import RawBody
from . import MAX_DB_INT

router = APIRouter(prefix="/v1", tags=["vendors"])


@router.post("/vendors", response_model=Vendor, status_code=201)
def add_vendor(item: VendorIn, who: Writer, svc: ScreeningDep) -> Vendor:
    """Add a supplier to the vendor master: it is screened against every active list now (the
    hits and the list versions are in `screening`) and again whenever a list changes."""
    return svc.add_vendor(item, who.tenant, who=who)


@router.get("/vendors", response_model=list[Vendor])
def list_vendors(
    who: Reader,
    svc: ScreeningDep,
    has_hits: Annotated[
        bool | None, Query(description="only vendors with (or without) a hit")
    ] = None,
    reviewed: Annotated[
        bool | None, Query(description="only vendors whose every hit is (or is not) reviewed")
    ] = None,
    tier: Annotated[
        Literal["high", "medium", "low", "none"] | None, Query(description="only this tier")
    ] = None,
    name: Annotated[str | None, Query(max_length=200, description="name contains")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_DB_INT)] = 0,
) -> list[Vendor]:
    """The tenant's vendors by name, with their current screening."""
    return svc.vendors(
        who.tenant,
        has_hits=has_hits,
        reviewed=reviewed,
        tier=tier,
        name=name,
        limit=limit,
        offset=offset,
    )


@router.post("/vendors/import", response_model=VendorImport, status_code=201)
def import_vendors(
    who: Writer,  # before the body: an unauthenticated caller is refused before it is read
    data: RawBody,
    svc: ScreeningDep,
) -> VendorImport:
    """Import vendors from a CSV body (header `name`; optional `country`, `identifiers` split on
    `;`, `external_id`). Every row is stored and screened, or none: a file with a bad row is
    refused whole, naming the rows. Bounded by the upload size and row limits."""
    return svc.import_vendors(data, "vendors.csv", who.tenant, who=who)


@router.get("/vendors/{vendor_id}", response_model=Vendor)
def get_vendor(vendor_id: str, who: Reader, svc: ScreeningDep) -> Vendor:
    """One vendor with its hits (404 for an unknown id, or another tenant's)."""
    return svc.vendor(vendor_id, who.tenant)


@router.delete("/vendors/{vendor_id}", status_code=204, response_class=Response)
def delete_vendor(vendor_id: str, who: Writer, svc: ScreeningDep) -> Response:
    """Remove a vendor from the vendor master."""
    svc.delete_vendor(vendor_id, who.tenant, who=who)
    return Response(status_code=204)
