//! Models chosen at run time, by name: the catalog every generated crate
//! exports, a request whose model is known only at run time, and a client
//! whose provider is.
//!
//! The typed API (`Client<P>`, `Request`) is the one to use when the model is
//! known while writing the code. This layer serves the command line, batch
//! files and the provider-neutral request, where it comes from a string. It is
//! the same machinery: an [`AnyRequest`] is a typed request in a box, parsed
//! by the generated [`FromArgs`], and an [`AnyClient`] is a typed `Client<P>`
//! behind a trait object.

use std::any::Any;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::sync::broadcast;

use crate::args::{ArgErrors, Args, FromArgs};
use crate::client::{
    Body, Client, ClientBuilder, Generation, Replacements, body_with, check_request, replace_local,
    with_urls,
};
use crate::cost::Money;
use crate::deadline::Deadline;
use crate::error::Error;
use crate::events::Event;
use crate::image::ImageSource;
use crate::info::{ModelInfo, ProviderInfo};
use crate::json_request::JsonRequest;
use crate::limits::Gates;
use crate::local_images::{self, Checked, UploadCache, any_local, local_sources};
use crate::prediction::Prediction;
use crate::traits::{ModelRequest, Provider};

/// The provider of a [`ClientBuilder`] whose provider is picked later, by
/// [`ProviderEntry::connect`]. It has no values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnyProvider {}

impl ClientBuilder<AnyProvider> {
    /// Settings for a client whose provider is chosen at run time: pass the
    /// builder to [`ProviderEntry::connect`].
    pub fn new() -> Self {
        Self::default()
    }
}

/// A provider in a generated crate's catalog: its table, its models, and how
/// to build a client for it.
#[derive(Clone, Copy)]
pub struct ProviderEntry {
    /// Where and how it is called.
    pub info: &'static ProviderInfo,
    /// Its models, in spec order (only those whose cargo feature is on).
    pub models: &'static [&'static ModelEntry],
    /// Where it lists recent predictions, if it documents it.
    pub history: Option<&'static crate::info::HistoryInfo>,
    /// How it sends finished predictions to a URL, signed, if it does.
    pub webhook: Option<&'static crate::info::WebhookInfo>,
    /// Where it prices one request before it is sent, if it documents it.
    pub pricing: Option<&'static crate::info::PricingInfo>,
    /// Where it answers the account's balance, if it documents it.
    pub balance: Option<&'static crate::info::BalanceInfo>,
    connect: fn(ClientBuilder<AnyProvider>) -> Result<AnyClient, Error>,
}

impl fmt::Debug for ProviderEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderEntry")
            .field("provider", &self.info.name)
            .field("models", &self.models)
            .finish_non_exhaustive()
    }
}

impl ProviderEntry {
    /// The entry for provider `P` and these models (used by generated code).
    pub const fn of<P: Provider>(models: &'static [&'static ModelEntry]) -> Self {
        ProviderEntry {
            info: P::INFO,
            models,
            history: P::HISTORY,
            webhook: P::WEBHOOK,
            pricing: P::PRICING,
            balance: P::BALANCE,
            connect: connect::<P>,
        }
    }

    /// The model with this id (`z-image-turbo`, `openai/gpt-image-1`).
    pub fn model(&self, id: &str) -> Option<&'static ModelEntry> {
        self.models
            .iter()
            .copied()
            .find(|model| model.info.id == id)
    }

    /// A client configured from the environment, as `Client::from_env` does.
    pub fn client(&self) -> Result<AnyClient, Error> {
        self.connect(ClientBuilder::new())
    }

    /// A client for this provider with these settings. Nothing is sent.
    pub fn connect(&self, builder: ClientBuilder<AnyProvider>) -> Result<AnyClient, Error> {
        (self.connect)(builder)
    }
}

fn connect<P: Provider>(builder: ClientBuilder<AnyProvider>) -> Result<AnyClient, Error> {
    builder.retype::<P>().build().map(AnyClient::new)
}

