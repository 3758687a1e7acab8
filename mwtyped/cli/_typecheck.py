"""Check ``KEY=VALUE`` parameters against the generated parameter classes before sending.

``action=X`` picks the class of module ``X``; with ``action=query`` the ``list=``, ``prop=``,
``meta=`` and ``generator=`` values pick ``query+Y`` classes too (a generator's parameters
carry a ``g`` before the module's prefix). Each module's keys are validated by its pydantic
class; a key no module owns is an unknown parameter — unless a module is unknown to mwtyped
(an extension): then nothing can be said about the leftovers and they are sent as typed.

Values are sent as typed (MediaWiki parses ``|``, ``now``, ``max``), except that a repeated
key sends all its values (``titles=A|B titles=C`` sends ``A|B|C``), and a boolean is sent as
presence (``redirects=`` or ``redirects=1``) or left out when false (``redirects=0``),
because MediaWiki takes any value, even ``0``, as true. A value with ``|`` inside can be
sent with MediaWiki's other separator: ``titles=$'\\x1fA|B\\x1fC'`` is ``A|B`` and ``C``.

Example::

    checked_params("GET", {"action": "query", "list": "allpages", "aplimit": "50"})
    # -> the same parameters, to send
    checked_params("GET", {"action": "query", "list": "allpages", "aplimit": "lots"})
    # ParamsInvalid: query+allpages: aplimit='lots': Input should be a valid integer, ...
"""

from __future__ import annotations

import difflib
import importlib
import types
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

from mwtyped.cli._arguments import ParamValue

if TYPE_CHECKING:  # pydantic and the typed layer load on first use: --help stays fast
    from pydantic import ValidationError

    from mwtyped._typed import ApiParams

__all__ = ["ParamsInvalid", "checked_params", "params_class"]

# Parameters of the json format module and of continuation: valid with every action.
_ALWAYS_VALID = frozenset({"format", "formatversion", "utf8", "ascii", "callback"})
_QUERY_MODULE_GROUPS = ("list", "prop", "meta")


class ParamsInvalid(Exception):
    """Parameters that a module's class rejects: ``module`` is its path (``query+allpages``),
    the message pydantic's findings, one line."""

    def __init__(self, module: str, message: str, hint: str | None = None) -> None:
        super().__init__(f"{module}: {message}")
        self.module = module
        self.hint = hint or f"see action=help modules={module}"


@dataclass
class _Module:
    """One module of the request, the class checking it (``None``: unknown to mwtyped) and
    the keys it owns, by wire name without the generator's ``g``."""

    path: str
    params_class: type[ApiParams] | None
    key_prefix: str = ""
    values: dict[str, ParamValue] = field(default_factory=dict)

    def owns(self, key: str) -> bool:
        if self.params_class is None or not key.startswith(self.key_prefix):
            return False
        return key[len(self.key_prefix) :] in _wire_fields(self.params_class)


def params_class(module_path: str) -> type[ApiParams] | None:
    """The generated class of a module path (``edit``, ``query+allpages``), or ``None``.

    Example: ``params_class("query+allpages").__name__ == "AllpagesParams"``.
    """
    from mwtyped._typed import ApiParams
    from mwtyped.api import _LOCATIONS

    stem = module_path.replace("+", "_")
    for candidate in (stem, stem + "_"):  # "import" lives in import_.py
        name = next((n for n, s in _LOCATIONS.items() if s == candidate), None)
        if name is None:
            continue
        found = getattr(importlib.import_module(f"mwtyped.api.{candidate}"), name, None)
        if (
            isinstance(found, type)
            and issubclass(found, ApiParams)
            and found.module_path == module_path
        ):
            return found
    return None


def _wire_fields(params_class: type[ApiParams]) -> dict[str, Any]:
    """Wire name -> annotation of every parameter of a class."""
    return {
        (info.alias or name): info.annotation
        for name, info in params_class.model_fields.items()
        if name != "extra_params"
    }


def _leaf_types(annotation: Any) -> Iterator[Any]:
    """The types inside ``Annotated[...]`` and unions: ``int | Literal['max'] | None`` gives
    ``int``, ``Literal['max']``, ``NoneType``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        yield from _leaf_types(get_args(annotation)[0])
    elif origin is Union or origin is types.UnionType:
        for argument in get_args(annotation):
            yield from _leaf_types(argument)
    else:
        yield annotation


def _is_multi_value(annotation: Any) -> bool:
    """Whether a parameter takes several values (a ``Sequence[...]`` or a set)."""
    for leaf in _leaf_types(annotation):
        origin = get_origin(leaf)
        if (
            isinstance(origin, type)
            and issubclass(origin, (Sequence, AbstractSet))
            and not issubclass(origin, (str, bytes))
        ):
            return True
    return False


def _is_of(annotation: Any, wanted: type) -> bool:
    return any(isinstance(t, type) and issubclass(t, wanted) for t in _leaf_types(annotation))


def _split_multi(value: ParamValue) -> list[str]:
    """The values of a multi-value parameter, split as MediaWiki splits them."""
    parts: list[str] = []
    for text in [value] if isinstance(value, str) else value:
        if text.startswith("\x1f"):
            parts.extend(text[1:].split("\x1f"))
        else:
            parts.extend(text.split("|"))
    return parts


def _modules_of(method: str, params: Mapping[str, ParamValue]) -> list[_Module]:
    action = params.get("action")
    if not isinstance(action, str):
        return []  # no action (MediaWiki answers its help page) or several: nothing to type
    modules = [_Module(action, params_class(action))]
    if action != "query":
        return modules
    for group in _QUERY_MODULE_GROUPS:
        for name in _split_multi(params.get(group, [])):
            if name:
                modules.append(_Module(f"query+{name}", params_class(f"query+{name}")))
    generator = params.get("generator")
    if isinstance(generator, str) and generator:
        path = f"query+{generator}"
        modules.append(_Module(path, params_class(path), key_prefix="g"))
    return modules


def _describe_errors(error: ValidationError, given: Mapping[str, Any]) -> str:
    """pydantic's findings, grouped by parameter: ``aplimit='lots': A, or B``."""
    by_name: dict[str, list[str]] = {}
    for found in error.errors(include_url=False):
        location = found.get("loc", ())
        name = str(location[0]) if location else "?"
        where = "".join(f"[{part}]" for part in location[1:] if isinstance(part, int))
        by_name.setdefault(name, []).append(f"{where}{' ' if where else ''}{found['msg']}")
    described = []
    for name, messages in by_name.items():
        shown = f"{name}={given[name]!r}" if name in given else name
        described.append(f"{shown}: {', or '.join(dict.fromkeys(messages))}")
    return "; ".join(described)


