//! The unit tests of `page.rs`, kept beside the runtime: the copy in each SDK leaves them out.

//! Each style against a mock server: the requests a listing sends and where it
//! stops.
use futures::StreamExt as _;
use reqwest::Method;
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, ResponseTemplate, matchers::any};

use super::{PageNext, PageStyle, Slot};
use crate::call::Call;
use crate::client::Client;
use crate::error::Error;
use crate::request::RequestSpec;

const QUERY: fn(&'static str) -> Slot = |name| Slot {
    name,
    in_body: false,
};

/// A server whose answer depends on the request.
async fn server(
    answer: impl Fn(&Request) -> ResponseTemplate + Send + Sync + 'static,
) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(answer).mount(&server).await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap()
}

fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn listing(
    server: &MockServer,
    style: PageStyle,
    build: impl FnOnce(&mut RequestSpec),
) -> Call<super::Page<i64>> {
    let mut spec = RequestSpec::new(Method::GET, "test.list");
    spec.path("/items");
    build(&mut spec);
    spec.paginate(style);
    Call::page(client(server), spec)
}

async fn all(call: Call<super::Page<i64>>) -> (Vec<i64>, Option<Error>) {
    let mut items = Vec::new();
    let mut stream = call.into_stream();
    while let Some(item) = stream.next().await {
        match item {
            Ok(item) => items.push(item),
            Err(error) => return (items, Some(error)),
        }
    }
    (items, None)
}

async fn asked(server: &MockServer, name: &str) -> Vec<Option<String>> {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .map(|request| query(request, name))
        .collect()
}

#[tokio::test]
async fn a_query_cursor_is_sent_back_until_it_is_missing() {
    let server = server(|request: &Request| {
        let body = match query(request, "page_token").as_deref() {
            None => json!({"items": [1, 2], "next_page_token": "b"}),
            Some("b") => json!({"items": [3], "next_page_token": "c"}),
            _ => json!({"items": [4], "next_page_token": ""}),
        };
        ResponseTemplate::new(200).set_body_json(body)
    })
    .await;
    let style = PageStyle {
        items: Some("items"),
        next: PageNext::Cursor {
            field: "next_page_token",
            param: QUERY("page_token"),
        },
    };
    let (items, error) = all(listing(&server, style, |spec| spec.query("page_size", &2))).await;
    assert_eq!(items, [1, 2, 3, 4]);
    assert!(error.is_none());
    assert_eq!(
        asked(&server, "page_token").await,
        [None, Some("b".to_owned()), Some("c".to_owned())]
    );
    // The caller's own parameters stay on every page.
    assert_eq!(
        asked(&server, "page_size").await,
        vec![Some("2".to_owned()); 3]
    );
}

#[tokio::test]
async fn a_cursor_that_comes_back_ends_the_listing_with_an_error() {
    let server = server(|request: &Request| {
        let next = match query(request, "page_token").as_deref() {
            None | Some("a") => "b",
            _ => "a",
        };
        ResponseTemplate::new(200).set_body_json(json!({"items": [1], "next_page_token": next}))
    })
    .await;
    let style = PageStyle {
        items: Some("items"),
        next: PageNext::Cursor {
            field: "next_page_token",
            param: QUERY("page_token"),
        },
    };
    let (items, error) = all(listing(&server, style, |_| {})).await;
    assert_eq!(items, [1, 1, 1], "a page's items come before the error");
    assert!(
        matches!(error, Some(Error::RepeatedCursor { ref cursor }) if cursor == "b"),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_body_cursor_is_sent_in_the_json_body_beside_the_callers_fields() {
    let server = server(|request: &Request| {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let answer = match body.get("page_token").and_then(Value::as_str) {
            None => json!({"items": [1], "next_page_token": "t2"}),
            _ => json!({"items": [2], "next_page_token": null}),
        };
        ResponseTemplate::new(200).set_body_json(answer)
    })
    .await;
    let mut spec = RequestSpec::new(Method::POST, "test.search");
    spec.path("/search");
    spec.json(&json!({"filter": {"status": "done"}}));
    spec.paginate(PageStyle {
        items: Some("items"),
        next: PageNext::Cursor {
            field: "next_page_token",
            param: Slot {
                name: "page_token",
                in_body: true,
            },
        },
    });
    let (items, error) = all(Call::page(client(&server), spec)).await;
    assert_eq!(items, [1, 2]);
    assert!(error.is_none());
    let bodies: Vec<Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|request| serde_json::from_slice(&request.body).unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            json!({"filter": {"status": "done"}}),
            json!({"filter": {"status": "done"}, "page_token": "t2"}),
        ]
    );
}

fn numbers(from: u64, count: u64) -> Vec<u64> {
    (from + 1..=from + count).collect()
}

#[tokio::test]
async fn an_offset_listing_ends_on_a_short_page() {
    // Five items, two per page: 1 2 | 3 4 | 5.
    let server = server(|request: &Request| {
        let offset: u64 = query(request, "offset").map_or(0, |o| o.parse().unwrap());
        let count = 5u64.saturating_sub(offset).min(2);
        ResponseTemplate::new(200)
            .set_body_json(json!({"files": numbers(offset, count), "limit": 2}))
    })
    .await;
    let style = PageStyle {
        items: Some("files"),
        next: PageNext::Offset {
            offset: QUERY("offset"),
            limit: Some(QUERY("limit")),
            total: None,
        },
    };
    // The limit is the server's default, read from its echo in the response.
    let (items, error) = all(listing(&server, style, |_| {})).await;
    assert_eq!(items, [1, 2, 3, 4, 5]);
    assert!(error.is_none());
    assert_eq!(
        asked(&server, "offset").await,
        [None, Some("2".to_owned()), Some("4".to_owned())]
    );
}