/// A model in a generated crate's catalog: its table, and how to parse
/// parameters given as text into its request type.
#[derive(Clone, Copy)]
pub struct ModelEntry {
    /// Its endpoint, estimates and parameter table.
    pub info: &'static ModelInfo,
    parse: Parser,
}

/// How a [`ModelEntry`] turns text into a request.
#[derive(Clone, Copy)]
enum Parser {
    /// A generated request type's `FromArgs`.
    Typed(fn(Args) -> Result<AnyRequest, ArgErrors>),
    /// A model whose table was built at run time: its spec's own checks.
    Dynamic(&'static (dyn Fn(Args) -> Result<AnyRequest, ArgErrors> + Send + Sync)),
}

impl fmt::Debug for ModelEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ModelEntry({}/{})",
            self.info.provider.name, self.info.id
        )
    }
}

impl ModelEntry {
    /// The entry for request type `R` (used by generated code).
    pub const fn of<R: ModelRequest + FromArgs + Clone + fmt::Debug + 'static>() -> Self {
        ModelEntry {
            info: R::MODEL,
            parse: Parser::Typed(parse::<R>),
        }
    }

    /// The entry for a model whose table was built at run time (a spec read
    /// by the command line), parsed by `parse`: text to a checked
    /// [`JsonRequest`], every problem reported at once.
    pub fn dynamic(
        info: &'static ModelInfo,
        parse: &'static (dyn Fn(Args) -> Result<AnyRequest, ArgErrors> + Send + Sync),
    ) -> Self {
        ModelEntry {
            info,
            parse: Parser::Dynamic(parse),
        }
    }

    /// `provider/model`, as the command line spells it.
    pub fn qualified_id(&self) -> String {
        self.info.qualified_id()
    }

    /// Builds a request from parameters given as text, with the same rules
    /// as the typed request; every problem is reported at once.
    pub fn parse(&self, args: Args) -> Result<AnyRequest, ArgErrors> {
        match self.parse {
            Parser::Typed(parse) => parse(args),
            Parser::Dynamic(parse) => parse(args),
        }
    }
}

fn parse<R: ModelRequest + FromArgs + Clone + fmt::Debug + 'static>(
    args: Args,
) -> Result<AnyRequest, ArgErrors> {
    R::from_args(args).map(AnyRequest::new)
}

/// What a boxed request can do without its type being known.
trait ErasedRequest: Send + Sync + fmt::Debug {
    fn model(&self) -> &'static ModelInfo;
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error>;
    fn body_with(&self, urls: &Replacements) -> Result<Body, Error>;
    fn images(&self) -> Vec<(&'static str, ImageSource)>;
    fn check_local_images<'a>(
        &'a self,
        cache: &'a UploadCache,
        gates: &'a Gates,
    ) -> BoxFuture<'a, Result<Option<Vec<Checked>>, Error>>;
    fn with_urls(&self, urls: &Replacements) -> Box<dyn ErasedRequest>;
    fn sync_mode_requested(&self) -> bool;
    fn base64_output_requested(&self) -> bool;
    fn clone_box(&self) -> Box<dyn ErasedRequest>;
    fn as_any(&self) -> &dyn Any;
}

