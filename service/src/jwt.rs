//! JWT bearer tokens from an OpenID Connect provider, verified against a
//! key set the operator keeps in a file (the JSON Web Key Set the provider
//! publishes at its `jwks_uri`): the service makes no outbound call.
//!
//! A token is accepted when its header names an asymmetric algorithm
//! ([`ACCEPTED`]: never `none`, never the HMAC ones, whose "key" would be
//! public), its `kid` names a key of the set that may sign with that
//! algorithm, the signature verifies, `exp` has not passed and `nbf` has
//! come (within a small leeway), and `iss` and `aud` are the configured
//! ones. The caller's name is the first string claim among `name`,
//! `preferred_username` and `sub` (or the one claim configured); the token
//! may write only when its scopes (`scope`, space-separated, or `scp`)
//! hold the write scope, `incidents:write` by default: a provider's token
//! minted for another purpose reads at most.
//!
//! ```
//! use incident_service::jwt::{JwtConfig, JwtVerifier, KeySet};
//! let jwks = r#"{"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "k1", "alg": "EdDSA",
//!                           "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#;
//! let keys = KeySet::from_json(jwks)?;
//! assert_eq!(keys.len(), 1);
//! let verifier = JwtVerifier::new(JwtConfig::new("https://id.example", "incident-service"), keys);
//! assert!(verifier.verify("not.a.token").is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::{Arc, PoisonError, RwLock};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use incident_playbook::Name;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

/// The algorithms a token may be signed with: the asymmetric ones.
pub const ACCEPTED: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// What the service asks of a token besides its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JwtConfig {
    /// The `iss` a token must carry: the provider's issuer URL.
    pub issuer: String,
    /// The `aud` a token must carry (or hold, when it is a list): this
    /// service's client id at the provider.
    pub audience: String,
    /// The claim that names the caller; `None`: the first string among
    /// `name`, `preferred_username` and `sub`.
    pub name_claim: Option<String>,
    /// The scope a token needs to write (`incidents:write`).
    pub write_scope: String,
    /// How many seconds `exp` and `nbf` may be off the server's clock (60).
    pub leeway: u64,
}

impl JwtConfig {
    /// Tokens of `issuer` for `audience`, named by the default claims, that
    /// write with `incidents:write`, within 60 seconds of the clock.
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>) -> Self {
        JwtConfig {
            issuer: issuer.into(),
            audience: audience.into(),
            name_claim: None,
            write_scope: "incidents:write".into(),
            leeway: 60,
        }
    }
}

/// One key of the set: its id, what it may verify, the key itself.
#[derive(Clone)]
struct Key {
    kid: Option<String>,
    algorithms: Vec<Algorithm>,
    decoding: DecodingKey,
}

/// The signing keys read from a JSON Web Key Set (`{"keys": [...]}`).
///
/// Keys that cannot verify a signature here are left out, each with a
/// reason ([`KeySet::skipped`]): encryption keys (`"use": "enc"`),
/// symmetric ones (`"kty": "oct"`), and unknown types or curves.
#[derive(Clone, Default)]
pub struct KeySet {
    keys: Vec<Key>,
    skipped: Vec<String>,
}

impl std::fmt::Debug for KeySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kids: Vec<_> = self.keys.iter().map(|k| &k.kid).collect();
        f.debug_struct("KeySet")
            .field("kids", &kids)
            .field("skipped", &self.skipped)
            .finish()
    }
}

/// Why a key set file cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeySetError {
    /// The file is not a JSON Web Key Set's JSON.
    #[error("the key set is not {{\"keys\": [...]}}: {0}")]
    Json(#[from] serde_json::Error),
    /// No key in the set can verify a signature: no token could be
    /// accepted.
    #[error("the key set holds no signing key this service can use ({0})")]
    NoSigningKey(String),
}

impl KeySet {
    /// Reads a JSON Web Key Set.
    ///
    /// # Errors
    ///
    /// [`KeySetError::Json`] when it is not one; [`KeySetError::NoSigningKey`]
    /// when none of its keys can verify a signature.
    pub fn from_json(json: &str) -> Result<KeySet, KeySetError> {
        #[derive(serde::Deserialize)]
        struct File {
            keys: Vec<Value>,
        }
        let file: File = serde_json::from_str(json)?;
        let mut set = KeySet::default();
        for (index, value) in file.keys.into_iter().enumerate() {
            match signing_key(value) {
                Ok(key) => set.keys.push(key),
                Err(why) => set.skipped.push(format!("key {index}: {why}")),
            }
        }
        if set.keys.is_empty() {
            let why = if set.skipped.is_empty() {
                "it lists no key".to_owned()
            } else {
                set.skipped.join("; ")
            };
            return Err(KeySetError::NoSigningKey(why));
        }
        Ok(set)
    }

