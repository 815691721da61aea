//! Names of the SPA's built files. The build step (`tools/spa-dist`) gives every asset
//! but `index.html` a name carrying a hash of its content, and the server lets browsers
//! keep a file with such a name for a year without asking again (a new build is a new
//! name), while `index.html` is revalidated on every visit. The naming rule is here, once,
//! for the tool that writes the names and the server that recognises them.

/// Hex digits of the content hash in a file name.
pub const HASH_LEN: usize = 16;

/// `name` with `-<hash>` after its stem, the stem being the part before the first `_`
/// or `.`: `frontend_bg.wasm` → `frontend-<hash>_bg.wasm`, `style.css` →
/// `style-<hash>.css`. `hash` is [`HASH_LEN`] lowercase hex digits.
pub fn hashed_name(name: &str, hash: &str) -> String {
    let at = name.find(['_', '.']).unwrap_or(name.len());
    format!("{}-{hash}{}", &name[..at], &name[at..])
}

/// Whether the file name (the last path segment) carries a content hash as
/// [`hashed_name`] writes it: `-`, [`HASH_LEN`] lowercase hex digits, then `_` or `.`.
/// Precompressed copies (`….wasm.br`) count as their original.
pub fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).as_bytes();
    name.windows(HASH_LEN + 2).any(|w| {
        w[0] == b'-'
            && w[1..=HASH_LEN]
                .iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
            && matches!(w[HASH_LEN + 1], b'_' | b'.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "0123456789abcdef";

    #[test]
    fn names_take_the_hash_after_their_stem() {
        assert_eq!(
            hashed_name("frontend_bg.wasm", HASH),
            "frontend-0123456789abcdef_bg.wasm"
        );
        assert_eq!(
            hashed_name("frontend.js", HASH),
            "frontend-0123456789abcdef.js"
        );
        assert_eq!(hashed_name("style.css", HASH), "style-0123456789abcdef.css");
        assert_eq!(hashed_name("LICENSE", HASH), "LICENSE-0123456789abcdef");
    }

    #[test]
    fn hashed_names_are_recognised_and_others_not() {
        for name in ["frontend_bg.wasm", "frontend.js", "style.css", "boot.js"] {
            let hashed = hashed_name(name, HASH);
            assert!(is_content_hashed(&hashed), "{hashed}");
            assert!(is_content_hashed(&format!("/{hashed}")), "{hashed}");
            assert!(is_content_hashed(&format!("{hashed}.br")), "{hashed}.br");
            assert!(!is_content_hashed(name), "{name}");
        }
        for name in [
            "index.html",
            "/index.html",
            "frontend-0123456789ABCDEF.js",
            "frontend-0123456789abcde.js",
            "frontend-0123456789abcdefg.js",
            "/registry/facilities/3",
            "frontend-0123456789abcdef.js/index.html",
        ] {
            assert!(!is_content_hashed(name), "{name}");
        }
    }
}
