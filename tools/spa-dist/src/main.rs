//! `spa-dist DIR`: the last step of `make spa`, on the folder wasm-bindgen wrote.
//!
//! 1. Every asset but `index.html` is renamed after a hash of its content
//!    (`shared::assets::hashed_name`: `frontend-<hash>_bg.wasm`, `frontend-<hash>.js`, …),
//!    files that name another asset taking that asset's new name first (the JS loader
//!    names the wasm, `boot.js` names the loader), so a changed wasm changes every name
//!    that leads to it. `index.html` is rewritten to the new names.
//! 2. The wasm, JavaScript and CSS get brotli (quality 11) and gzip (level 9) copies next
//!    to them (`….br`, `….gz`), which the server sends by `Accept-Encoding` instead of
//!    compressing on every request.
//!
//! It prints each file's raw, gzip and brotli size. `--fast` compresses at brotli 5 and
//! gzip 6 instead, for the test build (`make test`), whose wasm is several times larger.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};
use shared::assets::{HASH_LEN, hashed_name, is_content_hashed};

/// The page every route answers: it keeps its name (the server revalidates it).
const INDEX: &str = "index.html";
/// Files whose text may name other assets, rewritten to the hashed names.
const TEXT: &[&str] = &["js", "css", "html", "json", "webmanifest"];
/// Files worth a precompressed copy.
const COMPRESSED: &[&str] = &["wasm", "js", "css", "html", "svg", "json", "webmanifest"];

fn main() -> anyhow::Result<()> {
    let mut args: Vec<_> = std::env::args_os().skip(1).collect();
    let fast = args.first().is_some_and(|a| a == "--fast");
    if fast {
        args.remove(0);
    }
    let level = if fast { Level::FAST } else { Level::BEST };
    let [dir] = args.as_slice() else {
        bail!("usage: spa-dist [--fast] DIR (the folder wasm-bindgen and `make spa` wrote)");
    };
    let dir = PathBuf::from(dir);
    let renamed = hash_names(&dir)?;
    let index = dir.join(INDEX);
    let page = fs::read_to_string(&index).with_context(|| index.display().to_string())?;
    let page = rewrite_index(&page, &renamed)?;
    fs::write(&index, page).with_context(|| index.display().to_string())?;

    println!(
        "{:<40} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip", "brotli"
    );
    let (mut raw, mut gz, mut br) = (0, 0, 0);
    let index_name = INDEX.to_owned();
    for name in renamed.values().chain([&index_name]) {
        let path = dir.join(name);
        let sizes = precompress(&path, level)?;
        raw += sizes.0;
        gz += sizes.1;
        br += sizes.2;
        println!("{name:<40} {:>10} {:>10} {:>10}", sizes.0, sizes.1, sizes.2);
    }
    println!("{:<40} {raw:>10} {gz:>10} {br:>10}", "total");
    Ok(())
}

/// Compression levels: brotli quality, gzip level.
#[derive(Clone, Copy)]
struct Level {
    brotli: i32,
    gzip: u32,
}

impl Level {
    /// What is served in production: the smallest files, once per build.
    const BEST: Level = Level {
        brotli: 11,
        gzip: 9,
    };
    /// The test build's: the same files in a few seconds.
    const FAST: Level = Level { brotli: 5, gzip: 6 };
}

/// The file's extension, lowercase.
fn extension(name: &str) -> String {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Renames every asset of `dir` (not `index.html`, not already hashed files) after its
/// content; answers old name → new name.
fn hash_names(dir: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let mut pending = BTreeMap::new();
    for entry in fs::read_dir(dir).with_context(|| dir.display().to_string())? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type()?.is_file() || name == INDEX || is_content_hashed(&name) {
            continue;
        }
        if matches!(extension(&name).as_str(), "br" | "gz") {
            // A copy of an earlier run: written again below for the new names.
            fs::remove_file(entry.path())?;
            continue;
        }
        pending.insert(name, fs::read(entry.path())?);
    }
    let mut renamed = BTreeMap::new();
    while !pending.is_empty() {
        // A file is named once every asset it names has its final name.
        let ready: Vec<String> = pending
            .iter()
            .filter(|(name, bytes)| {
                !TEXT.contains(&extension(name).as_str())
                    || !pending
                        .keys()
                        .any(|other| other != *name && contains(bytes, other))
            })
            .map(|(name, _)| name.clone())
            .collect();
        if ready.is_empty() {
            bail!("these files name each other: {:?}", pending.keys());
        }
        for name in ready {
            let Some(mut bytes) = pending.remove(&name) else {
                continue;
            };
            if TEXT.contains(&extension(&name).as_str()) {
                bytes = rewrite(&bytes, &renamed)?;
            }
            let new = hashed_name(&name, &content_hash(&bytes));
            fs::write(dir.join(&new), &bytes)?;
            fs::remove_file(dir.join(&name))?;
            renamed.insert(name, new);
        }
    }
    Ok(renamed)
}

