"""Is an SVG file safe to serve? An allowlist checked on the parsed document.

An SVG is an XML document a browser runs as a page when it is opened directly: a
``<script>``, an event handler (``onload``), a ``javascript:`` link or an XHTML element
smuggled into it runs on the site that serves it. Patterns over the bytes cannot see
through XML (``<x:script xmlns:x="http://www.w3.org/2000/svg">`` is an SVG script,
``jav&#x61;script:`` is ``javascript:``), so the file is parsed by expat with names
resolved to their namespaces, and every element and attribute must be on the allowlist
below: drawing elements (shapes, paths, text, gradients, patterns, clips, masks, markers,
filters), their presentation attributes, and links only to a fragment of the same file
(``href="#arrow"``, ``fill="url(#glow)"``). Anything else is refused, and the problem
names what it found. A document type (hence any entity, the "billion laughs") and any
processing instruction (``<?xml-stylesheet?>``) are refused before they can expand.
Editor metadata of Inkscape and Sodipodi (elements and attributes in their namespaces)
is inert in browsers and accepted, its attributes checked like any other.
"""
import re
from xml.parsers import expat

from django.utils.translation import gettext as _

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
XMLNS = "http://www.w3.org/2000/xmlns/"
# Editors' bookkeeping that no browser acts on.
INERT = {
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
}
_METADATA = {  # allowed only inside <metadata>
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#",
    "http://web.resource.org/cc/",
}

ELEMENTS = {
    "svg", "g", "defs", "title", "desc", "metadata", "symbol", "use", "switch", "a",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker", "style",
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
    "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood",
    "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feMerge", "feMergeNode",
    "feMorphology", "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile",
    "feTurbulence",
}
ATTRIBUTES = {
    # core, accessibility
    "id", "class", "style", "lang", "tabindex", "role", "focusable", "version", "baseProfile",
    "aria-label", "aria-labelledby", "aria-describedby", "aria-hidden", "aria-roledescription",
    # geometry and coordinate systems
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "width", "height",
    "d", "points", "pathLength", "viewBox", "preserveAspectRatio", "transform",
    "gradientUnits", "gradientTransform", "spreadMethod", "offset", "patternUnits",
    "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits", "maskContentUnits",
    "markerUnits", "markerWidth", "markerHeight", "refX", "refY", "orient",
    "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset", "method", "spacing", "side",
    "requiredFeatures", "requiredExtensions", "systemLanguage", "href", "type", "media",
    # presentation
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "opacity", "color", "display", "visibility", "overflow",
    "clip", "clip-path", "clip-rule", "mask", "filter", "marker", "marker-start", "marker-mid",
    "marker-end", "stop-color", "stop-opacity", "flood-color", "flood-opacity", "lighting-color",
    "color-interpolation", "color-interpolation-filters", "color-rendering", "shape-rendering",
    "text-rendering", "image-rendering", "paint-order", "vector-effect", "mix-blend-mode",
    "isolation", "font", "font-family", "font-size", "font-size-adjust", "font-stretch",
    "font-style", "font-variant", "font-weight", "letter-spacing", "word-spacing",
    "text-anchor", "text-decoration", "dominant-baseline", "alignment-baseline",
    "baseline-shift", "writing-mode", "direction", "unicode-bidi", "white-space",
    # filter primitives
    "in", "in2", "result", "filterUnits", "primitiveUnits", "stdDeviation", "edgeMode",
    "mode", "operator", "k1", "k2", "k3", "k4", "values", "tableValues", "slope", "intercept",
    "amplitude", "exponent", "order", "kernelMatrix", "divisor", "bias", "targetX", "targetY",
    "preserveAlpha", "kernelUnitLength", "surfaceScale", "diffuseConstant", "specularConstant",
    "specularExponent", "scale", "xChannelSelector", "yChannelSelector", "baseFrequency",
    "numOctaves", "seed", "stitchTiles", "radius", "azimuth", "elevation", "z",
    "pointsAtX", "pointsAtY", "pointsAtZ", "limitingConeAngle",
}
# href may only point into the same file.
_LOCAL = re.compile(r"^\s*#[^\s#]*\s*$")
_URL_START = re.compile(r"url\s*\(")
_CSS_ACTIVE = re.compile(r"@import|expression\s*\(|javascript:|-moz-binding|behavior\s*:|\\|<", re.I)


class SvgProblem(Exception):
    """What in the SVG is not allowed, in a few words."""


def check_svg(content: bytes) -> None:
    """Raise SvgProblem unless ``content`` is an SVG made only of allowed parts."""
    _Checker().run(content)


def _name(qualified: str) -> tuple[str, str]:
    namespace, _sep, local = qualified.rpartition(" ")
    return namespace, local


