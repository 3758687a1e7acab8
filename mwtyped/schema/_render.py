"""Python source for one module's parameter class (data only: fields, types, ClassVars).

Type mapping from paraminfo:

===================  ======================================================================
paraminfo            Python field type
===================  ======================================================================
enum (list)          ``Literal[...]`` (plus the ``allspecifier`` such as ``"*"``)
string, text, user,  ``str``
title, password,
expiry, unknown
integer              ``int`` with ``ge``/``le`` from min/max
limit                ``int`` within 1..highmax, or ``"max"``
boolean              ``bool`` (``True`` sends it, ``False``/``None`` leave it out)
timestamp            aware ``datetime`` or a MediaWiki timestamp string (``"now"``)
namespace            ``int``
upload               ``bytes`` (sent as a multipart file)
prop/list/meta       ``Sequence[PropParams]`` / ``Sequence[ListParams]`` / ``Sequence[MetaParams]``
generator            ``GeneratorParams`` (its parameters go with the ``g`` prefix)
multi                ``Sequence[T]`` with at most ``highlimit`` values
===================  ======================================================================

Example::

    lines = render_class(snapshot.module("edit"), response="EditResponse", item="UntypedItem")
"""

from __future__ import annotations

import html
import keyword
import re

from mwtyped.schema._spec import ModuleSpec, ParamSpec

__all__ = ["class_name", "field_type", "file_stem", "render_class"]

_SUBMODULE_BASES = {
    "prop": "Sequence[PropParams]",
    "list": "Sequence[ListModule]",
    "meta": "Sequence[MetaParams]",
    "generator": "GeneratorParams",
}
_STRING_TYPES = frozenset({"string", "text", "user", "title", "password", "expiry", "raw"})


def class_name(module: ModuleSpec) -> str:
    """``query+allpages`` -> ``AllpagesParams``; ``main`` -> ``MainParams``."""
    words = re.split(r"[^0-9A-Za-z]+", module.name)
    base = "".join(w[:1].upper() + w[1:] for w in words if w) or "Unnamed"
    if base[0].isdigit():
        base = f"M{base}"
    return f"{base}Params"


def file_stem(module: ModuleSpec) -> str:
    """The generated file's name: ``query+allpages`` -> ``query_allpages``."""
    stem = re.sub(r"[^0-9a-z_]", "_", module.path.lower())
    return f"{stem}_" if keyword.iskeyword(stem) or stem[:1].isdigit() else stem


def clean_text(text: str) -> str:
    """paraminfo's wikitext/HTML help as plain docstring text."""
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"\[\[(?:[^|\]]*\|)?([^\]]*)\]\]", r"\1", text)
    text = re.sub(r"\[(?:https?:)?//\S+ ([^\]]*)\]", r"\1", text)
    text = html.unescape(text).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return re.sub(r"[ \t]+", " ", re.sub(r"\n{3,}", "\n\n", text)).strip()


def _literal(values: list[str]) -> str:
    return "Literal[" + ", ".join(repr(v) for v in values) + "]"


def _scalar_type(param: ParamSpec) -> str:
    kind = param.type
    if isinstance(kind, tuple):
        values = list(kind)
        if param.allspecifier and param.allspecifier not in values:
            values.append(param.allspecifier)
        return _literal(values) if values else "str"
    if kind == "integer":
        bounds = []
        if param.minimum is not None:
            bounds.append(f"ge={param.minimum}")
        if param.maximum is not None:
            bounds.append(f"le={param.highmax or param.maximum}")
        return f"Annotated[int, Field({', '.join(bounds)})]" if bounds else "int"
    if kind == "limit":
        top = param.highmax or param.maximum
        high = f", le={top}" if top is not None else ""
        return f"Annotated[int, Field(ge={param.minimum or 1}{high})] | Literal['max']"
    if kind == "boolean":
        return "bool"
    if kind == "timestamp":
        return "AwareDatetime | str"
    if kind == "namespace":
        return "int"
    if kind == "upload":
        return "bytes"
    if kind == "float":
        return "float"
    return "str"


def field_type(param: ParamSpec) -> str:
    """The annotation of a parameter's field (without ``| None``)."""
    if param.submodules and param.name in _SUBMODULE_BASES:
        return _SUBMODULE_BASES[param.name]
    if param.submodules:
        return _literal(sorted(param.submodules))
    scalar = _scalar_type(param)
    if not param.multi or param.type == "limit":
        return scalar
    if param.type == "namespace" and param.allspecifier:
        scalar = f"int | Literal[{param.allspecifier!r}]"
    sequence = f"Sequence[{scalar}]"
    if param.value_limit:
        return f"Annotated[{sequence}, Field(max_length={param.value_limit})]"
    return sequence