impl<R: ModelRequest + Clone + fmt::Debug + 'static> ErasedRequest for R {
    fn model(&self) -> &'static ModelInfo {
        R::MODEL
    }
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(self)
    }
    fn body_with(&self, urls: &Replacements) -> Result<Body, Error> {
        body_with(self, urls)
    }
    fn images(&self) -> Vec<(&'static str, ImageSource)> {
        ModelRequest::images(self)
            .into_iter()
            .map(|(name, source)| (name, source.clone()))
            .collect()
    }
    fn check_local_images<'a>(
        &'a self,
        cache: &'a UploadCache,
        gates: &'a Gates,
    ) -> BoxFuture<'a, Result<Option<Vec<Checked>>, Error>> {
        Box::pin(check_request(self, cache, gates))
    }
    fn with_urls(&self, urls: &Replacements) -> Box<dyn ErasedRequest> {
        Box::new(with_urls(self, urls))
    }
    fn sync_mode_requested(&self) -> bool {
        ModelRequest::sync_mode_requested(self)
    }
    fn base64_output_requested(&self) -> bool {
        ModelRequest::base64_output_requested(self)
    }
    fn clone_box(&self) -> Box<dyn ErasedRequest> {
        Box::new(self.clone())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ErasedRequest for JsonRequest {
    fn model(&self) -> &'static ModelInfo {
        JsonRequest::model(self)
    }
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(self)
    }
    fn body_with(&self, urls: &Replacements) -> Result<Body, Error> {
        let resolved = json_with_urls(self, urls);
        Body::from_parts(
            self.model(),
            &resolved,
            &resolved.images(),
            resolved.sync_mode_requested(),
        )
    }
    fn images(&self) -> Vec<(&'static str, ImageSource)> {
        JsonRequest::images(self)
            .into_iter()
            .map(|(name, source)| (name, source.clone()))
            .collect()
    }
    fn check_local_images<'a>(
        &'a self,
        cache: &'a UploadCache,
        gates: &'a Gates,
    ) -> BoxFuture<'a, Result<Option<Vec<Checked>>, Error>> {
        Box::pin(async move {
            let images = JsonRequest::images(self);
            if !any_local(&images) {
                return Ok(None);
            }
            local_images::check(self.model(), local_sources(images), cache, gates)
                .await
                .map(Some)
        })
    }
    fn with_urls(&self, urls: &Replacements) -> Box<dyn ErasedRequest> {
        Box::new(json_with_urls(self, urls))
    }
    fn sync_mode_requested(&self) -> bool {
        JsonRequest::sync_mode_requested(self)
    }
    fn base64_output_requested(&self) -> bool {
        JsonRequest::base64_output_requested(self)
    }
    fn clone_box(&self) -> Box<dyn ErasedRequest> {
        Box::new(self.clone())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn json_with_urls(request: &JsonRequest, urls: &Replacements) -> JsonRequest {
    let mut resolved = request.clone();
    replace_local(resolved.images_mut(), urls);
    resolved
}

impl From<JsonRequest> for AnyRequest {
    fn from(request: JsonRequest) -> Self {
        AnyRequest(Box::new(request))
    }
}

/// A validated request for a model chosen at run time: a generated `Request`
/// in a box, or a [`JsonRequest`] for a model read at run time. Built by
/// [`ModelEntry::parse`], from a typed request or from a `JsonRequest`.
#[derive(Debug)]
pub struct AnyRequest(Box<dyn ErasedRequest>);

impl Clone for AnyRequest {
    fn clone(&self) -> Self {
        AnyRequest(self.0.clone_box())
    }
}

impl AnyRequest {
    /// Boxes a typed request.
    pub fn new<R: ModelRequest + Clone + fmt::Debug + 'static>(request: R) -> Self {
        AnyRequest(Box::new(request))
    }

    /// The model it is for.
    pub fn model(&self) -> &'static ModelInfo {
        self.0.model()
    }

    /// The JSON body it sends.
    pub fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        self.0.to_json()
    }

    /// Whether it asks the server to answer only once done.
    pub fn sync_mode_requested(&self) -> bool {
        self.0.sync_mode_requested()
    }

    /// Whether it asks for base64 outputs instead of URLs.
    pub fn base64_output_requested(&self) -> bool {
        self.0.base64_output_requested()
    }

    /// Its image parameters that are set, by wire name: URLs, files, bytes.
    pub fn images(&self) -> Vec<(&'static str, ImageSource)> {
        self.0.images()
    }

    /// Reads and checks its local images (files, bytes) as sending it
    /// would: readable, a JPEG, PNG, GIF or WebP in a format the parameter
    /// takes, within the provider's size limit, a mask fitting its image,
    /// and a provider that can take a local file there. Nothing is sent;
    /// batch runs call this for every line before submitting any.
    pub async fn check_local_images(&self) -> Result<(), Error> {
        let (cache, gates) = (UploadCache::default(), Gates::new(Default::default()));
        self.0.check_local_images(&cache, &gates).await.map(|_| ())
    }

    /// The typed request, if it is an `R`.
    pub fn downcast_ref<R: 'static>(&self) -> Option<&R> {
        self.0.as_any().downcast_ref()
    }
}

