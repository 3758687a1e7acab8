"""Read a paraminfo snapshot (and its overrides) into plain module/parameter descriptions.

A snapshot is the ``paraminfo`` member of ``action=paraminfo&modules=main|main+**`` in
formatversion 2 (see :mod:`mwtyped.schema._pull`). Overrides fix upstream quirks, each with
its reason: ``{"modules": {"<path>": {"params": {"<name>": {<key>: <value>}}}, "reason": ...}}``.

Example::

    snapshot = load_snapshot(Path("schemas/snapshots/mediawiki-1.39-core.json"))
    edit = snapshot.module("edit")
    [p.wire for p in edit.params][:3]     # ['title', 'pageid', 'section']
"""

from __future__ import annotations

import hashlib
import json
import keyword
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ModuleSpec", "ParamSpec", "Snapshot", "load_snapshot"]

# Format modules are folded away: mwtyped always asks for JSON.
SKIPPED_GROUPS = frozenset({"format"})


@dataclass(frozen=True)
class ParamSpec:
    """One parameter as paraminfo describes it (prefix included in ``wire``)."""

    name: str
    wire: str
    type: str | tuple[str, ...]
    multi: bool = False
    required: bool = False
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    highmax: int | None = None
    value_limit: int | None = None
    deprecated: bool = False
    deprecated_values: tuple[str, ...] = ()
    internal_values: tuple[str, ...] = ()
    sensitive: bool = False
    tokentype: str | None = None
    allspecifier: str | None = None
    description: str = ""
    submodules: Mapping[str, str] = field(default_factory=dict)
    submodule_prefix: str | None = None

    @property
    def python_name(self) -> str:
        """The field name: the wire name, with ``_`` added where Python forbids it."""
        name = self.wire.replace("-", "_")
        return f"{name}_" if keyword.iskeyword(name) or keyword.issoftkeyword(name) else name


@dataclass(frozen=True)
class ModuleSpec:
    """One API module: its path, group, prefix, flags and parameters."""

    path: str
    name: str
    group: str
    prefix: str
    description: str
    helpurls: tuple[str, ...]
    must_post: bool
    writes: bool
    generator: bool
    deprecated: bool
    internal: bool
    dynamic: bool
    source: str
    params: tuple[ParamSpec, ...]
    items_path: tuple[str, ...] = ()

    @property
    def token_type(self) -> str | None:
        return next((p.tokentype for p in self.params if p.tokentype), None)


@dataclass(frozen=True)
class Snapshot:
    """Every module of one snapshot, with the snapshot's file name and sha256."""

    modules: tuple[ModuleSpec, ...]
    source_name: str
    sha256: str

    def module(self, path: str) -> ModuleSpec:
        for module in self.modules:
            if module.path == path:
                return module
        raise KeyError(f"no module {path!r} in {self.source_name}")


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _param(raw: Mapping[str, Any], prefix: str) -> ParamSpec:
    kind = raw.get("type", "string")
    enum = tuple(str(v) for v in kind) if isinstance(kind, list) else None
    submodules = raw.get("submodules")
    return ParamSpec(
        name=str(raw["name"]),
        wire=prefix + str(raw["name"]),
        type=enum if enum is not None else str(kind),
        multi=bool(raw.get("multi")),
        required=bool(raw.get("required")),
        default=raw.get("default"),
        minimum=_int(raw.get("min")),
        maximum=_int(raw.get("max")),
        highmax=_int(raw.get("highmax")),
        value_limit=_int(raw.get("highlimit")) if raw.get("multi") else None,
        deprecated=bool(raw.get("deprecated")),
        deprecated_values=tuple(str(v) for v in raw.get("deprecatedvalues", [])),
        internal_values=tuple(str(v) for v in raw.get("internalvalues", [])),
        sensitive=bool(raw.get("sensitive")),
        tokentype=raw.get("tokentype") if isinstance(raw.get("tokentype"), str) else None,
        allspecifier=raw.get("allspecifier") if isinstance(raw.get("allspecifier"), str) else None,
        description=str(raw.get("description", "")),
        submodules=dict(submodules) if isinstance(submodules, Mapping) else {},
        submodule_prefix=raw.get("submoduleparamprefix"),
    )


def _apply(raw: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    fixed = dict(raw)
    module_fix = overrides.get("modules", {}).get(raw.get("path"), {})
    params = []
    for param in raw.get("parameters", []):
        patch = module_fix.get("params", {}).get(param.get("name"), {})
        params.append({**param, **{k: v for k, v in patch.items() if k != "reason"}})
    fixed["parameters"] = params
    fixed.update({k: v for k, v in module_fix.items() if k not in ("params", "reason")})
    return fixed


def load_snapshot(path: Path, overrides_path: Path | None = None) -> Snapshot:
    """Parse a snapshot file, applying the overrides file when given."""
    data = path.read_bytes()
    document = json.loads(data)
    raw_modules = document.get("paraminfo", document).get("modules")
    if not isinstance(raw_modules, list):
        raise ValueError(f"{path}: no paraminfo.modules list (is it a paraminfo snapshot?)")
    overrides: Mapping[str, Any] = {}
    if overrides_path is not None and overrides_path.exists():
        overrides = json.loads(overrides_path.read_text())
    modules = []
    for raw in raw_modules:
        raw = _apply(raw, overrides)
        group = str(raw.get("group") or ("main" if raw.get("path") == "main" else "action"))
        if group in SKIPPED_GROUPS:
            continue
        prefix = str(raw.get("prefix", ""))
        params = [_param(p, prefix) for p in raw.get("parameters", [])]
        modules.append(
            ModuleSpec(
                path=str(raw["path"]),
                name=str(raw["name"]),
                group=group,
                prefix=prefix,
                description=str(raw.get("description", "")).strip(),
                helpurls=tuple(raw.get("helpurls", [])),
                must_post=bool(raw.get("mustbeposted")),
                writes=bool(raw.get("writerights")),
                generator=bool(raw.get("generator")),
                deprecated=bool(raw.get("deprecated")),
                internal=bool(raw.get("internal")),
                dynamic=bool(raw.get("dynamicparameters") or raw.get("templatedparameters")),
                source=str(raw.get("source", "")),
                params=tuple(params),
                items_path=tuple(str(k) for k in raw.get("items_path", ())),
            )
        )
    return Snapshot(tuple(modules), path.name, hashlib.sha256(data).hexdigest())