def _shown(namespace: str, local: str) -> str:
    if namespace in ("", SVG):
        return local
    return f"{local} ({namespace})"


class _Checker:
    def __init__(self):
        self.depth = 0
        self.metadata_depth = 0  # >0 inside <metadata>
        self.style_depth = 0  # >0 inside <style>
        self.style_text: list[str] = []

    def run(self, content: bytes) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EntityDeclHandler = self.doctype
        parser.ExternalEntityRefHandler = self.doctype
        parser.ProcessingInstructionHandler = self.instruction
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        try:
            parser.Parse(content, True)
        except expat.ExpatError as exc:
            raise SvgProblem(_("the file is not well-formed XML (line %(line)s): %(reason)s") % {
                "line": exc.lineno, "reason": expat.ErrorString(exc.code),
            }) from None
        except RecursionError:
            raise SvgProblem(_("the file is nested too deeply")) from None

    def doctype(self, *args):
        raise SvgProblem(_("a document type or entity declaration (<!DOCTYPE>, <!ENTITY>)"))

    def instruction(self, target, data):
        raise SvgProblem(_("the processing instruction <?%(target)s?>") % {"target": target})

    def start(self, qualified: str, attributes: dict) -> None:
        namespace, local = _name(qualified)
        if self.depth == 0 and (local != "svg" or namespace not in ("", SVG)):
            raise SvgProblem(_("its root element is %(name)s, not svg") % {"name": _shown(namespace, local)})
        self.depth += 1
        if self.depth > 200:
            raise SvgProblem(_("the file is nested too deeply"))
        allowed = (
            (namespace in ("", SVG) and local in ELEMENTS)
            or namespace in INERT
            or (self.metadata_depth and namespace in _METADATA)
        )
        if not allowed:
            raise SvgProblem(_("the element <%(name)s>") % {"name": _shown(namespace, local)})
        if self.metadata_depth or (local == "metadata" and namespace in ("", SVG)):
            self.metadata_depth += 1
        if local == "style" and namespace in ("", SVG):
            self.style_depth += 1
        for name, value in attributes.items():
            self.attribute(local, name, value)

    def attribute(self, element: str, qualified: str, value: str) -> None:
        namespace, local = _name(qualified)
        shown = _shown(namespace, local)
        if local.lower().startswith("on"):
            raise SvgProblem(_("the event handler %(name)s on <%(element)s>") % {"name": shown, "element": element})
        if namespace == XLINK and local == "href" or namespace == "" and local == "href":
            if not _LOCAL.match(value):
                raise SvgProblem(_("the link %(value)s on <%(element)s> (only links to #fragments of the same file are allowed)") % {
                    "value": value.strip()[:80], "element": element,
                })
        elif namespace == "" and local in ATTRIBUTES:
            pass
        elif namespace == XML and local in ("lang", "space"):
            pass
        elif namespace in INERT or (self.metadata_depth and namespace in _METADATA):
            pass
        else:
            raise SvgProblem(_("the attribute %(name)s on <%(element)s>") % {"name": shown, "element": element})
        self.references(value, element)
        if local == "style" and namespace == "":
            self.active_css(value, element)

    def references(self, value: str, element: str) -> None:
        """A value may reference only fragments of this file: ``url(#glow)``. Linear: each
        ``url(`` is read up to the next ``)``, and the search goes on after it."""
        lowered = value.lower()
        if "url" not in lowered:
            return
        pos = 0
        for match in _URL_START.finditer(lowered):
            if match.start() < pos:
                continue
            end = value.find(")", match.end())
            if end < 0:
                raise SvgProblem(_("an unterminated url( in <%(element)s>") % {"element": element})
            target = value[match.end():end].strip().strip("'\"").strip()
            if not target.startswith("#"):
                raise SvgProblem(_("the external reference url(%(target)s) in <%(element)s>") % {
                    "target": target[:80], "element": element,
                })
            pos = end + 1

    def active_css(self, sheet: str, element: str) -> None:
        """Style: no imports, expressions, bindings, or escapes that could hide them."""
        if found := _CSS_ACTIVE.search(sheet):
            raise SvgProblem(_("%(what)s in the style of <%(element)s>") % {"what": found.group(0), "element": element})

    def end(self, qualified: str) -> None:
        namespace, local = _name(qualified)
        self.depth -= 1
        if self.metadata_depth:
            self.metadata_depth -= 1
        if local == "style" and namespace in ("", SVG):
            self.style_depth -= 1
            if self.style_depth == 0:
                sheet, self.style_text = "".join(self.style_text), []
                self.references(sheet, "style")
                self.active_css(sheet, "style")

    def text(self, data: str) -> None:
        if self.style_depth:
            self.style_text.append(data)