/// What a client can do without its provider type being known.
trait ErasedClient: Send + Sync + fmt::Debug {
    fn provider(&self) -> &'static ProviderInfo;
    fn base_url(&self) -> &str;
    fn overall_timeout(&self) -> Duration;
    fn subscribe(&self) -> broadcast::Receiver<Event>;
    fn prediction(&self, id: String) -> Prediction;
    fn deadline(&self) -> Deadline;
    fn submit<'a>(
        &'a self,
        request: &'a AnyRequest,
        deadline: Deadline,
    ) -> BoxFuture<'a, Result<Prediction, Error>>;
    fn generate<'a>(&'a self, request: &'a AnyRequest) -> BoxFuture<'a, Result<Generation, Error>>;
    fn upload_local_images<'a>(
        &'a self,
        request: &'a AnyRequest,
        deadline: Deadline,
    ) -> BoxFuture<'a, Result<AnyRequest, Error>>;
    fn wait<'a>(
        &'a self,
        prediction: &'a Prediction,
        deadline: Deadline,
    ) -> BoxFuture<'a, Result<Generation, Error>>;
    fn status<'a>(&'a self, prediction: &'a Prediction)
    -> BoxFuture<'a, Result<Prediction, Error>>;
    fn reconcile<'a>(
        &'a self,
        uncertain: &'a crate::Uncertain,
    ) -> BoxFuture<'a, Result<Prediction, Error>>;
    fn webhook_secret(&self) -> BoxFuture<'_, Result<String, Error>>;
    fn quote<'a>(&'a self, request: &'a AnyRequest) -> BoxFuture<'a, Result<Money, Error>>;
    fn balance(&self) -> BoxFuture<'_, Result<Money, Error>>;
    fn claim(&self, ids: Vec<String>);
    fn track(&self, uncertain: &crate::Uncertain);
    fn forget(&self, uncertain: &crate::Uncertain);
}

impl<P: Provider> Client<P> {
    /// The URLs of an [`AnyRequest`]'s local images, sent, once it is known
    /// to be for this provider.
    async fn any_images(
        &self,
        request: &AnyRequest,
        deadline: Deadline,
    ) -> Result<Replacements, Error> {
        let model = request.model();
        if model.provider.name != P::INFO.name {
            return Err(Error::InvalidConfig {
                reason: format!(
                    "the request is for {}, and this client is for {}",
                    model.qualified_id(),
                    P::INFO.name
                ),
            });
        }
        let transport = &*self.transport;
        match request
            .0
            .check_local_images(&transport.uploads, &transport.gates)
            .await?
        {
            Some(checked) => self.send_checked(model, &checked, deadline).await,
            None => Ok(Vec::new()),
        }
    }

    /// The body of an [`AnyRequest`], with its local images sent first.
    async fn any_body(&self, request: &AnyRequest, deadline: Deadline) -> Result<Body, Error> {
        let urls = self.any_images(request, deadline).await?;
        request.0.body_with(&urls)
    }
}

