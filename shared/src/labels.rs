//! The `labelled_enum!` macro: one declaration gives a domain enum its wire code
//! (snake_case, used in JSON, the database and URLs), its Vietnamese and English labels,
//! parsing, and the list of all variants.

/// Declares an enum whose variants carry a wire code and Vietnamese/English labels.
/// The code is matched as a token tree, not a `literal` fragment: a fragment reaches the
/// derives wrapped in an invisible group, and utoipa then misses the `serde(rename)` and
/// documents the Rust variant names instead of the wire codes.
///
/// ```ignore
/// labelled_enum! {
///     /// Doc.
///     pub enum Urgency {
///         Emergency = "emergency", "Cấp cứu", "Emergency";
///     }
/// }
/// ```
macro_rules! labelled_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:tt, $vi:literal, $en:literal; )+
        }
    ) => {
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
            strum::EnumString, strum::IntoStaticStr, strum::VariantArray,
        )]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        // After the derives, so that an enum may carry their helper attributes.
        $(#[$meta])*
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[doc = $en]
                #[serde(rename = $code)]
                #[strum(serialize = $code)]
                $variant,
            )+
        }

        impl $name {
            /// Every variant as `(wire code, Vietnamese label, English label)`, in
            /// declaration order: the options of a choice the SPA draws.
            pub const CHOICES: &'static [(&'static str, &'static str, &'static str)] =
                &[$(($code, $vi, $en),)+];

            /// The wire code, as stored and sent.
            pub fn as_str(&self) -> &'static str {
                self.into()
            }

            /// Every variant, in declaration order.
            pub fn all() -> &'static [$name] {
                <$name as strum::VariantArray>::VARIANTS
            }
        }

        impl $crate::i18n::Labelled for $name {
            fn label(&self, lang: $crate::i18n::Lang) -> &'static str {
                match (self, lang) {
                    $(
                        ($name::$variant, $crate::i18n::Lang::Vi) => $vi,
                        ($name::$variant, $crate::i18n::Lang::En) => $en,
                    )+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
