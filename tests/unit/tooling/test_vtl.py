"""aigw.vtl: API Gateway's template variables over a real Velocity engine."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aigw import vtl

ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=200)


# -- $util --------------------------------------------------------------------------------


@given(ANY_TEXT)
def test_escape_javascript_with_the_documented_replace_is_a_json_string(text: str) -> None:
    # The idiom API Gateway documents for a JSON string property.
    template = '{"v": "$util.escapeJavaScript($input.path(\'$.s\')).replaceAll("\\\\\'","\'")"}'
    rendered = vtl.render(template, json.dumps({"s": text}))
    assert json.loads(rendered) == {"v": text}


def test_escape_javascript_matches_commons_lang() -> None:
    assert vtl.escape_javascript('it\'s "a"/b\\c') == 'it\\\'s \\"a\\"\\/b\\\\c'
    assert vtl.escape_javascript("\b\t\n\f\r\x01\x7f") == "\\b\\t\\n\\f\\r\\u0001\x7f"
    assert vtl.escape_javascript("é€😀") == "\\u00E9\\u20AC\\uD83D\\uDE00"


def test_escaped_single_quote_alone_is_not_json() -> None:
    # Why every template undoes \' : API Gateway's escapeJavaScript output is not JSON.
    with pytest.raises(json.JSONDecodeError):
        json.loads('"' + vtl.render("$util.escapeJavaScript($input.body)", "it's") + '"')


def test_string_literals_keep_backslashes_as_in_velocity_1_7() -> None:
    assert vtl.render('#set($r = "\\\\\'")$r', "") == "\\\\'"
    assert vtl.render("#set($r = 'a\\nb')$r", "") == "a\\nb"
    assert vtl.render('#set($r = "say ""hi""")$r', "") == 'say "hi"'


@given(ANY_TEXT)
def test_url_encode_and_decode_round_trip(text: str) -> None:
    encoded = vtl.Util().urlEncode(text)
    assert set(encoded) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-*_+%"
    )
    assert vtl.Util().urlDecode(encoded) == text


def test_url_encode_is_java_url_encoder() -> None:
    assert vtl.render("$util.urlEncode($input.body)", "a b~c*d/é") == "a+b%7Ec*d%2F%C3%A9"
    assert vtl.render("$util.urlDecode($input.body)", "a+b%7Ec") == "a b~c"


@given(ANY_TEXT)
def test_base64_round_trip(text: str) -> None:
    encoded = vtl.Util().base64Encode(text)
    assert encoded == base64.b64encode(text.encode()).decode()
    assert vtl.Util().base64Decode(encoded) == text


def test_parse_json_gives_template_objects() -> None:
    body = json.dumps({"errorMessage": json.dumps({"key1": "var1", "key2": {"arr": [1, 2, 3]}})})
    template = (
        "#set ($o = $util.parseJson($input.path('$.errorMessage')))"
        '{"v": $o.key2.arr[0], "n": $o.key2.arr.size()}'
    )
    assert json.loads(vtl.render(template, body)) == {"v": 1, "n": 3}


# -- $input -------------------------------------------------------------------------------


def test_input_json_path_and_body() -> None:
    body = json.dumps({"pets": [{"id": 1, "type": "dog"}, {"id": 2, "type": "cat"}]})
    assert vtl.render("$input.json('$.pets[1]')", body) == '{"id":2,"type":"cat"}'
    assert vtl.render("$input.path('$.pets').size()", body) == "2"
    assert vtl.render("$input.path('$.pets[0].type')", body) == "dog"
    assert vtl.render("$input.json('$.pets[*].id')", body) == "[1,2]"
    assert vtl.render("$input.json('$.nope')", body) == "null"
    assert vtl.render("[$!input.path('$.nope')]", body) == "[]"
    assert vtl.render("$input.body", body) == body


def test_input_path_gives_java_values() -> None:
    body = json.dumps({"a": True, "b": [1, "x", None], "c": {"d": False}})
    assert vtl.render("$input.path('$')", body) == "{a=true, b=[1, x, null], c={d=false}}"
    assert vtl.render("#if($input.path('$.a'))yes#end", body) == "yes"
    assert vtl.render("#if($input.path('$.c.d'))yes#{else}no#end", body) == "no"
    assert vtl.render("#if($input.path('$.a') == true)eq#end", body) == "eq"
    assert vtl.render("$input.path('$.b').size() $input.path('$.c').keySet()", body) == "3 [d]"


def test_input_params_searches_path_then_query_then_header() -> None:
    params = {
        "path": {"id": "p"},
        "querystring": {"id": "q", "name": "n"},
        "header": {"X-Trace": "h"},
    }
    assert vtl.render("$input.params('id')", "", params=params) == "p"
    assert vtl.render("$input.params('name')", "", params=params) == "n"
    assert vtl.render("$input.params('x-trace')", "", params=params) == "h"
    assert vtl.render("[$input.params('missing')]", "", params=params) == "[]"
    all_params = (
        "#set($all = $input.params())"
        "#foreach($type in $all.keySet())$type=#foreach($k in $all.get($type).keySet())$k#end;#end"
    )
    assert vtl.render(all_params, "", params=params) == "path=id;querystring=idname;header=X-Trace;"


# -- $context and $stageVariables -----------------------------------------------------------


def test_context_has_the_documented_names() -> None:
    ctx = vtl.context(
        request_id="r-1",
        stage="prod",
        resource_path="/v1/models",
        authorizer={"tenant": "acme", "n": 1, "ok": True},
        error={"message": 'Say "hi"'},
        now=0,
    )
    template = (
        "$context.requestId $context.stage $context.resourcePath $context.path "
        "$context.authorizer.tenant $context.authorizer.n $context.authorizer.ok "
        "$context.error.messageString $context.requestTime $context.requestTimeEpoch"
    )
    assert vtl.render(template, "", context_vars=ctx) == (
        'r-1 prod /v1/models /prod/v1/models acme 1 true "Say \\"hi\\"" '
        "01/Jan/1970:00:00:00 +0000 0"
    )


def test_stage_variables() -> None:
    variables = {"model": "m1"}
    template = "$stageVariables.model $stageVariables['model'] ${stageVariables['model']}"
    assert vtl.render(template, "", stage_variables=variables) == "m1 m1 m1"


# -- gateway responses: simple substitution, no Velocity ------------------------------------


def test_gateway_response_substitutes_values_as_they_are() -> None:
    ctx = vtl.context(error={"message": 'a "b"', "validationErrorString": '[x (["m"])]'})
    out = vtl.gateway_response(
        "$context.error.messageString|$context.error.validationErrorString|"
        "$context.error.message.|$stageVariables.s|$context.nope",
        ctx,
        {"s": "v"},
    )
    assert out == '"a \\"b\\""|[x (["m"])]|a "b".|v|$context.nope'


def test_gateway_response_does_not_run_velocity() -> None:
    # API Gateway documents gateway response templates as not processed by the VTL engine.
    template = "#if(true)x#end $util.escapeJavaScript($context.error.message)"
    out = vtl.gateway_response(template, vtl.context(error={"message": "m"}))
    assert out == "#if(true)x#end $util.escapeJavaScript(m)"
