"""Base classes of the generated parameter classes (``mwtyped.api``), and how they go on the wire.

Every API module has a generated pydantic class whose fields are the module's parameters,
named as on the wire (``aplimit``, ``rvprop``; ``continue_``/``assert_``/``from_``/``async_``
where Python forbids the name). Parameters are validated when the object is built, before
anything is sent; unknown names are errors (``extra="forbid"``).

* :class:`ActionParams` ``[R]``: an ``action=...`` module whose answer is typed ``R``.
* :class:`PropParams`, :class:`ListParams` ``[Item]``, :class:`MetaParams`: query submodules,
  attached to ``QueryParams(prop=[...], list=[...], meta=[...], generator=...)``; a generator
  (a :class:`GeneratorParams`) has its parameters sent with the ``g`` prefix.

Example::

    from mwtyped.api import QueryParams, AllpagesParams, InfoParams
    q = QueryParams(generator=AllpagesParams(aplimit=5), prop=[InfoParams(inprop=["url"])])
    q.wire_params()   # {'action': 'query', 'generator': 'allpages', 'gaplimit': 5, ...}
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from mwtyped._api_warnings import ApiDeprecationWarning, warn_at_caller
from mwtyped._modules import TokenNeed

__all__ = [
    "ActionParams",
    "ApiDeprecationWarning",
    "ApiParams",
    "GeneratorParams",
    "ListModule",
    "ListParams",
    "MetaParams",
    "PropParams",
    "QueryModuleParams",
    "WireRequest",
]

R = TypeVar("R")
Item = TypeVar("Item")


class ApiParams(BaseModel):
    """Parameters of one API module; subclasses are generated from paraminfo."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        validate_default=False,
        # Build each validator on first use: importing 100 classes must stay cheap.
        defer_build=True,
    )

    module_path: ClassVar[str] = ""
    """The module's path in paraminfo: ``edit``, ``query+allpages``."""
    module_name: ClassVar[str] = ""
    prefix: ClassVar[str] = ""
    must_post: ClassVar[bool] = False
    writes: ClassVar[bool] = False
    token_type: ClassVar[str | None] = None
    sensitive_params: ClassVar[frozenset[str]] = frozenset()
    deprecated_params: ClassVar[frozenset[str]] = frozenset()
    upload_params: ClassVar[frozenset[str]] = frozenset()
    deprecated_values: ClassVar[Mapping[str, frozenset[str]]] = {}
    # python field name -> wire name, for the few fields whose wire name is a keyword.
    wire_names: ClassVar[Mapping[str, str]] = {}
    # The same, with every field of the class and its bases (computed per class).
    _wire_map: ClassVar[dict[str, str]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._wire_map = {name: (info.alias or name) for name, info in cls.model_fields.items()}
        # Generated classes list only their own sensitive/deprecated/upload parameters.
        for attr in ("sensitive_params", "deprecated_params", "upload_params"):
            merged: frozenset[str] = frozenset()
            for klass in cls.__mro__:
                merged |= klass.__dict__.get(attr, frozenset())
            setattr(cls, attr, merged)

    def _own_wire_params(self, prefix: str = "") -> dict[str, Any]:
        """This module's set parameters by wire name (``prefix`` for generator use)."""
        names = self._wire_map
        out: dict[str, Any] = {}
        for field_name, value in self.__dict__.items():
            if value is None or field_name == "extra_params":
                continue
            wire = names.get(field_name, field_name)
            if wire in self.deprecated_params or wire in self.deprecated_values:
                self._warn_deprecated(wire, value)
            out[prefix + wire] = value
        extra = self.__dict__.get("extra_params")
        if extra:
            out.update({prefix + str(k): v for k, v in extra.items()})
        return out

    def _warn_deprecated(self, wire: str, value: object) -> None:
        if wire in self.deprecated_params:
            problem = f"parameter {wire!r} is deprecated"
        else:
            sent = value if isinstance(value, list | tuple | set | frozenset) else [value]
            old = sorted(str(v) for v in sent if str(v) in self.deprecated_values[wire])
            if not old:
                return
            problem = f"value(s) {old} of {wire!r} are deprecated"
        warn_at_caller(ApiDeprecationWarning(f"{self.module_path}: {problem}"))

    def __repr_args__(self) -> Any:
        for name, value in super().__repr_args__():
            if value is None:
                continue
            if name == "extra_params" and isinstance(value, Mapping):
                # Dynamic parameters (clientlogin's password, createaccount's retype) are
                # not declared sensitive anywhere: show their names only.
                yield name, {key: "***" for key in value}
                continue
            wire = self._wire_map.get(str(name), str(name))
            yield name, ("***" if wire in self.sensitive_params else value)


class QueryModuleParams(ApiParams):
    """A submodule of ``action=query`` (prop, list or meta)."""

    group: ClassVar[str] = ""


class PropParams(QueryModuleParams):
    """A ``prop=`` module: properties of the pages the query selects."""

    group: ClassVar[str] = "prop"


class ListModule(QueryModuleParams):
    """Any ``list=`` module (the non-generic base, for ``QueryParams.list``)."""

    group: ClassVar[str] = "list"


class ListParams(ListModule, Generic[Item]):
    """A ``list=`` module, whose answer is a list of ``Item`` under ``query[module_name]``
    (``items_path`` says where, for the few modules that answer elsewhere)."""

    items_path: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if not cls.__dict__.get("items_path") and cls.module_name:
            cls.items_path = ("query", cls.module_name)


class MetaParams(QueryModuleParams):
    """A ``meta=`` module: facts about the wiki or the user."""

    group: ClassVar[str] = "meta"


class GeneratorParams(QueryModuleParams):
    """A prop or list module that can serve as the query's ``generator``."""


class WireRequest:
    """What a typed params object sends: method, parameters, multipart files, and the token
    the module takes (the session fills it in)."""

    __slots__ = ("files", "method", "params", "token")

    def __init__(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, tuple[str, bytes]] | None,
        token: TokenNeed | None = None,
    ) -> None:
        self.method = method
        self.params = params
        self.files = files
        self.token = token


