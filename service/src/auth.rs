//! Who may call the service: bearer tokens from a token file, checked by a
//! middleware layer before any route runs.
//!
//! The token file names each token's holder and keeps only the token's
//! SHA-256, so that the file does not hold what it grants:
//!
//! ```json
//! {"tokens": [{"name": "Ada", "sha256": "<hex SHA-256 of the token>", "read_only": false}]}
//! ```
//!
//! A request carries `Authorization: Bearer <token>`. Without a valid one,
//! every route but the service's own health (`/health/…`) and the public
//! status page (`/status`, `/status/feed.atom`) answers 401
//! (`unauthenticated`, with `WWW-Authenticate: Bearer`); a read-only token
//! may read, and a write with it answers 403 (`read-only-token`). The
//! holder's name reaches the routes as a [`Caller`], which stamps it as the
//! command's `by`.
//!
//! Beside (or instead of) the file, JWTs from an OpenID Connect provider
//! are accepted when a key set is configured ([`crate::jwt`]): a token the
//! file does not list is verified as a JWT, and its refusal says which
//! check failed (still 401 `unauthenticated`).

use std::sync::{Arc, PoisonError, RwLock};

use crate::answer::refusal_at;
use crate::jwt::{JwtRefusal, JwtVerifier};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use incident_playbook::Name;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The holder of the token a request carried: who sent its command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The name the token file gives the token, stamped as the `by` of every
    /// command the request sends.
    pub name: Arc<str>,
}

/// One token: its holder, its digest and whether it may write.
#[derive(Debug, Clone)]
struct Token {
    name: Arc<str>,
    sha256: [u8; 32],
    read_only: bool,
}

/// The tokens the service accepts, read from a token file, and replaced
/// while serving when the file is read again ([`Tokens::replace`]: the
/// binary does so on SIGHUP).
#[derive(Debug)]
pub struct Tokens {
    tokens: RwLock<Arc<[Token]>>,
}

impl Clone for Tokens {
    /// The tokens in use now, as a set of their own.
    fn clone(&self) -> Self {
        Tokens {
            tokens: RwLock::new(self.current()),
        }
    }
}

/// The token file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenFile {
    tokens: Vec<TokenEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenEntry {
    name: String,
    sha256: String,
    #[serde(default)]
    read_only: bool,
}

/// Why a token file cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenFileError {
    /// The file is not the token file's JSON.
    #[error("the token file is not {{\"tokens\": [{{\"name\", \"sha256\", \"read_only\"}}]}}: {0}")]
    Json(#[from] serde_json::Error),
    /// A token's name is not a person's name (blank, or over 200 characters):
    /// it is stamped as `by`, which the crate would refuse.
    #[error("token {index}: the name {why}")]
    Name {
        /// The token's position in the file, from 0.
        index: usize,
        /// What is wrong with the name.
        why: String,
    },
    /// A digest is not 64 hexadecimal digits.
    #[error("token {index}: `sha256` is not 64 hexadecimal digits")]
    Digest {
        /// The token's position in the file, from 0.
        index: usize,
    },
    /// The file lists no token: nobody could call the service.
    #[error("the token file lists no token")]
    Empty,
}

