"""The VTL mapping templates of sagemaker-route and ai-service-route produce the documented JSON.

API Gateway renders these templates with Velocity 1.7; this file carries a small
interpreter for the subset they use (``#set``, ``#if``/``#else``, ``#foreach`` with
``$foreach.hasNext``, ``$input.json/path/body``, ``$util.escapeJavaScript``,
``.replaceAll``, quiet references) so each template is rendered against sample
requests and service answers and its output parsed and checked. Terraform's
``templatefile`` interpolation (``${var}``) is applied first, as the modules do.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SM = ROOT / "modules" / "sagemaker-route" / "templates"
AI = ROOT / "modules" / "ai-service-route" / "templates"


# -- a Velocity subset --------------------------------------------------------------------


class _Input:
    def __init__(self, body: str) -> None:
        self.body = body

    def _doc(self) -> object:
        return json.loads(self.body)

    def _at(self, path: str) -> object:
        assert path.startswith("$"), path
        value = self._doc()
        for part in [p for p in path[1:].split(".") if p]:
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def json(self, path: str) -> str:
        return json.dumps(self._at(path))

    def path(self, path: str) -> object:
        return self._at(path)


def _escape_js(text: object) -> str:
    out = []
    for ch in str(text):
        if ch in "\"'\\/":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) > 0x7E:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


class _Util:
    def escapeJavaScript(self, text: object) -> str:
        return _escape_js(text)


class _Foreach:
    def __init__(self) -> None:
        self.hasNext = False


_REF = re.compile(r"\$(!?)([A-Za-z_][A-Za-z0-9_]*)")


def _to_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


class Velocity:
    def __init__(self, template: str, body: str) -> None:
        self.src = template
        self.vars: dict[str, object] = {"input": _Input(body), "util": _Util()}

    # expressions ---------------------------------------------------------------------
    def _split_args(self, text: str) -> list[str]:
        args, depth, quote, cur = [], 0, None, ""
        for ch in text:
            if quote:
                cur += ch
                if ch == quote:
                    quote = None
                continue
            if ch in "\"'":
                quote = ch
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            elif ch == "," and depth == 0:
                args.append(cur.strip())
                cur = ""
                continue
            cur += ch
        if cur.strip():
            args.append(cur.strip())
        return args

    def _interpolate(self, text: str) -> str:
        out, i = "", 0
        while i < len(text):
            if text[i] == "$":
                value, end, quiet = self._reference(text, i)
                out += "" if value is None and quiet else _to_text(value)
                i = end
            else:
                out += text[i]
                i += 1
        return out

    def eval(self, expr: str) -> object:
        expr = expr.strip()
        for op in ("&&", "||"):
            parts = self._split_top(expr, op)
            if len(parts) > 1:
                values = [bool(self.eval(p)) for p in parts]
                return all(values) if op == "&&" else any(values)
        for op in ("==", "!="):
            parts = self._split_top(expr, op)
            if len(parts) == 2:
                equal = self.eval(parts[0]) == self.eval(parts[1])
                return equal if op == "==" else not equal
        if expr.startswith('"') and expr.endswith('"'):
            return self._interpolate(expr[1:-1])
        if expr.startswith("'") and expr.endswith("'"):
            return expr[1:-1]
        if re.fullmatch(r"-?\d+", expr):
            return int(expr)
        if re.fullmatch(r"-?\d+\.\d+", expr):
            return float(expr)
        if expr.startswith("$"):
            value, end, _ = self._reference(expr, 0)
            assert end == len(expr), f"unparsed expression {expr!r}"
            return value
        raise AssertionError(f"unsupported expression {expr!r}")

    def _split_top(self, expr: str, op: str) -> list[str]:
        parts, depth, quote, cur, i = [], 0, None, "", 0
        while i < len(expr):
            ch = expr[i]
            if quote:
                if ch == quote:
                    quote = None
            elif ch in "\"'":
                quote = ch
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            elif depth == 0 and expr.startswith(op, i):
                parts.append(cur)
                cur, i = "", i + len(op)
                continue
            cur += ch
            i += 1
        parts.append(cur)
        return parts

    def _reference(self, text: str, i: int) -> tuple[object, int, bool]:
        m = _REF.match(text, i)
        assert m, f"bad reference at {text[i : i + 20]!r}"
        quiet, name = m.group(1) == "!", m.group(2)
        value = self.vars.get(name)
        pos = m.end()
        while (
            pos < len(text) and text[pos] == "." and re.match(r"[A-Za-z_]", text[pos + 1 : pos + 2])
        ):
            mm = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)").match(text, pos)
            attr, pos = mm.group(1), mm.end()
            if pos < len(text) and text[pos] == "(":
                depth, j = 0, pos
                while True:
                    if text[j] == "(":
                        depth += 1
                    elif text[j] == ")":
                        depth -= 1
                        if depth == 0:
                            break
                    j += 1
                args = [self.eval(a) for a in self._split_args(text[pos + 1 : j])]
                pos = j + 1
                if attr == "replaceAll":
                    value = re.sub(args[0], args[1].replace("\\", "\\\\"), str(value))
                else:
                    value = getattr(value, attr)(*args)
            elif isinstance(value, dict):
                value = value.get(attr)
            else:
                value = getattr(value, attr, None)
        return value, pos, quiet

    # statements ----------------------------------------------------------------------
    def _directive_args(self, pos: int) -> tuple[str, int]:
        assert self.src[pos] == "(", self.src[pos : pos + 20]
        depth, quote, j = 0, None, pos
        while True:
            ch = self.src[j]
            if quote:
                if ch == quote:
                    quote = None
            elif ch in "\"'":
                quote = ch
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return self.src[pos + 1 : j], j + 1
            j += 1

    def _parse(self, pos: int, stops: tuple[str, ...]) -> tuple[list, int, str | None]:
        nodes: list = []
        text = ""
        while pos < len(self.src):
            m = re.compile(r"#(set|if|elseif|else|end|foreach)\b").match(self.src, pos)
            if m:
                if text:
                    nodes.append(("text", text))
                    text = ""
                kind = m.group(1)
                pos = m.end()
                if kind in stops:
                    return nodes, pos, kind
                if kind == "set":
                    args, pos = self._directive_args(pos)
                    name, expr = args.split("=", 1)
                    nodes.append(("set", name.strip().lstrip("$"), expr.strip()))
                elif kind == "if":
                    cond, pos = self._directive_args(pos)
                    body, pos, stop = self._parse(pos, ("else", "end"))
                    other: list = []
                    if stop == "else":
                        other, pos, stop = self._parse(pos, ("end",))
                    nodes.append(("if", cond, body, other))
                elif kind == "foreach":
                    args, pos = self._directive_args(pos)
                    var, expr = re.fullmatch(r"\s*\$(\w+)\s+in\s+(.+)", args).groups()
                    body, pos, _ = self._parse(pos, ("end",))
                    nodes.append(("foreach", var, expr, body))
                else:
                    raise AssertionError(f"unexpected #{kind}")
                continue
            if self.src[pos] == "$":
                if text:
                    nodes.append(("text", text))
                    text = ""
                _, end, _ = self._reference(self.src, pos)
                nodes.append(("ref", self.src[pos:end]))
                pos = end
                continue
            text += self.src[pos]
            pos += 1
        if text:
            nodes.append(("text", text))
        return nodes, pos, None

    def _run(self, nodes: list) -> str:
        out = ""
        for node in nodes:
            kind = node[0]
            if kind == "text":
                out += node[1]
            elif kind == "ref":
                value, _, quiet = self._reference(node[1], 0)
                out += ("" if quiet else node[1]) if value is None else _to_text(value)
            elif kind == "set":
                self.vars[node[1]] = self.eval(node[2])
            elif kind == "if":
                out += self._run(node[2] if self.eval(node[1]) else node[3])
            elif kind == "foreach":
                items = self.eval(node[2]) or []
                outer = self.vars.get("foreach")
                for idx, item in enumerate(items):
                    loop = _Foreach()
                    loop.hasNext = idx < len(items) - 1
                    self.vars["foreach"], self.vars[node[1]] = loop, item
                    out += self._run(node[3])
                self.vars["foreach"] = outer
        return out

    def render(self) -> str:
        # Velocity 1.7 drops the line break of a line made only of directives.
        directive_line = re.compile(
            r"^[ \t]*(#(set|if|else|end|foreach)\b(\([^\n]*?\))?[ \t]*)+\n", re.M
        )
        src = directive_line.sub(lambda m: m.group(0)[:-1], self.src)
        self.src = src
        nodes, _, _ = self._parse(0, ())
        return self._run(nodes)


def tf_render(path: Path, **variables: object) -> str:
    """Terraform ``templatefile``: ``${name}`` interpolation (all the templates use)."""
    text = path.read_text()

    def sub(m: re.Match[str]) -> str:
        assert m.group(1) in variables, f"{path.name} needs ${{{m.group(1)}}}"
        return str(variables[m.group(1)])

    return re.sub(r"\$\{(\w+)\}", sub, text)


def render(template: str, body: object) -> str:
    raw = body if isinstance(body, str) else json.dumps(body)
    return Velocity(template, raw).render()


# -- sagemaker-route ------------------------------------------------------------------------


def test_sagemaker_json_request_is_the_body_as_json():
    out = render(SM.joinpath("request_json.vtl").read_text(), {"inputs": "I 'love' it"})
    assert json.loads(out) == {"inputs": "I 'love' it"}


def test_sagemaker_csv_request_turns_instances_into_rows():
    out = render(SM.joinpath("request_csv.vtl").read_text(), {"instances": [[1, 2.5], [3, -4]]})
    assert out == "1,2.5\n3,-4\n"


def test_sagemaker_json_response_is_an_envelope():
    tpl = tf_render(SM / "response_json.vtl", route="sentiment", accept="application/json")
    out = json.loads(render(tpl, [{"label": "POSITIVE", "score": 0.9}]))
    assert out == {
        "object": "sagemaker.invocation",
        "endpoint": "sentiment",
        "content_type": "application/json",
        "predictions": [{"label": "POSITIVE", "score": 0.9}],
    }


def test_sagemaker_text_response_is_an_escaped_string():
    tpl = tf_render(SM / "response_text.vtl", route="churn", accept="text/csv")
    body = '0.9,"it\'s"\n0.1,a/b\n'
    out = json.loads(render(tpl, body))
    assert out["predictions"] == body
    assert out["endpoint"] == "churn" and out["content_type"] == "text/csv"


@pytest.mark.parametrize("folder", [SM, AI], ids=["sagemaker-route", "ai-service-route"])
def test_error_template_is_openai_shaped(folder):
    tpl = tf_render(
        folder / "error.vtl",
        message="The model returned an error.",
        type="upstream_error",
        code="model_error",
        status="502",
    )
    out = json.loads(render(tpl, {"message": "ignored"}))
    assert out == {
        "error": {
            "message": "The model returned an error.",
            "type": "upstream_error",
            "code": "model_error",
            "param": None,
        }
    }


# -- ai-service-route ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "language"),
    [({"text": 'He said "great"'}, "en"), ({"text": "gut", "language": "de"}, "de")],
)
def test_sentiment_request(body, language):
    tpl = tf_render(AI / "sentiment_request.vtl", default_language="en")
    assert json.loads(render(tpl, body)) == {"Text": body["text"], "LanguageCode": language}


def test_sentiment_response():
    answer = {
        "Sentiment": "POSITIVE",
        "SentimentScore": {"Positive": 0.97, "Negative": 0.01, "Neutral": 0.015, "Mixed": 0.005},
    }
    out = json.loads(render((AI / "sentiment_response.vtl").read_text(), answer))
    assert out == {
        "sentiment": "POSITIVE",
        "scores": {"positive": 0.97, "negative": 0.01, "neutral": 0.015, "mixed": 0.005},
    }


def test_pii_request_defaults_the_language():
    tpl = tf_render(AI / "pii_request.vtl", default_language="es")
    assert json.loads(render(tpl, {"text": "hola"})) == {"Text": "hola", "LanguageCode": "es"}


@pytest.mark.parametrize(
    "entities",
    [
        [],
        [
            {"Type": "EMAIL", "Score": 0.99, "BeginOffset": 3, "EndOffset": 20},
            {"Type": "NAME", "Score": 0.8, "BeginOffset": 25, "EndOffset": 30},
        ],
    ],
)
def test_pii_response(entities):
    out = json.loads(render((AI / "pii_response.vtl").read_text(), {"Entities": entities}))
    assert out == {
        "entities": [
            {
                "type": e["Type"],
                "score": e["Score"],
                "begin": e["BeginOffset"],
                "end": e["EndOffset"],
            }
            for e in entities
        ]
    }


@pytest.mark.parametrize(
    ("body", "source"),
    [
        ({"text": "hello", "target_language": "fr"}, "auto"),
        ({"text": "hello", "target_language": "fr", "source_language": "en"}, "en"),
    ],
)
def test_translate_request(body, source):
    tpl = tf_render(AI / "translate_request.vtl")
    assert json.loads(render(tpl, body)) == {
        "Text": "hello",
        "SourceLanguageCode": source,
        "TargetLanguageCode": "fr",
    }


def test_translate_response():
    answer = {"TranslatedText": "l'été", "SourceLanguageCode": "en", "TargetLanguageCode": "fr"}
    out = json.loads(render((AI / "translate_response.vtl").read_text(), answer))
    assert out == {"text": "l'été", "source_language": "en", "target_language": "fr"}


@pytest.mark.parametrize(
    ("body", "max_labels", "min_confidence"),
    [
        ({"image": "aGVsbG8="}, 10, 55),
        ({"image": "aGVsbG8=", "max_labels": 3, "min_confidence": 80.5}, 3, 80.5),
    ],
)
def test_labels_request(body, max_labels, min_confidence):
    tpl = tf_render(AI / "labels_request.vtl", max_labels=10, min_confidence=55)
    assert json.loads(render(tpl, body)) == {
        "Image": {"Bytes": "aGVsbG8="},
        "MaxLabels": max_labels,
        "MinConfidence": min_confidence,
    }


def test_labels_response():
    answer = {
        "Labels": [
            {"Name": "Dog", "Confidence": 98.1, "Parents": [{"Name": "Pet"}, {"Name": "Animal"}]},
            {"Name": 'Jack\'s "toy"', "Confidence": 60.0, "Parents": []},
        ]
    }
    out = json.loads(render((AI / "labels_response.vtl").read_text(), answer))
    assert out == {
        "labels": [
            {"name": "Dog", "confidence": 98.1, "parents": ["Pet", "Animal"]},
            {"name": 'Jack\'s "toy"', "confidence": 60.0, "parents": []},
        ]
    }


def test_every_template_is_covered():
    tested = {
        "sagemaker-route": {
            "request_json",
            "request_csv",
            "response_json",
            "response_text",
            "error",
        },
        "ai-service-route": {
            "error",
            *(
                f"{s}_{d}"
                for s in ("sentiment", "pii", "translate", "labels")
                for d in ("request", "response")
            ),
        },
    }
    for folder, names in ((SM, tested["sagemaker-route"]), (AI, tested["ai-service-route"])):
        assert {p.stem for p in folder.glob("*.vtl")} == names, folder