    /// How many signing keys the set holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set holds no signing key (never, for one read by
    /// [`KeySet::from_json`]).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The keys left out, each with why: for the operator's log.
    pub fn skipped(&self) -> &[String] {
        &self.skipped
    }

    /// The key `kid` names that may verify `alg`; without a `kid`, the
    /// set's only key, if it has one (RFC 7515 lets a lone key go unnamed).
    fn find(&self, kid: Option<&str>, alg: Algorithm) -> Option<&Key> {
        let mut fitting = self.keys.iter().filter(|k| k.algorithms.contains(&alg));
        match kid {
            Some(kid) => fitting.find(|k| k.kid.as_deref() == Some(kid)),
            None if self.keys.len() == 1 => fitting.next(),
            None => None,
        }
    }
}

/// A key of the set as one that verifies signatures, or why not.
fn signing_key(value: Value) -> Result<Key, String> {
    let jwk: Jwk = serde_json::from_value(value).map_err(|e| e.to_string())?;
    if jwk.common.public_key_use == Some(PublicKeyUse::Encryption) {
        return Err("an encryption key (\"use\": \"enc\")".into());
    }
    let family = algorithms_of(&jwk.algorithm)?;
    let algorithms = match jwk.common.key_algorithm {
        None => family,
        Some(named) => {
            let alg = Algorithm::try_from(named)
                .ok()
                .filter(|a| family.contains(a))
                .ok_or_else(|| format!("`alg` {named} is not a signature algorithm of its key"))?;
            vec![alg]
        }
    };
    let decoding = DecodingKey::from_jwk(&jwk).map_err(|e| e.to_string())?;
    Ok(Key {
        kid: jwk.common.key_id,
        algorithms,
        decoding,
    })
}

/// The accepted algorithms a key of this type and curve can verify.
fn algorithms_of(params: &AlgorithmParameters) -> Result<Vec<Algorithm>, String> {
    use Algorithm::{ES256, ES384, EdDSA, PS256, PS384, PS512, RS256, RS384, RS512};
    match params {
        AlgorithmParameters::RSA(_) => Ok(vec![RS256, RS384, RS512, PS256, PS384, PS512]),
        AlgorithmParameters::EllipticCurve(ec) => match ec.curve {
            EllipticCurve::P256 => Ok(vec![ES256]),
            EllipticCurve::P384 => Ok(vec![ES384]),
            ref other => Err(format!("the curve {other:?} is not one of P-256, P-384")),
        },
        AlgorithmParameters::OctetKeyPair(okp) if okp.curve == EllipticCurve::Ed25519 => {
            Ok(vec![EdDSA])
        }
        AlgorithmParameters::OctetKey(_) => {
            Err("a symmetric key (\"kty\": \"oct\"): HMAC tokens are refused".into())
        }
        _ => Err("not an RSA, EC (P-256, P-384) or Ed25519 key".into()),
    }
}

/// Why a JWT was refused. Its text is the refusal's message: it says which
/// check failed and never repeats the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwtRefusal {
    /// Not three base64url parts with a JSON header.
    #[error("the bearer token is not a JWT this service can read")]
    Malformed,
    /// The header names `none`, an HMAC algorithm or another not accepted.
    #[error(
        "the bearer token's algorithm is not accepted: only RS256, RS384, RS512, PS256, PS384, \
         PS512, ES256, ES384 and EdDSA are (never none nor HS*)"
    )]
    Algorithm,
    /// No key of the set has the token's `kid` (and can verify its
    /// algorithm).
    #[error("the bearer token's key (`kid`) is not in this service's key set")]
    UnknownKey,
    /// The signature does not verify with the key the token names.
    #[error("the bearer token's signature does not verify")]
    Signature,
    /// `exp` has passed.
    #[error("the bearer token has expired (`exp`)")]
    Expired,
    /// `nbf` has not come yet.
    #[error("the bearer token is not valid yet (`nbf`)")]
    NotYet,
    /// `iss` is not the configured issuer.
    #[error("the bearer token's issuer (`iss`) is not the one this service trusts")]
    Issuer,
    /// `aud` is not (or does not hold) the configured audience.
    #[error("the bearer token is not meant for this service (`aud`)")]
    Audience,
    /// A claim the service needs is missing or not of its type.
    #[error("the bearer token's `{0}` claim is missing or malformed")]
    Claim(String),
    /// No claim names the caller, or the name is not a person's name.
    #[error("the bearer token names no caller: {0}")]
    Name(String),
}

