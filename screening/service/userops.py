"""People who sign in to the web application: accounts per tenant, passwords, sessions
(issue 16). Mixed into `Screening`."""

from __future__ import annotations


class UserOps:
    """Use cases of people's accounts and sessions."""
