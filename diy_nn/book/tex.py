"""The book's small TeX, written without MathJax: Unicode text or HTML.

A quiz shown where no MathJax can typeset it (JupyterLab, Notebook 7, Colab)
and a figure's alt text need the maths in plain characters:
``\\partial \\ell / \\partial z`` becomes ``∂ℓ / ∂z``, ``\\lambda_1`` becomes
``λ₁`` (text) or ``λ<sub>1</sub>`` (HTML), ``\\sqrt{\\hat v}`` becomes ``√v̂``.

:func:`to_text` and :func:`to_html` handle the TeX the chapters use: Greek
letters, sub- and superscripts, ``\\frac``, ``\\sqrt``, accents (``\\hat``,
``\\tilde``, ``\\bar``), ``\\mathbf``, ``\\mathrm``, ``\\text`` and the usual
operators. A command outside that set is a :class:`ValueError` that names it:
a question would otherwise show raw TeX to a reader.
:func:`split_math` cuts a text at its ``$...$`` spans.
"""
import html
import re

__all__ = ["to_text", "to_html", "split_math", "SYMBOLS"]

#: the commands written as one character (or a word set upright)
SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ",
    "varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ",
    "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
    "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
    "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "partial": "∂", "nabla": "∇", "ell": "ℓ", "infty": "∞",
    "times": "×", "cdot": "·", "div": "÷", "pm": "±", "mp": "∓", "odot": "⊙",
    "circ": "∘", "ast": "∗", "star": "⋆",
    "approx": "≈", "sim": "∼", "simeq": "≃", "equiv": "≡", "propto": "∝",
    "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠",
    "ll": "≪", "gg": "≫",
    "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒",
    "mapsto": "↦", "iff": "⇔",
    "sum": "∑", "prod": "∏", "int": "∫",
    "ldots": "…", "dots": "…", "cdots": "⋯", "vdots": "⋮",
    "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
    "langle": "⟨", "rangle": "⟩", "lvert": "|", "rvert": "|", "vert": "|",
    "lVert": "‖", "rVert": "‖", "Vert": "‖", "|": "‖",
    "top": "⊤", "prime": "′", "forall": "∀", "exists": "∃", "emptyset": "∅",
    "{": "{", "}": "}", "%": "%", "$": "$", "_": "_", "&": "&", "#": "#",
}
# upright function names: \min -> "min"
FUNCTIONS = {"min", "max", "log", "ln", "exp", "sin", "cos", "tan", "tanh", "sinh",
             "cosh", "arg", "argmin", "argmax", "det", "dim", "sup", "inf", "lim",
             "softmax", "sign", "mod"}
SPACES = {",": "\u2009", ";": " ", ":": " ", "!": "", "quad": "  ", "qquad": "    ",
          " ": " "}
IGNORED = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl",
           "Bigr", "displaystyle", "textstyle", "limits", "nolimits"}
ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "tilde": "\u0303",
           "widetilde": "\u0303", "bar": "\u0304", "overline": "\u0305",
           "vec": "\u20d7", "dot": "\u0307", "ddot": "\u0308"}
FONTS = {"mathrm": "rm", "text": "rm", "textrm": "rm", "operatorname": "rm",
         "mathit": "it", "textit": "it", "mathbf": "bf", "boldsymbol": "bf",
         "textbf": "bf", "mathsf": "rm", "mathtt": "tt", "texttt": "tt"}
SUPERSCRIPT = str.maketrans("0123456789+-=()abcdefghijklmnoprstuvwxyzT⊤",
                            "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀᵀ")
