//! The provider's status enum, lenient to statuses it does not document.

use proc_macro2::TokenStream;
use quote::quote;

use imagegen_spec::ir::{Outcome, Provider};

use crate::docs;
use crate::names::ident;

pub(crate) fn status_enum(provider: &Provider) -> TokenStream {
    if provider.statuses.is_empty() {
        return TokenStream::new();
    }
    let doc = docs::outer(&format!(
        "A prediction's status on {}.\n\n\
         A status the documentation does not list is kept as [`Status::Unknown`] rather than \
         failing the whole response, so a new status on the server cannot break decoding.",
        provider.display_name
    ));
    let variants = provider.statuses.iter().map(|status| {
        let variant = ident(&status.variant);
        let terminal = match status.outcome {
            Some(Outcome::Success) => " Terminal: the prediction succeeded.",
            Some(Outcome::Failure) => " Terminal: the prediction failed.",
            None => "",
        };
        let mut text = format!("`{}`.{terminal}", status.value);
        if let Some(description) = &status.description {
            text.push_str(&format!(" {description}"));
        }
        if let Some(source) = &status.source {
            text.push_str(&format!("\n\nSource: {source}."));
        }
        let doc = docs::outer(&text);
        quote!(#doc #variant,)
    });
    let as_str = provider.statuses.iter().map(|status| {
        let (variant, value) = (ident(&status.variant), &status.value);
        quote!(Self::#variant => #value,)
    });
    let from_str = provider.statuses.iter().map(|status| {
        let (variant, value) = (ident(&status.variant), &status.value);
        quote!(#value => Self::#variant,)
    });
    let outcomes = provider.statuses.iter().filter_map(|status| {
        let variant = ident(&status.variant);
        let outcome = match status.outcome? {
            Outcome::Success => quote!(rt::info::Outcome::Succeeded),
            Outcome::Failure => quote!(rt::info::Outcome::Failed),
        };
        Some(quote!(Self::#variant => Some(#outcome),))
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Status {
            #(#variants)*
            /// A status the documentation does not list, as sent.
            Unknown(String),
        }
        impl Status {
            /// The status as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Unknown(value) => value,
                }
            }
            /// How the prediction ended, for terminal statuses.
            pub fn outcome(&self) -> Option<rt::info::Outcome> {
                match self {
                    #(#outcomes)*
                    _ => None,
                }
            }
            /// Whether the prediction has ended.
            pub fn is_terminal(&self) -> bool {
                self.outcome().is_some()
            }
        }
        impl From<&str> for Status {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }
        impl std::fmt::Display for Status {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl serde::Serialize for Status {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for Status {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_str()))
            }
        }
    }
}
