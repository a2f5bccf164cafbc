"""The official Python SDK (`llama-cloud` on PyPI) driven with the differential cases.

Input (stdin): a JSON object mapping each case name to the base URL of the recording
mock server that case must talk to.
Output: one request per case at its server; the response is ignored, and an error
after the request was sent does not matter. `tests/differential.rs` runs the same
cases with the Rust SDK against servers of its own and compares the requests.
Each case here has a twin of the same name there, with the same inputs.
"""

import json
import sys
import warnings

from llama_cloud import LlamaCloud

CASES = {}


def case(function):
    CASES[function.__name__] = function
    return function


@case
def chat_create(client):
    client.beta.chat.create(index_ids=["idx-1", "idx-2"], project_id="proj-1")


@case
def chat_create_unbound(client):
    client.beta.chat.create(index_ids=None)


@case
def chat_list(client):
    client.beta.chat.list(page_size=10, page_token="tok-1")


@case
def chat_retrieve(client):
    client.beta.chat.retrieve("ses-1", organization_id="org-1")


@case
def chat_delete(client):
    client.beta.chat.delete("ses-1")


@case
def chat_get_summary(client):
    client.beta.chat.get_summary("ses-1")


@case
def chat_stream(client):
    client.beta.chat.stream("ses-1", index_ids=["idx-1"], prompt="What changed in Q3?")


@case
def pipelines_update_embedding_key(client):
    client.pipelines.update(
        "pl-1",
        embedding_config={"type": "OPENAI_EMBEDDING", "component": {"api_key": "sk-emb"}},
    )


@case
def pipelines_update_name_null(client):
    client.pipelines.update("pl-1", name=None, data_sink_id="ds-1")


@case
def extract_create(client):
    client.extract.create(
        file_input="file-1",
        configuration={"data_schema": {"type": "object", "properties": {"total": {"type": "number"}}}, "tier": "agentic"},
    )


@case
def parsing_create(client):
    client.parsing.create(
        tier="fast",
        version="latest",
        source_url="https://example.com/report.pdf",
        crop_box={"top": 0.1, "left": 0},
        disable_cache=True,
    )


@case
def parsing_create_upload(client):
    client.parsing.create(
        tier="cost_effective",
        version="2026-06-15",
        upload_file=("report.pdf", b"%PDF-1.7 test", "application/pdf"),
    )


@case
def files_create(client):
    client.files.create(file=("notes.txt", b"hello world", "text/plain"), purpose="user_data")


@case
def pipelines_documents_create(client):
    client.pipelines.documents.create(
        "pl-1", body=[{"text": "hello", "metadata": {"page": 1, "score": 0.5, "tag": None}}]
    )


@case
def pipelines_files_create(client):
    client.pipelines.files.create("pl-1", body=[{"file_id": "f-1"}, {"file_id": "f-2", "custom_metadata": {"k": "v"}}])


@case
def agent_data_search(client):
    client.beta.agent_data.search(deployment_name="agent-1", filter={"status": {"eq": "done"}, "n": {"lte": 3}}, page_size=5)


@case
def pipelines_list(client):
    client.pipelines.list(project_id="proj-1", pipeline_name="docs")


@case
def retrievers_search(client):
    client.retrievers.search(
        query="q3 revenue",
        pipelines=[{"name": "docs", "description": "All docs", "pipeline_id": "pl-1"}],
        rerank_top_n=3,
    )


def main():
    # Some cases call routes the SDK marks deprecated; the request is what matters.
    warnings.simplefilter("ignore", DeprecationWarning)
    targets = json.load(sys.stdin)
    for name, base_url in targets.items():
        client = LlamaCloud(api_key="sk-test", base_url=base_url, max_retries=0)
        try:
            CASES[name](client)
        except Exception:  # the response is not what is compared
            pass


if __name__ == "__main__":
    main()