SUBSCRIPT = str.maketrans("0123456789+-=()aehijklmnoprstuvx",
                          "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
RELATIONS = "=≈≤≥≠<>→←⇒⇔∈∉∼≃≡∝↦"
BINARY = "+−×·±∓⊙∘÷"

_TOKEN = re.compile(r"\\([A-Za-z]+|.)|([{}^_'])|(\s+)|(.)", re.S)


class _Parser:
    """TeX tokens -> a tree: lists of atoms ``("chr", text, style)``,
    ``("sup" | "sub", base, script)``, ``("frac", num, den)``, ``("sqrt", arg)``."""

    def __init__(self, tex, where):
        self.tex, self.where = tex, where
        self.tokens = [m.groups() for m in _TOKEN.finditer(tex)]
        self.i = 0

    def error(self, message):
        return ValueError(f"{self.where}: {message} in ${self.tex}$")

    def parse(self):
        atoms = self.group(style="it")
        if self.i < len(self.tokens):
            raise self.error("an unmatched '}'")
        return atoms

    def group(self, style, until_brace=False):
        atoms = []
        while self.i < len(self.tokens):
            command, special, space, char = self.tokens[self.i]
            if special == "}":
                if not until_brace:
                    raise self.error("an unmatched '}'")
                self.i += 1
                return atoms
            if special in ("^", "_"):
                self.i += 1
                script = self.argument(style)
                base = atoms.pop() if atoms else ("chr", "", style)
                if base[0] == "sub" and special == "^":         # x_i^2
                    atoms.append(("subsup", base[1], base[2], script))
                elif base[0] == "sup" and special == "_":       # x^2_i
                    atoms.append(("subsup", base[1], script, base[2]))
                else:
                    atoms.append(("sup" if special == "^" else "sub", base, script))
                continue
            if special == "'":
                self.i += 1
                atoms.append(("chr", "′", "rm"))
                continue
            atoms.extend(self.atom(style))
        if until_brace:
            raise self.error("a '{' that is never closed")
        return atoms

    def argument(self, style):
        """One argument: a {group} or a single token."""
        while self.i < len(self.tokens) and self.tokens[self.i][2]:
            self.i += 1                             # spaces before it
        if self.i >= len(self.tokens):
            raise self.error("a command or ^ _ with nothing after it")
        if self.tokens[self.i][1] == "{":
            self.i += 1
            return self.group(style, until_brace=True)
        return self.atom(style)

    def atom(self, style):
        command, special, space, char = self.tokens[self.i]
        self.i += 1
        if special == "{":
            return [("group", self.group(style, until_brace=True))]
        if space:
            return []                               # TeX ignores spaces in maths
        if char is not None:
            if char in ",;":                        # punctuation: a space after it
                return [("chr", char + " ", "rm")]
            return [("chr", char, style if char.isalpha() else "rm")]
        if command in SPACES:
            return [("chr", SPACES[command], "rm")] if SPACES[command] else []
        if command in IGNORED:
            return []
        if command in SYMBOLS:
            greek_lower = "\u03b1" <= SYMBOLS[command] <= "\u03d5" or command in (
                "epsilon", "varepsilon", "vartheta", "varphi", "ell")
            return [("chr", SYMBOLS[command], style if greek_lower else "rm")]
        if command in FUNCTIONS:
            return [("chr", command, "fn")]
        if command in ACCENTS:
            return [("accent", ACCENTS[command], self.argument(style))]
        if command in FONTS:
            return [("group", self.argument(FONTS[command]))]
        if command == "frac":
            return [("frac", self.argument(style), self.argument(style))]
        if command == "sqrt":
            return [("sqrt", self.argument(style))]
        raise self.error(
            f"\\{command} is not in the book's TeX (diy_nn.book.tex): write it "
            f"with the commands it knows, or add it there")


def _flat(atoms):
    """The characters of a tree, for the plain parts of text output."""
    return "".join(_text(atoms))


def _is_simple(atoms):
    """One symbol (a letter, a number, an accented or indexed letter): it needs
    no brackets in a fraction or a root."""
    atoms = [a for a in atoms if not (a[0] == "chr" and not a[1].strip())]
    while len(atoms) == 1 and atoms[0][0] == "group":
        atoms = [a for a in atoms[0][1] if not (a[0] == "chr" and not a[1].strip())]
    if len(atoms) == 1 and atoms[0][0] in ("accent", "sub", "sup", "subsup"):
        return True
    return bool(re.fullmatch(r"\d+(\.\d+)?|∂?[^\W\d_]", _flat(atoms)))


def _script_text(atoms, table, mark):
    """A sub- or superscript in Unicode (x², λ₁), or ``^(k-1)`` when a
    character has no Unicode form."""
    text = _flat(atoms).replace("−", "-")
    if text and all(ord(c) in table for c in text):
        return text.translate(table)
    return mark + (f"({text})" if len(text) > 1 else text)


def _text(atoms):
    out = []
    for atom in atoms:
        kind = atom[0]
        if kind == "chr":
            out.append(atom[1])
        elif kind == "group":
            out.append(_flat(atom[1]))
        elif kind == "accent":
            inner = _flat(atom[2])
            out.append(inner + atom[1] if len(inner) == 1 else inner)
        elif kind in ("sup", "sub"):
            base = _flat([atom[1]])
            table, mark = (SUPERSCRIPT, "^") if kind == "sup" else (SUBSCRIPT, "_")
            out.append(base + _script_text(atom[2], table, mark))
        elif kind == "subsup":
            base = _flat([atom[1]])
            out.append(base + _script_text(atom[2], SUBSCRIPT, "_")
                       + _script_text(atom[3], SUPERSCRIPT, "^"))
        elif kind in ("frac", "sqrt"):
            out.append(_root_or_fraction(atom, _flat))
    return out


def _root_or_fraction(atom, render):
    """``a/b`` or ``√a`` in one line, with ``render`` (:func:`_flat` or
    :func:`_html`) for the parts; a part of more than one symbol in brackets."""
    def part(atoms):
        text = render(atoms)
        return text if _is_simple(atoms) else f"({text})"
    if atom[0] == "frac":
        return f"{part(atom[1])}/{part(atom[2])}"
    return "√" + part(atom[1])


def _html(atoms):
    out = []
    for atom in atoms:
        kind = atom[0]
        if kind == "chr":
            text = html.escape(atom[1])
            if atom[2] == "it" and atom[1].strip():
                out.append(f"<i>{text}</i>")
            elif atom[2] == "bf":
                out.append(f"<b>{text}</b>")
            elif atom[2] == "tt":
                out.append(f"<code>{text}</code>")
            else:
                out.append(text)
        elif kind == "group":
            out.append(_html(atom[1]))
        elif kind == "accent":
            inner = _flat(atom[2])
            italic = any(a[0] == "chr" and a[2] == "it" for a in atom[2])
            text = html.escape(inner + atom[1] if len(inner) == 1 else inner)
            out.append(f"<i>{text}</i>" if italic else text)
        elif kind in ("sup", "sub"):
            tag = "sup" if kind == "sup" else "sub"
            out.append(_html([atom[1]]) + f"<{tag}>{_html(atom[2])}</{tag}>")
        elif kind == "subsup":
            out.append(_html([atom[1]]) + f"<sub>{_html(atom[2])}</sub>"
                       f"<sup>{_html(atom[3])}</sup>")
        elif kind in ("frac", "sqrt"):
            out.append(_root_or_fraction(atom, _html))
    return re.sub(r"  +", " ", "".join(out))


# an operand just before: then + and - are binary operators, spaced as TeX sets them
_AFTER_OPERAND = (r"(?:(?<=[\w)\]′|‖⌋⌉⟩\u0300-\u036f\u20d7])"
                  r"|(?<=</i>)|(?<=</b>)|(?<=</sub>)|(?<=</sup>))")


def _tidy(text, relations=RELATIONS):
    text = text.replace("-", "−")
    text = re.sub(r"\s*([" + relations + r"])\s*", r" \1 ", text)
    text = re.sub(_AFTER_OPERAND + r"\s*([" + BINARY + r"])\s*", r" \1 ", text)
    return re.sub(r"\s+", " ", text).strip()


def to_text(tex, where="tex"):
    """The TeX of one formula (no ``$``) as plain Unicode text."""
    return _tidy("".join(_text(_Parser(tex, where).parse())))


def to_html(tex, where="tex"):
    """The TeX of one formula (no ``$``) as HTML: italic letters, ``<sub>``,
    ``<sup>``, Unicode symbols; no MathJax needed."""
    text = _html(_Parser(tex, where).parse()).replace("</i><i>", "")
    text = re.sub(r"\s*(&lt;|&gt;)\s*", r" \1 ", text)
    return _tidy(text, relations=RELATIONS.replace("<", "").replace(">", ""))


_MATH = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$", re.S)


def split_math(text):
    """``text`` cut at its ``$...$`` spans: a list of ``(is_math, part)``."""
    parts, last = [], 0
    for m in _MATH.finditer(text):
        if m.start() > last:
            parts.append((False, text[last:m.start()]))
        parts.append((True, m.group(1)))
        last = m.end()
    if last < len(text):
        parts.append((False, text[last:]))
    if any(not is_math and re.search(r"(?<!\\)\$", part) for is_math, part in parts):
        raise ValueError(f"a '$' without its closing '$' in {text!r}")
    return parts