def _validate(module: _Module, unknown: Mapping[str, ParamValue]) -> dict[str, ParamValue]:
    """Check a module's values (and keys blamed on it); return them as they will be sent."""
    assert module.params_class is not None
    fields = _wire_fields(module.params_class)
    checked: dict[str, Any] = {}
    for name, value in {**module.values, **unknown}.items():
        annotation = fields.get(name)
        if annotation is None:
            checked[name] = value
        elif _is_multi_value(annotation):
            checked[name] = _split_multi(value)
        elif isinstance(value, list):
            raise ParamsInvalid(
                module.path, f"{name} is given {len(value)} times but takes one value"
            )
        elif _is_of(annotation, bool):
            checked[name] = True if value == "" else value
        else:
            checked[name] = value
    from pydantic import ValidationError

    try:
        valid = module.params_class.model_validate(checked)
    except ValidationError as error:
        message = _describe_errors(error, {**module.values, **unknown})
        for name in unknown:
            close = difflib.get_close_matches(name, fields, n=1)
            message += f" ({name}: did you mean {close[0]}?)" if close else ""
        raise ParamsInvalid(module.path, message) from None
    sent: dict[str, ParamValue] = {}
    for name, value in module.values.items():
        annotation = fields[name]
        if _is_multi_value(annotation):
            sent[name] = _split_multi(value) if isinstance(value, list) else value
        elif _is_of(annotation, bool):
            if getattr(valid, _python_name(module.params_class, name)):
                sent[name] = ""  # present means true
        else:
            sent[name] = value
    return sent


def _python_name(params_class: type[ApiParams], wire: str) -> str:
    for name, info in params_class.model_fields.items():
        if (info.alias or name) == wire:
            return name
    return wire


def _blamed_module(modules: list[_Module], key: str) -> _Module:
    """The module an unknown key most likely meant: the one whose prefix it starts with."""
    best = modules[0]
    best_length = 0
    for module in modules:
        if module.params_class is None:
            continue
        prefix = module.key_prefix + module.params_class.prefix
        if prefix and key.startswith(prefix) and len(prefix) > best_length:
            best, best_length = module, len(prefix)
    return best


def checked_params(method: str, params: Mapping[str, ParamValue]) -> dict[str, ParamValue]:
    """The parameters to send, after checking every known module's values by its class.

    Raises :class:`ParamsInvalid` for a bad value, a key no module takes (when every module
    is known), a module that must be POSTed sent with GET, or a ``format`` other than json.
    """
    if params.get("format", "json") != "json":
        raise ParamsInvalid(
            "main", f"format={params['format']!r}: mwtyped reads JSON only", "drop format="
        )
    modules = _modules_of(method, params)
    if not modules:
        return dict(params)
    action = modules[0]
    selectors = {"action"} | (
        {*_QUERY_MODULE_GROUPS, "generator"} if action.path == "query" else set()
    )
    if action.params_class is not None and action.params_class.must_post and method == "GET":
        raise ParamsInvalid(
            action.path, "this module only takes POST requests", "send it with 'mwtyped post'"
        )
    leftovers: dict[str, ParamValue] = {}
    for key, value in params.items():
        if key in selectors or key in _ALWAYS_VALID:
            continue
        owner = next((m for m in modules if m.owns(key)), None)
        if owner is None:
            leftovers[key] = value
        else:
            owner.values[key[len(owner.key_prefix) :]] = value
    all_known = all(
        m.params_class is not None and "extra_params" not in m.params_class.model_fields
        for m in modules
    )
    blamed: dict[int, dict[str, ParamValue]] = {}
    if all_known:
        for key, value in leftovers.items():
            module = _blamed_module(modules, key)
            blamed.setdefault(id(module), {})[key[len(module.key_prefix) :]] = value
    sent: dict[str, ParamValue] = {}
    for module in modules:
        if module.params_class is not None:
            for key, value in _validate(module, blamed.get(id(module), {})).items():
                sent[module.key_prefix + key] = value
    # The original order, with checked values (booleans normalised, false ones dropped).
    result: dict[str, ParamValue] = {}
    for key, value in params.items():
        if key in selectors or key in _ALWAYS_VALID or key in leftovers:
            result[key] = _split_multi(value) if isinstance(value, list) else value
        elif key in sent:
            result[key] = sent[key]
    return result