_WIRE_CACHE: dict[int, tuple[weakref.ref[Any], WireRequest]] = {}


def _forget_wire(key: int, _gone: object) -> None:
    _WIRE_CACHE.pop(key, None)


class ActionParams(ApiParams, Generic[R]):
    """An ``action=`` module whose answer is validated as ``R``.

    ``extra_params`` carries dynamic or templated parameters (``clientlogin`` fields,
    ``compare``'s ``fromtext-{slot}``) that paraminfo cannot list.
    """

    response_type: ClassVar[Any] = None

    def wire_params(self) -> dict[str, Any]:
        """Every parameter to send, by wire name, ``action`` first; attached query modules
        (``prop``/``list``/``meta``/``generator``) expanded into their own parameters."""
        out: dict[str, Any] = {"action": self.module_name}
        for wire, value in self._own_wire_params().items():
            if isinstance(value, QueryModuleParams):  # the generator
                out[wire] = value.module_name
                _merge_module(out, value._own_wire_params(prefix="g"), value)
            elif _is_module_list(value):
                out[wire] = join_module_names(value)
                for module in value:
                    _merge_module(out, module._own_wire_params(), module)
            else:
                out.setdefault(wire, value)
        return out

    def wire_request(self) -> WireRequest:
        """The method (POST when the module requires it), parameters and upload files;
        computed once per (frozen) object, so reusing a params object is cheap."""
        key = id(self)
        found = _WIRE_CACHE.get(key)
        if found is not None and found[0]() is self:
            return found[1]
        wire = self._build_wire_request()
        # Not a pydantic private attribute: those cost every construction ~3 us; the entry
        # goes when the object does.
        _WIRE_CACHE[key] = (weakref.ref(self, functools.partial(_forget_wire, key)), wire)
        return wire

    def _build_wire_request(self) -> WireRequest:
        params = self.wire_params()
        files: dict[str, tuple[str, bytes]] | None = None
        for name in self.upload_params:
            content = params.pop(name, None)
            if content is not None:
                files = files or {}
                filename = params.get("filename")
                files[name] = (filename if isinstance(filename, str) else name, content)
        method = "POST" if self.must_post or files else "GET"
        token = TokenNeed(self.token_type, f"{self.prefix}token") if self.token_type else None
        return WireRequest(method, params, files, token)


def join_module_names(modules: Sequence[QueryModuleParams]) -> str:
    return "|".join(m.module_name for m in modules)


def _is_module_list(value: object) -> bool:
    return (
        isinstance(value, list | tuple)
        and bool(value)
        and all(isinstance(v, QueryModuleParams) for v in value)
    )


def _merge_module(out: dict[str, Any], params: dict[str, Any], module: QueryModuleParams) -> None:
    for wire, value in params.items():
        if wire in out and out[wire] != value:
            raise ValueError(
                f"{module.module_path}: parameter {wire!r} is set twice with different values"
            )
        out[wire] = value
