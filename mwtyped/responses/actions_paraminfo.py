"""Answers of the API's self-description: ``action=paraminfo`` and ``action=help``.

``paraminfo`` describes modules and their parameters (what mwtyped's generator reads to
build :mod:`mwtyped.api`). Descriptions follow ``helpformat``: a string for ``wikitext``/
``html``, a list of :class:`HelpMessage` for ``raw``, absent for ``none``.

Example::

    answer = session.request(ParaminfoParams(modules=["edit"], helpformat="none"))
    edit = answer["paraminfo"]["modules"][0]
    [(p["name"], p["type"]) for p in edit["parameters"] if p.get("required")]
"""

from __future__ import annotations

from typing import Any

from typing_extensions import NotRequired, TypedDict

from mwtyped.responses._common import response_model

__all__ = [
    "HelpMessage",
    "HelpResponse",
    "HelpResult",
    "ModuleExample",
    "ModuleInfo",
    "ParameterHelpInfo",
    "ParameterInfo",
    "ParaminfoResponse",
    "ParaminfoResult",
]


@response_model
class HelpMessage(TypedDict):
    """A help message as ``key`` and ``params`` (``helpformat=raw``); ``forvalue`` names the
    enum value a per-value message documents."""

    key: str
    params: list[Any]
    forvalue: NotRequired[str]


HelpText = str | list[HelpMessage]


@response_model
class ParameterHelpInfo(TypedDict):
    """An extra note on a parameter (``info``): its ``name``, the ``values`` it is about and
    its ``text`` (per ``helpformat``)."""

    name: str
    values: NotRequired[list[Any]]
    text: NotRequired[HelpText]


@response_model
class ParameterInfo(TypedDict):
    """A parameter of a module.

    ``type`` is a type name (``string``, ``integer``, ``limit``, ``boolean``, ``timestamp``,
    ``user``, ``title``, ``namespace``, ``upload``...) or the list of allowed values;
    the other keys come when they apply to the type (limits, ``submodules`` of module
    parameters, ``templatevars`` of templated parameters like ``fromtext-{slot}``).
    """

    index: int
    name: str
    type: str | list[str]
    required: bool
    multi: bool
    description: NotRequired[HelpText]
    default: NotRequired[str | int | float | bool]
    deprecated: NotRequired[bool]
    sensitive: NotRequired[bool]
    tokentype: NotRequired[str]
    info: NotRequired[list[ParameterHelpInfo]]
    templatevars: NotRequired[dict[str, str]]
    lowlimit: NotRequired[int]
    highlimit: NotRequired[int]
    limit: NotRequired[int]
    allowsduplicates: NotRequired[bool]
    allspecifier: NotRequired[str]
    min: NotRequired[int | float]
    max: NotRequired[int | float]
    highmax: NotRequired[int | float]
    mustExist: NotRequired[bool]
    extranamespaces: NotRequired[list[int]]
    submodules: NotRequired[dict[str, str]]
    submoduleparamprefix: NotRequired[str]
    subtypes: NotRequired[list[str]]
    internalvalues: NotRequired[list[str]]
    deprecatedvalues: NotRequired[list[str]]


@response_model
class ModuleExample(TypedDict):
    """A usage example of a module (not with ``helpformat=none``)."""

    query: str
    description: NotRequired[str | HelpMessage]


@response_model
class ModuleInfo(TypedDict):
    """A module: where it sits (``path`` like ``query+allpages``, ``group`` ``action``/
    ``prop``/``list``/``meta``/``format``), its flags and parameters.

    ``dynamicparameters`` is ``true`` (``helpformat=none``) or their description for
    modules taking parameters paraminfo cannot list (``clientlogin``'s fields). The
    deprecated ``pagesetmodule`` has no ``name``/``path``/``group``.
    """

    name: NotRequired[str]
    classname: str
    path: NotRequired[str]
    group: NotRequired[str]
    prefix: str
    source: str
    sourcename: str
    licensetag: NotRequired[str]
    licenselink: NotRequired[str]
    description: NotRequired[HelpText]
    internal: NotRequired[bool]
    deprecated: NotRequired[bool]
    readrights: NotRequired[bool]
    writerights: NotRequired[bool]
    mustbeposted: NotRequired[bool]
    generator: NotRequired[bool]
    helpurls: list[str]
    examples: NotRequired[list[ModuleExample]]
    parameters: list[ParameterInfo]
    templatedparameters: list[ParameterInfo]
    dynamicparameters: NotRequired[bool | HelpText]
    querytype: NotRequired[str]


@response_model
class ParaminfoResult(TypedDict):
    """``action=paraminfo``: ``modules`` as asked for; the deprecated ``querymodules``,
    ``formatmodules``, ``mainmodule`` and ``pagesetmodule`` parameters fill their own keys."""

    helpformat: str
    modules: NotRequired[list[ModuleInfo]]
    querymodules: NotRequired[list[ModuleInfo]]
    formatmodules: NotRequired[list[ModuleInfo]]
    mainmodule: NotRequired[ModuleInfo]
    pagesetmodule: NotRequired[ModuleInfo]


@response_model
class ParaminfoResponse(TypedDict):
    """The whole answer of ``action=paraminfo``."""

    paraminfo: ParaminfoResult


@response_model
class HelpResult(TypedDict):
    """``action=help`` with ``wrap=1``: the help page as HTML (without ``wrap`` the answer
    is the HTML page itself, not JSON)."""

    mime: str
    filename: str
    help: str


@response_model
class HelpResponse(TypedDict):
    """The whole answer of ``action=help&wrap=1``."""

    help: HelpResult