impl<P: Provider> ErasedClient for Client<P> {
    fn provider(&self) -> &'static ProviderInfo {
        P::INFO
    }
    fn base_url(&self) -> &str {
        Client::base_url(self)
    }
    fn overall_timeout(&self) -> Duration {
        Client::overall_timeout(self)
    }
    fn subscribe(&self) -> broadcast::Receiver<Event> {
        Client::subscribe(self)
    }
    fn prediction(&self, id: String) -> Prediction {
        Client::prediction(self, id)
    }
    fn deadline(&self) -> Deadline {
        Client::deadline(self)
    }
    fn submit<'a>(
        &'a self,
        request: &'a AnyRequest,
        deadline: Deadline,
    ) -> BoxFuture<'a, Result<Prediction, Error>> {
        Box::pin(async move {
            let body = self.any_body(request, deadline).await?;
            self.submit_body(body, deadline).await
        })
    }
    fn generate<'a>(&'a self, request: &'a AnyRequest) -> BoxFuture<'a, Result<Generation, Error>> {
        Box::pin(async move {
            let deadline = Client::deadline(self);
            let body = self.any_body(request, deadline).await?;
            let prediction = self.submit_body(body, deadline).await?;
            self.wait_within(&prediction, deadline).await
        })
    }
    fn upload_local_images<'a>(
        &'a self,
        request: &'a AnyRequest,
        deadline: Deadline,
    ) -> BoxFuture<'a, Result<AnyRequest, Error>> {
        Box::pin(async move {
            let urls = self.any_images(request, deadline).await?;
            Ok(AnyRequest(request.0.with_urls(&urls)))
        })
    }
    fn wait<'a>(
        &'a self,
        prediction: &'a Prediction,
        deadline: Deadline,
    ) -> BoxFuture<'a, Result<Generation, Error>> {
        Box::pin(Client::wait_until(self, prediction, deadline))
    }
    fn status<'a>(
        &'a self,
        prediction: &'a Prediction,
    ) -> BoxFuture<'a, Result<Prediction, Error>> {
        Box::pin(Client::status(self, prediction))
    }
    fn reconcile<'a>(
        &'a self,
        uncertain: &'a crate::Uncertain,
    ) -> BoxFuture<'a, Result<Prediction, Error>> {
        Box::pin(Client::reconcile(self, uncertain))
    }
    fn webhook_secret(&self) -> BoxFuture<'_, Result<String, Error>> {
        Box::pin(Client::webhook_secret(self))
    }
    fn quote<'a>(&'a self, request: &'a AnyRequest) -> BoxFuture<'a, Result<Money, Error>> {
        Box::pin(async move {
            // Priced as it would be sent: local images as their uploads.
            let body = self.any_body(request, Client::deadline(self)).await?;
            self.quote_json(body.model, &body.json).await
        })
    }
    fn balance(&self) -> BoxFuture<'_, Result<Money, Error>> {
        Box::pin(Client::balance(self))
    }
    fn claim(&self, ids: Vec<String>) {
        Client::claim(self, ids);
    }
    fn track(&self, uncertain: &crate::Uncertain) {
        Client::track(self, uncertain);
    }
    fn forget(&self, uncertain: &crate::Uncertain) {
        Client::forget(self, uncertain);
    }
}

/// A client for a provider chosen at run time: a `Client<P>` behind a trait
/// object, with the same operations and guarantees. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AnyClient {
    inner: Arc<dyn ErasedClient>,
}

impl AnyClient {
    /// Erases a typed client.
    pub fn new<P: Provider>(client: Client<P>) -> Self {
        AnyClient {
            inner: Arc::new(client),
        }
    }

    /// The provider it calls.
    pub fn provider(&self) -> &'static ProviderInfo {
        self.inner.provider()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// The limit on one whole operation.
    pub fn overall_timeout(&self) -> Duration {
        self.inner.overall_timeout()
    }

