//! One collection of the API and the verbs every collection shares.

use std::marker::PhantomData;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use shared::page::Page;

use crate::client::{if_match, with_query};
use crate::{API, Answer, Client};

/// The record, input and summary types of a [`Resource`], which holds no value of them.
type Types<T, I, S> = PhantomData<fn() -> (T, I, S)>;

/// One collection of the API, `/api/v1/<name>`: its records read as `T`, created from
/// `I`, listed as pages of `S`.
pub struct Resource<'c, T, I, S = T> {
    client: &'c Client,
    path: String,
    types: Types<T, I, S>,
}

impl<'c, T, I, S> Resource<'c, T, I, S>
where
    T: DeserializeOwned,
    I: Serialize,
    S: DeserializeOwned,
{
    pub(crate) fn new(client: &'c Client, name: &str) -> Self {
        Resource {
            client,
            path: format!("{API}/{name}"),
            types: PhantomData,
        }
    }

    /// The collection's path, e.g. `/api/v1/referrals`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// One record's path, e.g. `/api/v1/referrals/7`.
    pub fn item_path(&self, id: i64) -> String {
        format!("{}/{id}", self.path)
    }

    /// `GET` the collection with a query string (`"box=inbox&limit=5"`, or `""`).
    pub async fn list(&self, query: &str) -> Answer<Page<S>> {
        self.client.get(&with_query(&self.path, query)).await
    }

    /// `POST` a new record.
    pub async fn create(&self, input: &I) -> Answer<T> {
        self.client.post(&self.path, input).await
    }

    /// `POST` a new record whose answer is not the record itself.
    pub async fn create_as<R>(&self, input: &I) -> Answer<R> {
        self.client.post(&self.path, input).await
    }

    /// `POST` a new record with an `Idempotency-Key`: a retry with the same key and body
    /// answers the record made the first time.
    pub async fn create_with_key(&self, input: &I, key: &str) -> Answer<T> {
        let request = self.client.request(Method::POST, &self.path).json(input);
        self.client
            .send(request.header("Idempotency-Key", key))
            .await
    }

    /// `POST` the same new record twice with one `Idempotency-Key`, as a client retrying
    /// after a lost answer would: both answers must be 201. Returns both records.
    pub async fn create_retried(&self, input: &I, key: &str) -> (T, T) {
        let first = self.create_with_key(input, key).await.created();
        let again = self.create_with_key(input, key).await.created();
        (first, again)
    }

    /// `GET` one record.
    pub async fn get(&self, id: i64) -> Answer<T> {
        self.client.get(&self.item_path(id)).await
    }

    /// `PUT` a record, with `If-Match` when an ETag is given.
    pub async fn update(&self, id: i64, input: &I, etag: Option<&str>) -> Answer<T> {
        self.client.put(&self.item_path(id), input, etag).await
    }

    /// `PUT` a record from a body of another type than the create's (e.g. a
    /// [`UserUpdate`](shared::registry::UserUpdate)), with `If-Match` when given.
    pub async fn update_from(
        &self,
        id: i64,
        body: &(impl Serialize + ?Sized),
        etag: Option<&str>,
    ) -> Answer<T> {
        self.client.put(&self.item_path(id), body, etag).await
    }

    /// `DELETE` a record.
    pub async fn delete(&self, id: i64) -> Answer<Value> {
        self.client.delete(&self.item_path(id)).await
    }

    /// `POST .../{id}/{action}`: one step of the record's workflow (`send`, `accept`,
    /// `approve`...), with `If-Match` when an ETag is given. Actions without a body take
    /// [`no_body`](crate::no_body).
    pub async fn step(
        &self,
        id: i64,
        action: &str,
        body: &(impl Serialize + ?Sized),
        etag: Option<&str>,
    ) -> Answer<T> {
        let path = format!("{}/{action}", self.item_path(id));
        let request = self.client.request(Method::POST, &path).json(body);
        self.client.send(if_match(request, etag)).await
    }

    /// `GET .../{id}/{tail}` (e.g. `events`, `diff?against=3`), read as `R`.
    pub async fn sub<R>(&self, id: i64, tail: &str) -> Answer<R> {
        self.client
            .get(&format!("{}/{tail}", self.item_path(id)))
            .await
    }

    /// `POST .../{id}/{tail}` with a JSON body, read as `R` (e.g. a plan's evaluations).
    pub async fn sub_post<R>(
        &self,
        id: i64,
        tail: &str,
        body: &(impl Serialize + ?Sized),
    ) -> Answer<R> {
        self.client
            .post(&format!("{}/{tail}", self.item_path(id)), body)
            .await
    }
}