/// The first [`HASH_LEN`] hex digits of the content's SHA-256.
fn content_hash(bytes: &[u8]) -> String {
    let mut hex = hex::encode(Sha256::digest(bytes));
    hex.truncate(HASH_LEN);
    hex
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// Text with every old name of `renamed` replaced by its new one.
fn rewrite(bytes: &[u8], renamed: &BTreeMap<String, String>) -> anyhow::Result<Vec<u8>> {
    let mut text = String::from_utf8(bytes.to_vec()).context("a text asset is not UTF-8")?;
    for (old, new) in renamed {
        text = text.replace(old.as_str(), new);
    }
    Ok(text.into_bytes())
}

/// `index.html` naming the hashed files; every asset it loads must be one of them.
fn rewrite_index(page: &str, renamed: &BTreeMap<String, String>) -> anyhow::Result<String> {
    let mut page = page.to_owned();
    for (old, new) in renamed {
        page = page.replace(&format!("\"/{old}\""), &format!("\"/{new}\""));
    }
    for attribute in ["src=\"/", "href=\"/"] {
        for (at, _) in page.match_indices(attribute) {
            let name = page[at + attribute.len()..]
                .split('"')
                .next()
                .unwrap_or_default();
            if !is_content_hashed(name) {
                bail!("index.html loads /{name}, which is not in the built folder");
            }
        }
    }
    Ok(page)
}

/// Writes `path.br` and `path.gz` when they are smaller; answers the raw, gzip and
/// brotli sizes (gzip and brotli as sent: the raw size when no copy is kept).
fn precompress(path: &Path, level: Level) -> anyhow::Result<(usize, usize, usize)> {
    let bytes = fs::read(path).with_context(|| path.display().to_string())?;
    let raw = bytes.len();
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    if !COMPRESSED.contains(&extension(&name).as_str()) {
        return Ok((raw, raw, raw));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level.gzip));
    gz.write_all(&bytes)?;
    let gz = gz.finish()?;
    let params = brotli::enc::BrotliEncoderParams {
        quality: level.brotli,
        lgwin: 24,
        size_hint: raw,
        ..Default::default()
    };
    let mut br = Vec::new();
    brotli::BrotliCompress(&mut bytes.as_slice(), &mut br, &params)?;
    let mut sizes = (raw, raw, raw);
    // `index.html` is no-cache and small: the server compresses it on the fly.
    if name == INDEX {
        return Ok((raw, gz.len(), br.len()));
    }
    for (suffix, copy, size) in [("gz", gz, &mut sizes.1), ("br", br, &mut sizes.2)] {
        if copy.len() < raw {
            *size = copy.len();
            let mut target = path.as_os_str().to_owned();
            target.push(".");
            target.push(suffix);
            fs::write(&target, copy)?;
        }
    }
    Ok(sizes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn names_follow_content_and_references() {
        let dir = std::env::temp_dir().join(format!("spa-dist-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("frontend_bg.wasm"), b"\0asm wasm bytes").unwrap();
        fs::write(
            dir.join("frontend.js"),
            "new URL('frontend_bg.wasm', import.meta.url)",
        )
        .unwrap();
        fs::write(dir.join("boot.js"), "import init from \"/frontend.js\";").unwrap();
        fs::write(dir.join("style.css"), "body{}").unwrap();
        let renamed = hash_names(&dir).unwrap();
        assert_eq!(renamed.len(), 4);
        for new in renamed.values() {
            assert!(is_content_hashed(new), "{new}");
            assert!(dir.join(new).exists(), "{new}");
        }
        let wasm = &renamed["frontend_bg.wasm"];
        assert!(wasm.starts_with("frontend-") && wasm.ends_with("_bg.wasm"));
        let loader = fs::read_to_string(dir.join(&renamed["frontend.js"])).unwrap();
        assert!(loader.contains(&format!("'{wasm}'")), "{loader}");
        let boot = fs::read_to_string(dir.join(&renamed["boot.js"])).unwrap();
        assert!(boot.contains(&format!("\"/{}\"", renamed["frontend.js"])));

        let page = "<link href=\"/style.css\"><script src=\"/boot.js\"></script>";
        let page = rewrite_index(page, &renamed).unwrap();
        assert!(page.contains(&renamed["style.css"]) && page.contains(&renamed["boot.js"]));
        assert!(rewrite_index("<script src=\"/gone.js\"></script>", &renamed).is_err());

        let sizes = precompress(&dir.join(&renamed["style.css"]), Level::FAST).unwrap();
        assert_eq!(sizes.0, 6);
        fs::remove_dir_all(&dir).unwrap();
    }
}