impl Tokens {
    /// Reads a token file's JSON.
    ///
    /// # Errors
    ///
    /// A [`TokenFileError`] when the JSON is not a token file, a name is
    /// blank or too long, a digest is not 64 hex digits, or no token is listed.
    ///
    /// ```
    /// use incident_service::Tokens;
    /// let digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"; // "test"
    /// let file = format!(r#"{{"tokens": [{{"name": "Ada", "sha256": "{digest}"}}]}}"#);
    /// let tokens = Tokens::from_json(&file)?;
    /// assert_eq!(tokens.holder("test").map(|(name, _)| name.to_string()), Some("Ada".into()));
    /// assert!(tokens.holder("guess").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json(json: &str) -> Result<Tokens, TokenFileError> {
        let file: TokenFile = serde_json::from_str(json)?;
        if file.tokens.is_empty() {
            return Err(TokenFileError::Empty);
        }
        let tokens = file
            .tokens
            .into_iter()
            .enumerate()
            .map(|(index, t)| {
                let name = Name::new(&t.name).map_err(|e| TokenFileError::Name {
                    index,
                    why: e.to_string(),
                })?;
                let sha256 = digest_of_hex(&t.sha256).ok_or(TokenFileError::Digest { index })?;
                Ok(Token {
                    name: Arc::clone(name.as_shared()),
                    sha256,
                    read_only: t.read_only,
                })
            })
            .collect::<Result<Arc<[Token]>, TokenFileError>>()?;
        Ok(Tokens {
            tokens: RwLock::new(tokens),
        })
    }

    /// Accepts the tokens of `new` from now on, and no other (a token added
    /// to or removed from the file); requests already admitted are not
    /// affected.
    ///
    /// ```
    /// use incident_service::Tokens;
    /// let file = |digest: &str| format!(r#"{{"tokens": [{{"name": "Ada", "sha256": "{digest}"}}]}}"#);
    /// let test = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"; // "test"
    /// let other = "d9298a10d1b0735837dc4bd85dac641b0f3cef27a47e5d53a54f2f3f5b2fcffa"; // "other"
    /// let tokens = Tokens::from_json(&file(test))?;
    /// tokens.replace(Tokens::from_json(&file(other))?);
    /// assert!(tokens.holder("test").is_none());
    /// assert!(tokens.holder("other").is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn replace(&self, new: Tokens) {
        let new = new.current();
        *self.tokens.write().unwrap_or_else(PoisonError::into_inner) = new;
    }

    /// How many tokens are accepted now.
    pub fn len(&self) -> usize {
        self.current().len()
    }

    /// Whether no token is accepted (never so for a set read from a file:
    /// a file without tokens is refused).
    pub fn is_empty(&self) -> bool {
        self.current().is_empty()
    }

    /// The tokens in use now.
    fn current(&self) -> Arc<[Token]> {
        Arc::clone(&self.tokens.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// The holder of `token` and whether it is read-only; `None` for a token
    /// the file does not list. Every listed digest is compared, in constant
    /// time, so that the time taken says nothing of how near a guess was
    /// nor which entry matched.
    pub fn holder(&self, token: &str) -> Option<(Arc<str>, bool)> {
        let presented: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut found = None;
        for t in self.current().iter() {
            if bool::from(t.sha256.ct_eq(&presented)) {
                found = Some((Arc::clone(&t.name), t.read_only));
            }
        }
        found
    }
}

/// 32 bytes from 64 hex digits (either case).
fn digest_of_hex(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        let pair = std::str::from_utf8(pair).ok()?;
        *byte = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

/// Whether a request only reads: the methods that change nothing.
fn reads_only(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The routes open to all: the service's own health (a load balancer
/// probing it holds no token) and the public status page and its feed
/// (they show only what was posted in public).
fn is_open_to_all(path: &str) -> bool {
    ["/health", "/status"]
        .iter()
        .any(|open| path == *open || path.strip_prefix(open).is_some_and(|r| r.starts_with('/')))
}

/// The middleware: lets a request through with its [`Caller`] in its
/// extensions, or answers 401/403 in the JSON refusal shape.
pub async fn require_token(
    State(tokens): State<Arc<Tokens>>,
    request: Request,
    next: Next,
) -> Response {
    let gate = Gate {
        tokens: Some(tokens),
        jwt: None,
    };
    admit(&gate, request, next).await
}

/// What a bearer token is checked against: the token file's digests, then
/// (for a token that is not listed) the JWT key set.
#[derive(Debug, Clone)]
pub(crate) struct Gate {
    pub(crate) tokens: Option<Arc<Tokens>>,
    pub(crate) jwt: Option<Arc<JwtVerifier>>,
}

/// The middleware for static tokens beside JWTs: as [`require_token`].
pub(crate) async fn require_bearer(
    State(gate): State<Arc<Gate>>,
    request: Request,
    next: Next,
) -> Response {
    admit(&gate, request, next).await
}

impl Gate {
    /// The caller `token` speaks for and whether it is read-only, or why it
    /// is refused (a message that never repeats the token).
    fn check(&self, token: &str) -> Result<(Arc<str>, bool), String> {
        let listed = self.tokens.as_ref().and_then(|t| t.holder(token));
        if let Some(caller) = listed {
            return Ok(caller);
        }
        match &self.jwt {
            Some(jwt) => jwt
                .verify(token)
                .map(|v| (v.name, v.read_only))
                .map_err(|refusal| match refusal {
                    // Most likely a static token mistyped or revoked: say so
                    // rather than speak of JWTs to its holder.
                    JwtRefusal::Malformed if self.tokens.is_some() => {
                        "the bearer token is not one this service accepts (nor a JWT)".into()
                    }
                    refusal => refusal.to_string(),
                }),
            None => Err("the bearer token is not one this service accepts".into()),
        }
    }
}

/// Lets `request` through with its [`Caller`], or refuses it.
async fn admit(gate: &Gate, mut request: Request, next: Next) -> Response {
    if is_open_to_all(request.uri().path()) {
        return next.run(request).await;
    }
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer);
    let checked = match presented {
        None => Err("this service needs `Authorization: Bearer <token>`".to_owned()),
        Some(token) => gate.check(token),
    };
    let (name, read_only) = match checked {
        Ok(caller) => caller,
        Err(why) => {
            let mut answer = refusal_at(StatusCode::UNAUTHORIZED, "unauthenticated", &why, None);
            answer
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return answer;
        }
    };
    if read_only && !reads_only(request.method()) {
        return refusal_at(
            StatusCode::FORBIDDEN,
            "read-only-token",
            &format!("{name}'s token may read but not write"),
            None,
        );
    }
    request.extensions_mut().insert(Caller { name });
    next.run(request).await
}

/// The token of an `Authorization: Bearer <token>` header (the scheme in
/// any case, as RFC 9110 has it).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bearer_scheme_is_read_in_any_case() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer abc"), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
    }

    #[test]
    fn a_token_file_is_refused_with_its_fault() {
        let ok = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        let file = |name: &str, digest: &str| {
            format!(r#"{{"tokens": [{{"name": "{name}", "sha256": "{digest}"}}]}}"#)
        };
        assert!(matches!(
            Tokens::from_json(&file(" ", ok)),
            Err(TokenFileError::Name { index: 0, .. })
        ));
        assert!(matches!(
            Tokens::from_json(&file("Ada", "abc")),
            Err(TokenFileError::Digest { index: 0 })
        ));
        assert!(matches!(
            Tokens::from_json(r#"{"tokens": []}"#),
            Err(TokenFileError::Empty)
        ));
        assert!(Tokens::from_json(&file("Ada", &ok.to_uppercase())).is_ok());
    }
}