/// Who a verified token speaks for, and whether it may write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The caller's name, stamped as every command's `by`.
    pub name: Arc<str>,
    /// The token lacks the write scope: it may read only.
    pub read_only: bool,
}

/// Verifies JWTs against a key set that may be replaced while serving
/// ([`JwtVerifier::replace_keys`]: the binary does so on SIGHUP).
#[derive(Debug)]
pub struct JwtVerifier {
    config: JwtConfig,
    keys: RwLock<Arc<KeySet>>,
}

impl JwtVerifier {
    /// Tokens checked against `config`, signed by a key of `keys`.
    pub fn new(config: JwtConfig, keys: KeySet) -> Self {
        JwtVerifier {
            config,
            keys: RwLock::new(Arc::new(keys)),
        }
    }

    /// Verifies with `keys` from now on (a key rotated in or out at the
    /// provider); requests already checked are not affected.
    pub fn replace_keys(&self, keys: KeySet) {
        *self.keys.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(keys);
    }

    /// The key set in use.
    pub fn keys(&self) -> Arc<KeySet> {
        Arc::clone(&self.keys.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// The caller `token` speaks for, or why it is refused.
    ///
    /// # Errors
    ///
    /// A [`JwtRefusal`] naming the first check that failed.
    pub fn verify(&self, token: &str) -> Result<Verified, JwtRefusal> {
        let (alg, kid) = header_of(token)?;
        let keys = self.keys();
        let key = keys
            .find(kid.as_deref(), alg)
            .ok_or(JwtRefusal::UnknownKey)?;
        let mut validation = Validation::new(alg);
        validation.leeway = self.config.leeway;
        validation.validate_nbf = true;
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_audience(&[&self.config.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &key.decoding, &validation)
            .map_err(|e| refusal_of(e.kind()))?
            .claims;
        let name = self.name_in(&claims)?;
        let read_only = !scopes(&claims).any(|s| s == self.config.write_scope);
        Ok(Verified { name, read_only })
    }

    /// The caller's name among `claims`, as a person's name.
    fn name_in(&self, claims: &Map<String, Value>) -> Result<Arc<str>, JwtRefusal> {
        let candidates: Vec<&str> = match &self.config.name_claim {
            Some(claim) => vec![claim],
            None => vec!["name", "preferred_username", "sub"],
        };
        let (claim, text) = candidates
            .iter()
            .find_map(|c| Some((*c, claims.get(*c)?.as_str()?)))
            .ok_or_else(|| {
                JwtRefusal::Name(format!("no string claim {}", candidates.join(", ")))
            })?;
        let name =
            Name::new(text).map_err(|e| JwtRefusal::Name(format!("its `{claim}` claim {e}")))?;
        Ok(Arc::clone(name.as_shared()))
    }
}

/// The header's algorithm (an accepted one) and key id, read before any
/// key is looked up: an algorithm outside [`ACCEPTED`] is refused by name
/// of the check, whatever key it claims.
fn header_of(token: &str) -> Result<(Algorithm, Option<String>), JwtRefusal> {
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtRefusal::Malformed);
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| JwtRefusal::Malformed)?;
    let header: Map<String, Value> =
        serde_json::from_slice(&bytes).map_err(|_| JwtRefusal::Malformed)?;
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .and_then(|a| a.parse::<Algorithm>().ok())
        .filter(|a| ACCEPTED.contains(a))
        .ok_or(JwtRefusal::Algorithm)?;
    let kid = match header.get("kid") {
        None => None,
        Some(Value::String(kid)) => Some(kid.clone()),
        Some(_) => return Err(JwtRefusal::Claim("kid".into())),
    };
    Ok((alg, kid))
}

/// The refusal for the crate's verdict.
fn refusal_of(kind: &jsonwebtoken::errors::ErrorKind) -> JwtRefusal {
    use jsonwebtoken::errors::ErrorKind as K;
    match kind {
        K::InvalidSignature => JwtRefusal::Signature,
        K::ExpiredSignature => JwtRefusal::Expired,
        K::ImmatureSignature => JwtRefusal::NotYet,
        K::InvalidIssuer => JwtRefusal::Issuer,
        K::InvalidAudience => JwtRefusal::Audience,
        K::InvalidAlgorithm | K::MissingAlgorithm | K::UnsupportedAlgorithm => {
            JwtRefusal::Algorithm
        }
        K::MissingRequiredClaim(claim) | K::InvalidClaimFormat(claim) => {
            JwtRefusal::Claim(claim.clone())
        }
        _ => JwtRefusal::Malformed,
    }
}

/// The token's scopes: `scope` (RFC 8693, space-separated), or `scp` (a
/// list, or a string, as some providers write it).
fn scopes(claims: &Map<String, Value>) -> impl Iterator<Item = &str> {
    ["scope", "scp"]
        .into_iter()
        .filter_map(|c| claims.get(c))
        .flat_map(words)
}

/// The words of a scope claim: a space-separated string, or a list.
fn words(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => s.split_whitespace().collect(),
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ED_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

    #[test]
    fn a_key_set_keeps_signing_keys_and_says_what_it_left_out() {
        let set = KeySet::from_json(
            &json!({"keys": [
                {"kty": "OKP", "crv": "Ed25519", "kid": "ed", "x": ED_X},
                {"kty": "oct", "kid": "secret", "k": "c2VjcmV0"},
                {"kty": "OKP", "crv": "Ed25519", "kid": "enc", "use": "enc", "x": ED_X},
                {"kty": "OKP", "crv": "Ed25519", "kid": "hs", "alg": "HS256", "x": ED_X},
            ]})
            .to_string(),
        )
        .unwrap();
        assert_eq!(set.len(), 1);
        assert_eq!(set.skipped().len(), 3, "{:?}", set.skipped());
        assert!(set.find(Some("ed"), Algorithm::EdDSA).is_some());
        assert!(set.find(None, Algorithm::EdDSA).is_some(), "a lone key");
        assert!(set.find(Some("ed"), Algorithm::RS256).is_none());
        assert!(set.find(Some("secret"), Algorithm::HS256).is_none());
    }

    #[test]
    fn a_key_set_without_a_signing_key_is_refused() {
        let only_secret = json!({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}).to_string();
        assert!(matches!(
            KeySet::from_json(&only_secret),
            Err(KeySetError::NoSigningKey(_))
        ));
        assert!(matches!(
            KeySet::from_json(r#"{"keys": []}"#),
            Err(KeySetError::NoSigningKey(_))
        ));
        assert!(matches!(KeySet::from_json("[]"), Err(KeySetError::Json(_))));
    }

    #[test]
    fn the_header_is_read_before_any_key() {
        let part = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let token = |h: Value| format!("{}.{}.", part(h), part(json!({})));
        assert_eq!(
            header_of(&token(json!({"alg": "none"}))),
            Err(JwtRefusal::Algorithm)
        );
        assert_eq!(
            header_of(&token(json!({"alg": "HS256", "kid": "k"}))),
            Err(JwtRefusal::Algorithm)
        );
        assert_eq!(
            header_of(&token(json!({"alg": "ES256", "kid": "k"}))),
            Ok((Algorithm::ES256, Some("k".into())))
        );
        assert_eq!(header_of("a.b"), Err(JwtRefusal::Malformed));
        assert_eq!(header_of("!!.b.c"), Err(JwtRefusal::Malformed));
    }

    #[test]
    fn scopes_are_read_from_scope_and_scp() {
        let claims = |v: Value| v.as_object().cloned().unwrap();
        let c = claims(json!({"scope": "openid incidents:write"}));
        assert_eq!(
            scopes(&c).collect::<Vec<_>>(),
            ["openid", "incidents:write"]
        );
        let c = claims(json!({"scp": ["incidents:write"]}));
        assert_eq!(scopes(&c).collect::<Vec<_>>(), ["incidents:write"]);
        assert_eq!(scopes(&claims(json!({"scope": 3}))).count(), 0);
    }
}