    /// Progress events, as [`Client::subscribe`].
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.subscribe()
    }

    /// A handle to an existing prediction, as [`Client::prediction`].
    pub fn prediction(&self, id: impl Into<String>) -> Prediction {
        self.inner.prediction(id.into())
    }

    /// A deadline the client's overall timeout from now, as [`Client::deadline`].
    pub fn deadline(&self) -> Deadline {
        self.inner.deadline()
    }

    /// Submits, as [`Client::submit`]; a request for another provider's
    /// model is refused before anything is sent.
    pub async fn submit(&self, request: &AnyRequest) -> Result<Prediction, Error> {
        self.inner.submit(request, self.deadline()).await
    }

    /// Submits under a deadline the caller holds, as [`Client::submit_until`].
    pub async fn submit_until(
        &self,
        request: &AnyRequest,
        deadline: Deadline,
    ) -> Result<Prediction, Error> {
        self.inner.submit(request, deadline).await
    }

    /// Submits and waits, as [`Client::generate`].
    pub async fn generate(&self, request: &AnyRequest) -> Result<Generation, Error> {
        self.inner.generate(request).await
    }

    /// Checks and uploads the request's local images, as
    /// [`Client::upload_local_images`]: the copy it returns sends no image
    /// again when submitted.
    pub async fn upload_local_images(
        &self,
        request: &AnyRequest,
        deadline: Deadline,
    ) -> Result<AnyRequest, Error> {
        self.inner.upload_local_images(request, deadline).await
    }

    /// Waits, as [`Client::wait`].
    pub async fn wait(&self, prediction: &Prediction) -> Result<Generation, Error> {
        self.inner.wait(prediction, self.deadline()).await
    }

    /// Waits under a deadline the caller holds, as [`Client::wait_until`].
    pub async fn wait_until(
        &self,
        prediction: &Prediction,
        deadline: Deadline,
    ) -> Result<Generation, Error> {
        self.inner.wait(prediction, deadline).await
    }

    /// Waits for the prediction with this id, as [`Client::resume`].
    pub async fn resume(&self, id: impl Into<String>) -> Result<Generation, Error> {
        let prediction = self.prediction(id);
        self.wait(&prediction).await
    }

    /// Checks once, as [`Client::status`].
    pub async fn status(&self, prediction: &Prediction) -> Result<Prediction, Error> {
        self.inner.status(prediction).await
    }

    /// Looks for an unanswered submission's prediction in the provider's
    /// history, as [`Client::reconcile`].
    pub async fn reconcile(&self, uncertain: &crate::Uncertain) -> Result<Prediction, Error> {
        self.inner.reconcile(uncertain).await
    }

    /// The provider's price for one request with exactly these inputs, as
    /// [`Client::quote`] (local images are uploaded first: their URLs are
    /// inputs).
    pub async fn quote(&self, request: &AnyRequest) -> Result<Money, Error> {
        self.inner.quote(request).await
    }

    /// The account's balance, as [`Client::balance`].
    pub async fn balance(&self) -> Result<Money, Error> {
        self.inner.balance().await
    }

    /// The account's webhook signing secret, as [`Client::webhook_secret`].
    pub async fn webhook_secret(&self) -> Result<String, Error> {
        self.inner.webhook_secret().await
    }

    /// Ids that belong to other submissions, as [`Client::claim`].
    pub fn claim<I: IntoIterator<Item = String>>(&self, ids: I) {
        self.inner.claim(ids.into_iter().collect());
    }

    /// Counts an unanswered submission recorded elsewhere, as [`Client::track`].
    pub fn track(&self, uncertain: &crate::Uncertain) {
        self.inner.track(uncertain);
    }

    /// Stops counting an unanswered submission, as [`Client::forget`].
    pub fn forget(&self, uncertain: &crate::Uncertain) {
        self.inner.forget(uncertain);
    }
}

/// Finds `provider/model` in a list of catalogs (the `imagegen` crate's
/// `PROVIDERS`). The model id may itself contain `/`
/// (`gptproto/openai/gpt-image-1/text-to-image`).
pub fn find_model(
    providers: &[&'static ProviderEntry],
    qualified_id: &str,
) -> Option<(&'static ProviderEntry, &'static ModelEntry)> {
    let (provider, model) = qualified_id.split_once('/')?;
    let entry = providers
        .iter()
        .copied()
        .find(|p| p.info.name == provider)?;
    Some((entry, entry.model(model)?))
}
