"""Request normalisation (JSON/CSV) and output parsing of the SageMaker proxy."""

from __future__ import annotations

import base64
import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aigw_shared.errors import ApiError
from sagemaker_proxy import codec


def test_json_instances_become_csv_rows_for_a_csv_endpoint():
    body = json.dumps({"instances": [[1, 2.5, "a,b"], [3, None, True]]}).encode()
    out = codec.normalise_request(body, "application/json", "text/csv")
    assert out == b'1,2.5,"a,b"\n3,,true\n'


def test_a_flat_list_is_one_csv_row():
    out = codec.normalise_request(b'{"inputs": [0.1, 7]}', "application/json", "text/csv")
    assert out == b"0.1,7\n"


def test_csv_body_is_forwarded_as_is_to_a_csv_endpoint():
    body = b"1,2,3\n4,5,6\n"
    assert codec.normalise_request(body, "text/csv", "text/csv") == body


def test_csv_body_becomes_json_instances_for_a_json_endpoint():
    out = codec.normalise_request(b"1,2.5,x\n\n-3,4e2,\n", "text/csv", "application/json")
    assert json.loads(out) == {"instances": [[1, 2.5, "x"], [-3, 400.0, ""]]}


def test_json_is_compacted_for_a_json_endpoint():
    out = codec.normalise_request(
        b'{ "inputs" : "h\xc3\xa9llo" }', "application/json", "application/json"
    )
    assert out == '{"inputs":"héllo"}'.encode()


@pytest.mark.parametrize(
    ("body", "client_type", "endpoint_type", "code"),
    [
        (b"", "application/json", "application/json", "invalid_body"),
        (b"{nope", "application/json", "application/json", "invalid_json"),
        (b"\xff\xfe", "application/json", "application/json", "invalid_body"),
        (b"<xml/>", "application/xml", "application/json", "unsupported_media_type"),
        (b'{"rows": [[1]]}', "application/json", "text/csv", "invalid_instances"),
        (b'{"instances": []}', "application/json", "text/csv", "invalid_instances"),
        (b'{"instances": [[1], {"a": 1}]}', "application/json", "text/csv", "invalid_instances"),
        (b'{"instances": [[1, [2]]]}', "application/json", "text/csv", "invalid_instances"),
        (b"[1, 2]", "application/json", "text/csv", "invalid_instances"),
        (b"\n  \n", "text/csv", "text/csv", "invalid_body"),
    ],
)
def test_bad_bodies_are_client_errors(body, client_type, endpoint_type, code):
    with pytest.raises(ApiError) as err:
        codec.normalise_request(body, client_type, endpoint_type)
    assert err.value.status == 400
    assert err.value.code == code
    assert err.value.body()["error"]["type"] == "invalid_request_error"


def test_media_type_drops_parameters_and_defaults_to_json():
    assert codec.media_type("Text/CSV; charset=utf-8") == "text/csv"
    assert codec.media_type(None) == "application/json"


def test_json_output_is_parsed():
    assert codec.parse_output(b'{"label": "POSITIVE"}', "application/json") == (
        {"label": "POSITIVE"},
        None,
    )


def test_single_column_csv_output_is_flattened():
    assert codec.parse_output(b"0.91\n0.12\n", "text/csv") == ([0.91, 0.12], None)


def test_multi_column_csv_output_keeps_rows():
    assert codec.parse_output(b"1,cat\n0,dog\n", "text/csv; charset=utf-8") == (
        [[1, "cat"], [0, "dog"]],
        None,
    )


def test_jsonlines_output_is_a_list():
    assert codec.parse_output(b'{"a":1}\n{"a":2}\n', "application/jsonlines") == (
        [{"a": 1}, {"a": 2}],
        None,
    )


@pytest.mark.parametrize("content_type", ["image/png", "application/octet-stream", "text/plain"])
def test_binary_output_is_base64(content_type):
    value, encoding = codec.parse_output(b"\x89PNG\xff", content_type)
    assert encoding == "base64"
    assert base64.b64decode(value) == b"\x89PNG\xff"


def test_text_output_is_text():
    assert codec.parse_output(b"a label", "text/plain") == ("a label", None)


def test_invalid_json_output_is_returned_as_text():
    assert codec.parse_output(b"not json", "application/json") == ("not json", None)


# Independent expected values: literal documents in the formats of the SageMaker
# "Common data formats for inference" page (a text/csv record is the feature values,
# comma-separated, one record per line, e.g. `1.5,16.0,14,23.0`), and Python's own csv
# module (RFC 4180) as the reader of what the codec writes.


def test_json_instances_become_the_documented_csv_record():
    body = b'{"instances": [[1.5, 16.0, 14, 23.0], [0.5, -2, 7, 1e-3]]}'
    out = codec.normalise_request(body, "application/json", "text/csv")
    assert out == b"1.5,16.0,14,23.0\n0.5,-2,7,0.001\n"


def test_the_documented_csv_record_becomes_json_instances():
    out = codec.normalise_request(b"1.5,16.0,14,23.0\n", "text/csv", "application/json")
    assert out == b'{"instances":[[1.5,16.0,14,23.0]]}'


def test_csv_fields_that_are_not_numbers_stay_strings_as_sent():
    out = codec.normalise_request(
        b'007,1.,.5,-0, +3 ,1e3, x1 ,"a,b",\n', "text/csv", "application/json"
    )
    assert out == b'{"instances":[[7,1.0,0.5,0,3,1000.0," x1 ","a,b",""]]}'


def test_csv_output_of_an_endpoint_is_typed_rows():
    assert codec.parse_output(b"0.25,cat,3\n1e2,dog,-4\n", "text/csv") == (
        [[0.25, "cat", 3], [100.0, "dog", -4]],
        None,
    )


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
)


def _field(value: object) -> str:
    """A JSON scalar as a CSV field: null is empty, booleans as JSON writes them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@given(st.lists(st.lists(scalars, min_size=1, max_size=5), min_size=1, max_size=5))
def test_json_rows_survive_the_trip_through_csv(rows):
    csv_bytes = codec.normalise_request(
        json.dumps({"instances": rows}).encode(), "application/json", "text/csv"
    )
    assert csv_bytes.endswith(b"\n")
    parsed = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8"), newline="")))
    assert parsed == [[_field(v) for v in row] for row in rows]
