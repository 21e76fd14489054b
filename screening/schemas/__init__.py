"""The typed results every face shows: Pydantic models the service returns, the API declares as
response models and the renderers read. `docs/interfaces.md` documents them; a test keeps the
two in step."""