#[tokio::test]
async fn an_offset_listing_ends_at_its_total_or_on_an_empty_page() {
    let server = server(|request: &Request| {
        let offset: u64 = query(request, "skip").map_or(0, |o| o.parse().unwrap());
        let count = 4u64.saturating_sub(offset).min(2);
        ResponseTemplate::new(200)
            .set_body_json(json!({"documents": numbers(offset, count), "total_count": 4}))
    })
    .await;
    let with_total = PageStyle {
        items: Some("documents"),
        next: PageNext::Offset {
            offset: QUERY("skip"),
            limit: None,
            total: Some("total_count"),
        },
    };
    let (items, _) = all(listing(&server, with_total, |_| {})).await;
    assert_eq!(items, [1, 2, 3, 4]);
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        2,
        "no request past the total"
    );

    server.reset().await;
    Mock::given(any())
        .respond_with(|request: &Request| {
            let offset: u64 = query(request, "skip").map_or(0, |o| o.parse().unwrap());
            let count = 3u64.saturating_sub(offset).min(2);
            ResponseTemplate::new(200).set_body_json(json!({"documents": numbers(offset, count)}))
        })
        .mount(&server)
        .await;
    let without = PageStyle {
        items: Some("documents"),
        next: PageNext::Offset {
            offset: QUERY("skip"),
            limit: None,
            total: None,
        },
    };
    let (items, _) = all(listing(&server, without, |_| {})).await;
    assert_eq!(items, [1, 2, 3]);
    assert_eq!(
        asked(&server, "skip").await,
        [None, Some("2".to_owned()), Some("3".to_owned())],
        "without a limit or a total, the empty page ends it"
    );
}

#[tokio::test]
async fn a_page_number_listing_counts_from_one_and_ends_on_a_short_page() {
    let server = server(|request: &Request| {
        let page: u64 = query(request, "page").map_or(1, |p| p.parse().unwrap());
        let count = 5u64.saturating_sub((page - 1) * 2).min(2);
        ResponseTemplate::new(200).set_body_json(json!(numbers((page - 1) * 2, count)))
    })
    .await;
    let style = PageStyle {
        items: None,
        next: PageNext::PageNumber {
            page: QUERY("page"),
            size: Some(QUERY("per_page")),
            total_pages: None,
        },
    };
    let (items, error) = all(listing(&server, style, |spec| spec.query("per_page", &2))).await;
    assert_eq!(items, [1, 2, 3, 4, 5]);
    assert!(error.is_none());
    assert_eq!(
        asked(&server, "page").await,
        [None, Some("2".to_owned()), Some("3".to_owned())]
    );
}

#[tokio::test]
async fn a_link_header_is_followed_on_the_apis_origin_only() {
    let server = MockServer::start().await;
    let uri = server.uri();
    Mock::given(any())
        .respond_with(move |request: &Request| {
            let page = query(request, "page").unwrap_or_default();
            let (items, link) = match page.as_str() {
                "" => (json!([1, 2]), format!("<{uri}/items?page=2&per_page=2>; rel=\"next\", <{uri}/items?page=3>; rel=\"last\"")),
                "2" => (json!([3]), format!("<{uri}/items?page=1>; rel=\"first\", </items?page=3&per_page=2>; rel=\"next\"")),
                "3" => (json!([4]), format!("<{uri}/items?page=1>; rel=\"prev first\"")),
                _ => (json!([99]), String::new()),
            };
            ResponseTemplate::new(200).insert_header("link", link.as_str()).set_body_json(items)
        })
        .mount(&server)
        .await;
    let style = PageStyle {
        items: None,
        next: PageNext::LinkHeader,
    };
    let call = listing(&server, style, |spec| spec.query("per_page", &2));
    let first = call.await.unwrap();
    assert_eq!(first.items, [1, 2]);
    assert!(
        first.headers.contains_key("link"),
        "the raw response is kept"
    );
    let (items, error) = all(listing(&server, style, |spec| spec.query("per_page", &2))).await;
    assert_eq!(
        items,
        [1, 2, 3, 4],
        "a relative link resolves against the page's URL"
    );
    assert!(error.is_none());

    let foreign = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    "<https://elsewhere.example/items?page=2>; rel=\"next\"",
                )
                .set_body_json(json!([1])),
        )
        .mount(&foreign)
        .await;
    let (items, error) = all(listing(&foreign, style, |_| {})).await;
    assert_eq!(items, [1]);
    assert!(
        matches!(error, Some(Error::ForeignPageUrl { .. })),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_next_url_field_is_followed_until_it_is_null() {
    let server = server(|request: &Request| {
        let body = match query(request, "Page").as_deref() {
            None => json!({"messages": [1], "next_page_uri": "/items?Page=1&PageSize=1"}),
            Some("1") => json!({"messages": [2], "next_page_uri": "/items?Page=2&PageSize=1"}),
            _ => json!({"messages": [], "next_page_uri": null}),
        };
        ResponseTemplate::new(200).set_body_json(body)
    })
    .await;
    let style = PageStyle {
        items: Some("messages"),
        next: PageNext::NextUrl {
            field: "next_page_uri",
        },
    };
    let (items, error) = all(listing(&server, style, |_| {})).await;
    assert_eq!(items, [1, 2], "the empty last page ends the listing");
    assert!(error.is_none());
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}
