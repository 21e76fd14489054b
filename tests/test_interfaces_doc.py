"""The contract in the repository stays in step with the typed models and the OpenAPI."""

from __future__ import annotations

from typing import Any

from screening.schemas.docs import END, START, models_markdown
from screening.settings import REPO_ROOT

DOC = REPO_ROOT / "docs" / "interfaces.md"


def test_the_typed_results_section_is_the_models() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert START in text and END in text, "docs/interfaces.md lost its generated section"
    current = START + text.split(START, 1)[1].split(END, 1)[0] + END + "\n"
    assert current == models_markdown(), (
        "docs/interfaces.md differs from the models: run .venv/bin/python scripts/gen_interfaces.py"
    )


def test_the_readme_points_at_the_contract_in_the_repository() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/interfaces.md" in readme


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = spec["components"]["schemas"][name]
    return schema


def test_every_json_response_declares_its_fields() -> None:
    """No JSON endpoint documents its answer as a bare object: each names its fields (or is an
    array of a model that does)."""
    from screening.api.app import create_app

    spec = create_app().openapi()
    bare = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for status, resp in op.get("responses", {}).items():
                content = resp.get("content", {}).get("application/json")
                if content is None:
                    continue
                schema = _resolve(spec, content.get("schema", {}))
                if schema.get("type") == "array":
                    schema = _resolve(spec, schema.get("items", {}))
                # A map keyed by the client's own keys (a reconciliation result batch): its values
                # name their fields.
                if isinstance(schema.get("additionalProperties"), dict):
                    schema = _resolve(spec, schema["additionalProperties"])
                if not schema.get("properties") and not schema.get("anyOf"):
                    bare.append(f"{method.upper()} {path} {status}")
    assert not bare, f"responses without declared fields: {bare}"


def test_errors_are_documented_with_the_one_shape() -> None:
    from screening.api.app import create_app

    spec = create_app().openapi()
    op = spec["paths"]["/v1/entities/{entity_id}"]["get"]
    for status in ("404", "400", "422"):
        schema = _resolve(spec, op["responses"][status]["content"]["application/json"]["schema"])
        assert list(schema["properties"]) == ["detail"]
        assert schema["properties"]["detail"]["type"] == "string"
