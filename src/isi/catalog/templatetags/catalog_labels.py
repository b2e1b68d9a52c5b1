"""``{{ entry|catalog_label }}``: a catalogue value marked with its language when it is not the
page's (``<span lang="de">Bund</span>`` on a Russian page, plain ``Bund`` on a German one), and
``{{ entry|catalog_lang }}``: the bare `` lang="de"`` attribute for elements that cannot hold a span
(``<option>``). The rule: isi.catalog.labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from isi.catalog.labels import label_of, lang_attribute, marked

register = template.Library()


@register.filter
def catalog_label(value: Any) -> SafeString:
    label = label_of(value)
    return marked(label.text, label.lang)


@register.filter
def catalog_lang(value: Any) -> SafeString:
    return lang_attribute(label_of(value).lang)
