"""The tenant-facing half of `Screening` (issue 15): keys, the vendor master, reviews, alerts
and re-screening, webhooks, the audit trail. A mixin, so the faces still call one object."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from sqlmodel import Session

from ..errors import InputError
from ..schemas.accounts import KeyInfo, NewKey, Principal
from ..schemas.monitoring import (
    AlertOut,
    AuditRecord,
    DeliveryOut,
    NewWebhook,
    RescreenRun,
    ReviewIn,
    ReviewOut,
    WebhookIn,
    WebhookOut,
)
from ..schemas.sources import RefreshOutcome
from ..schemas.vendors import Vendor, VendorImport, VendorIn
from ..settings import Settings
from . import accounts, audit, leader, monitor, rescore, reviews, vendors, webhookstore
from .active import active_view
from .audit import CLI


class TenantOps:
    session: Session
    settings: Settings

    # -- accounts ----------------------------------------------------------------------------
    def create_key(
        self, tenant: str, role: str, name: str | None = None, who: Principal = CLI
    ) -> NewKey:
        made = accounts.create_key(self.session, tenant, role, name)
        self.audit(who, "key.create", made.prefix, tenant=tenant, detail={"role": role})
        return made

    def keys(self, tenant: str | None = None) -> list[KeyInfo]:
        return accounts.list_keys(self.session, tenant)

    def revoke_key(self, prefix: str, tenant: str | None = None, who: Principal = CLI) -> KeyInfo:
        done = accounts.revoke_key(self.session, prefix, tenant)
        self.audit(who, "key.revoke", done.prefix, tenant=done.tenant)
        return done

    def authenticate(self, secret: str) -> Principal | None:
        return accounts.authenticate(self.session, secret)

    def has_keys(self) -> bool:
        return accounts.has_keys(self.session)

    # -- the vendor master ---------------------------------------------------------------------
    def add_vendor(self, item: VendorIn, tenant: str = "default", who: Principal = CLI) -> Vendor:
        made = vendors.add_vendor(self.session, self.settings, tenant, item)
        self._audit_vendor(who, tenant, "vendor.add", made)
        return made

    def _audit_vendor(self, who: Principal, tenant: str, action: str, v: Vendor) -> None:
        hits = [li.entity_id for h in v.screening.hits for li in h.listings]
        self.audit(
            who,
            action,
            v.id,
            tenant=tenant,
            snapshots=v.screening.snapshots,
            detail={"name": v.name, "hits": hits},
        )

    def vendor(self, vendor_id: str, tenant: str = "default") -> Vendor:
        return vendors.get_vendor(self.session, tenant, vendor_id)

    def delete_vendor(self, vendor_id: str, tenant: str = "default", who: Principal = CLI) -> None:
        vendors.delete_vendor(self.session, tenant, vendor_id)
        self.audit(who, "vendor.delete", vendor_id, tenant=tenant)

    def vendors(
        self,
        tenant: str = "default",
        *,
        has_hits: bool | None = None,
        reviewed: bool | None = None,
        tier: str | None = None,
        name: str | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> list[Vendor]:
        return vendors.list_vendors(
            self.session,
            tenant,
            has_hits=has_hits,
            reviewed=reviewed,
            tier=tier,
            name=name,
            limit=limit,
            offset=offset,
        )

    def import_vendors(
        self, data: bytes, filename: str, tenant: str = "default", who: Principal = CLI
    ) -> VendorImport:
        """A vendor CSV stored whole (every row screened), or refused whole naming bad rows."""
        if len(data) > self.settings.max_upload_bytes:
            raise InputError(f"{filename}: over the {self.settings.max_upload_bytes}-byte limit")
        items = vendors.read_vendor_csv(data, filename, self.settings.max_upload_rows)
        done = vendors.import_vendors(self.session, self.settings, tenant, items)
        for v in done.vendors:
            self._audit_vendor(who, tenant, "vendor.import", v)
        self.session.commit()
        return done

    # -- reviews -------------------------------------------------------------------------------
    def review(self, vendor_id: str, item: ReviewIn, who: Principal = CLI) -> ReviewOut:
        return reviews.add_review(self.session, who, vendor_id, item)

    def reviews(self, vendor_id: str, tenant: str = "default") -> list[ReviewOut]:
        return reviews.list_reviews(self.session, tenant, vendor_id)

    # -- re-screening and alerts -----------------------------------------------------------------
    def lists_changed(self, why: str, outcomes: Sequence[RefreshOutcome]) -> int | None:
        """Record a re-screening job when a snapshot became active (nothing when none did)."""
        switched = [o for o in outcomes if o.result == "created"]
        if not switched:
            return None
        trigger = {
            "why": why,
            "sources": {o.source_id: [o.previous_version, o.version] for o in switched},
        }
        if why != "custom-list":  # public lists change for every tenant: recorded once, here
            self.audit(CLI, f"lists.{why}", None, detail=trigger)
        return monitor.enqueue(self.session, trigger)

    def rescreen(self, max_vendors: int | None = None) -> RescreenRun:
        """Re-screen every vendor screened under older list versions, then score again every
        stored inventory scored under them; alerts for changes of outcome."""
        run = monitor.run_rescreen(self.session, self.settings, max_vendors)
        if max_vendors is None:
            reports, raised = rescore.run_rescore(self.session, self.settings)
            run.inventories, run.alerts = reports, run.alerts + raised
        return run

    def alerts(
        self,
        tenant: str = "default",
        *,
        after_id: int = 0,
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[AlertOut]:
        return monitor.alerts_feed(
            self.session, tenant, after_id=after_id, since=since, limit=limit
        )

    # -- webhooks ------------------------------------------------------------------------------
    def add_webhook(self, item: WebhookIn, who: Principal = CLI) -> NewWebhook:
        made = webhookstore.add(self.session, self.settings, who.tenant, item)
        self.audit(who, "webhook.add", made.id, detail={"url": made.url, "events": made.events})
        return made

    def webhooks(self, tenant: str = "default") -> list[WebhookOut]:
        return webhookstore.listed(self.session, tenant)

    def delete_webhook(self, hook_id: str, who: Principal = CLI) -> None:
        webhookstore.remove(self.session, who.tenant, hook_id)
        self.audit(who, "webhook.delete", hook_id)

    def deliveries(self, hook_id: str, tenant: str = "default") -> list[DeliveryOut]:
        return webhookstore.deliveries(self.session, tenant, hook_id)

    def redeliver(self, hook_id: str, delivery_id: int, who: Principal = CLI) -> DeliveryOut:
        out = webhookstore.redeliver(self.session, who.tenant, hook_id, delivery_id)
        self.audit(who, "webhook.redeliver", hook_id, detail={"delivery": delivery_id})
        return out

    def deliver_due(self, limit: int = 50) -> int:
        """Attempt the deliveries that are due; the number attempted."""
        return webhookstore.deliver_due(self.session, self.settings, limit)

    # -- the refresh leader --------------------------------------------------------------------
    def leadership(self) -> AbstractContextManager[leader.Leadership]:
        """Candidacy for leading the scheduled refresh (released on exit)."""
        return leader.leading(self.session.get_bind().engine, self.settings.state_dir)

    def refresh_leader(self) -> str | None:
        """Who leads the scheduled refresh now, or None."""
        return leader.leader(self.session.get_bind().engine, self.settings.state_dir)

    # -- the audit trail -----------------------------------------------------------------------
    def audit(
        self,
        who: Principal,
        action: str,
        target: str | None = None,
        *,
        tenant: str | None = None,
        snapshots: dict[str, str] | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Append one audit entry and commit it (with whatever the caller has pending)."""
        audit.record(
            self.session,
            who,
            action,
            target,
            tenant=tenant,
            snapshots=snapshots if snapshots is not None else active_view(self.session).versions,
            detail=detail,
        )
        self.session.commit()

    def audit_entries(
        self,
        tenant: str = "default",
        *,
        action: str | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        after_id: int = 0,
        limit: int = 100,
    ) -> list[AuditRecord]:
        return audit.entries(
            self.session,
            tenant,
            action=action,
            actor=actor,
            since=since,
            after_id=after_id,
            limit=limit,
        )