def _field_doc(param: ParamSpec) -> str:
    notes = [clean_text(param.description)] if param.description else []
    if param.tokentype:
        notes.append(f"A {param.tokentype!r} token: the session fills it in.")
    if param.default not in (None, "", False):
        notes.append(f"Default: {param.default}.")
    if param.multi and param.value_limit:
        notes.append(f"Up to {param.value_limit} values (bots); separate them with a list.")
    if param.deprecated:
        notes.append("Deprecated: still accepted, but sending it warns.")
    if param.deprecated_values:
        notes.append(f"Deprecated values: {', '.join(param.deprecated_values)}.")
    if param.sensitive:
        notes.append("Sensitive: never shown in repr or logs.")
    return "\n\n".join(n for n in notes if n) or param.wire


def _field_line(param: ParamSpec) -> str:
    annotation = field_type(param)
    alias = f", alias={param.wire!r}" if param.python_name != param.wire else ""
    if param.required and not param.tokentype:
        default = f" = Field(...{alias})" if alias else ""
        return f"    {param.python_name}: {annotation}{default}"
    default = f"Field(None{alias})" if alias else "None"
    return f"    {param.python_name}: {annotation} | None = {default}"


def _docstring(text: str, indent: str) -> list[str]:
    lines = text.splitlines() or [""]
    if len(lines) == 1:
        return [f'{indent}"""{lines[0]}"""']
    return [
        f'{indent}"""{lines[0]}',
        *[f"{indent}{ln}" if ln else "" for ln in lines[1:]],
        f'{indent}"""',
    ]


def _frozen(names: list[str]) -> str:
    return (
        "frozenset({" + ", ".join(repr(n) for n in sorted(names)) + "})" if names else "frozenset()"
    )


def base_classes(module: ModuleSpec, response: str, item: str) -> list[str]:
    if module.group == "main":
        return ["ApiParams"]
    if module.group == "action":
        return ["MainParams", f"ActionParams[{response}]"]
    bases = {"prop": ["PropParams"], "list": [f"ListParams[{item}]"], "meta": ["MetaParams"]}
    found = bases.get(module.group, ["QueryModuleParams"])
    return found + (["GeneratorParams"] if module.generator else [])


def render_class(module: ModuleSpec, response: str, item: str) -> list[str]:
    """The class statement of one module."""
    params = [
        p for p in module.params if not (module.group == "main" and p.name in ("action", "format"))
    ]
    summary = clean_text(module.description) or f"The {module.path} module."
    doc = summary + "".join(f"\n\nHelp: {url}" for url in module.helpurls)
    if module.deprecated:
        doc += "\n\nDeprecated module."
    lines = [f"class {class_name(module)}({', '.join(base_classes(module, response, item))}):"]
    lines += _docstring(doc, "    ")
    lines.append("")
    wire_names = ", ".join(
        f"{p.python_name!r}: {p.wire!r}" for p in params if p.python_name != p.wire
    )
    deprecated_values = ", ".join(
        f"{p.wire!r}: {_frozen(list(p.deprecated_values))}" for p in params if p.deprecated_values
    )
    meta = [
        ("module_path", "str", repr(module.path)),
        ("module_name", "str", repr(module.name)),
        ("prefix", "str", repr(module.prefix)),
        ("must_post", "bool", repr(module.must_post)),
        ("writes", "bool", repr(module.writes)),
        ("token_type", "str | None", repr(module.token_type)),
        ("sensitive_params", "frozenset[str]", _frozen([p.wire for p in params if p.sensitive])),
        ("deprecated_params", "frozenset[str]", _frozen([p.wire for p in params if p.deprecated])),
        (
            "upload_params",
            "frozenset[str]",
            _frozen([p.wire for p in params if p.type == "upload"]),
        ),
        ("wire_names", "Mapping[str, str]", "{" + wire_names + "}"),
        ("deprecated_values", "Mapping[str, frozenset[str]]", "{" + deprecated_values + "}"),
    ]
    lines += [f"    {key}: ClassVar[{kind}] = {value}" for key, kind, value in meta]
    if module.group == "action":
        lines.append(f"    response_type: ClassVar[Any] = {response}")
    if module.group == "list":
        lines.append(f"    item_type: ClassVar[Any] = {item}")
        if module.items_path:
            lines.append(f"    items_path: ClassVar[tuple[str, ...]] = {module.items_path!r}")
    for param in params:
        lines.append("")
        lines.append(_field_line(param))
        lines += _docstring(_field_doc(param), "    ")
    if module.dynamic:
        lines += ["", "    extra_params: Mapping[str, Any] | None = None"]
        lines += _docstring(
            "Parameters paraminfo cannot list (dynamic or templated), by wire name.", "    "
        )
    return lines
