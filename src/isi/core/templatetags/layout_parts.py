"""``{% layoutpart %}``: parts of the shared layout rendered once per process and then reused.

Most of ``base.html`` (the federal header bar, the brand, the main navigation, the footer, the
style and script links) is the same for every request in a language: translated texts, reversed
addresses, hashed static file names. Rendering it costs about a millisecond per page (some 40
``translate``/``url``/``static`` tags); reading it from a dict costs nothing::

    {% load layout_parts %}
    {% layoutpart "nav" request.resolver_match.url_name request.resolver_match.app_name %}
      … only tags and variables whose output depends on the values named after the part's name …
    {% endlayoutpart %}

The rendered part is kept under its name, the values named after it, and what else decides
such output: the active language, the script prefix (a deployment under a path), the URLconf of
the request. So a part must depend on nothing else: no user, session, CSRF token, message,
request path or query; those stay outside the parts. Each parsed template keeps its own parts,
so a template reloaded after a change (development) starts empty; a changed setting (tests:
``override_settings``) empties them all. The number of kept variants per part is bounded.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template.base import FilterExpression, Node, NodeList, Parser, Token
from django.template.context import Context
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# Variants kept per part at most (names × languages × active navigation items stay far below).
MAX_VARIANTS = 512

_generation = 0


def forget_all(**kwargs: Any) -> None:
    """Drop every kept part (a setting changed: the operator's name, static storage, URLconf …)."""
    global _generation
    _generation += 1


setting_changed.connect(forget_all, dispatch_uid="isi.core.layout_parts.forget_all")


class LayoutPartNode(Node):
    # ExtendsNode looks for blocks in the whole base template on every render
    # (get_nodes_by_type); a part holds no blocks (checked when parsed), so it need not look inside.
    child_nodelists = ()

    def __init__(self, name: str, vary: list[FilterExpression], nodelist: NodeList) -> None:
        self.name = name
        self.vary = vary
        self.nodelist = nodelist
        self.kept: dict[tuple[Any, ...], SafeString] = {}
        self.generation = _generation

    def render(self, context: Context) -> SafeString:
        if self.generation != _generation:
            self.kept = {}
            self.generation = _generation
        key = (
            get_language(),
            get_script_prefix(),
            get_urlconf(),
            *(str(value.resolve(context)) for value in self.vary),
        )
        html = self.kept.get(key)
        if html is None:
            html = mark_safe(self.nodelist.render(context))  # noqa: S308 - rendered by the template engine
            if len(self.kept) >= MAX_VARIANTS:
                self.kept = {}
            self.kept[key] = html
        return html


@register.tag("layoutpart")
def layoutpart(parser: Parser, token: Token) -> LayoutPartNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][:1] not in "\"'" or bits[1][-1:] != bits[1][:1]:
        raise template.TemplateSyntaxError('{% layoutpart "name" [value …] %} needs a quoted name')
    nodelist = parser.parse(("endlayoutpart",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("a {% block %} cannot be inside a {% layoutpart %}")
    return LayoutPartNode(bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]], nodelist)
