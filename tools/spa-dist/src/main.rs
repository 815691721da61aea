//! `spa-dist DIR`: the last step of `make spa`, on the folder wasm-bindgen wrote.
//!
//! 1. Every asset but `index.html` is renamed after a hash of its content
//!    (`shared::assets::hashed_name`: `frontend-<hash>_bg.wasm`, `frontend-<hash>.js`, …),
//!    files that name another asset taking that asset's new name first (the JS loader
//!    names the wasm, `boot.js` names the loader), so a changed wasm changes every name
//!    that leads to it. Files that name each other (`frontend.js` imports the chunk loader,
//!    which imports `initSync` from it) share one hash of all their contents. `index.html`
//!    is rewritten to the new names.
//! 2. The wasm, JavaScript and CSS get brotli (quality 11) and gzip (level 9) copies next
//!    to them (`….br`, `….gz`), which the server sends by `Accept-Encoding` instead of
//!    compressing on every request.
//!
//! It prints each file's raw, gzip and brotli size, and the first screen's: everything but
//! the lazily loaded wasm chunks. `--fast` compresses at brotli 5 and gzip 6 instead, for
//! the test build (`make test`), whose wasm is several times larger.
//!
//! `spa-dist split …` is the step before wasm-bindgen that cuts the wasm into the main
//! module and the page groups' chunks: see [`split`].

mod split;

use std::collections::{BTreeMap, BTreeSet};
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
    if args.first().is_some_and(|a| a == "split") {
        let [_, input, main_out, dir] = args.as_slice() else {
            bail!("usage: spa-dist split IN.wasm MAIN_OUT.wasm DIR");
        };
        return split::split(input.as_ref(), main_out.as_ref(), dir.as_ref());
    }
    let fast = args.first().is_some_and(|a| a == "--fast");
    if fast {
        args.remove(0);
    }
    let level = if fast { Level::FAST } else { Level::BEST };
    let [dir] = args.as_slice() else {
        bail!("usage: spa-dist [--fast] DIR (the folder wasm-bindgen and `make spa` wrote)");
    };
    let dir = PathBuf::from(dir);
    split::link_loader(&dir)?;
    let renamed = hash_names(&dir)?;
    let index = dir.join(INDEX);
    let page = fs::read_to_string(&index).with_context(|| index.display().to_string())?;
    let page = rewrite_index(&page, &renamed)?;
    fs::write(&index, page).with_context(|| index.display().to_string())?;

    println!(
        "{:<40} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip", "brotli"
    );
    let mut all = Sizes::default();
    let mut first_screen = Sizes::default();
    let index_name = INDEX.to_owned();
    for name in renamed.values().chain([&index_name]) {
        let sizes = precompress(&dir.join(name), level)?;
        all.add(sizes);
        let lazy = split::is_lazy_chunk(name);
        if !lazy {
            first_screen.add(sizes);
        }
        let note = if lazy { "  (lazy)" } else { "" };
        println!(
            "{name:<40} {:>10} {:>10} {:>10}{note}",
            sizes.raw, sizes.gzip, sizes.brotli
        );
    }
    for (label, sizes) in [
        ("total", all),
        ("first screen (all but lazy)", first_screen),
    ] {
        println!(
            "{label:<40} {:>10} {:>10} {:>10}",
            sizes.raw, sizes.gzip, sizes.brotli
        );
    }
    Ok(())
}

/// Bytes of a file or a set of files: as built, and as sent gzip- or brotli-compressed.
#[derive(Clone, Copy, Default)]
struct Sizes {
    raw: usize,
    gzip: usize,
    brotli: usize,
}

impl Sizes {
    fn add(&mut self, other: Sizes) {
        self.raw += other.raw;
        self.gzip += other.gzip;
        self.brotli += other.brotli;
    }
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
            .keys()
            .filter(|name| names_pending(&pending, name).is_empty())
            .cloned()
            .collect();
        if !ready.is_empty() {
            for name in ready {
                let Some(bytes) = pending.remove(&name) else {
                    continue;
                };
                let bytes = rewrite_text(&name, bytes, &renamed)?;
                let new = hashed_name(&name, &content_hash(&bytes));
                fs::write(dir.join(&new), &bytes)?;
                fs::remove_file(dir.join(&name))?;
                renamed.insert(name, new);
            }
            continue;
        }
        // Every file left names another one left: name a group that only names its own
        // members after one hash of all their contents.
        let group = closed_group(&pending)
            .with_context(|| format!("these files name each other: {:?}", pending.keys()))?;
        let mut members = BTreeMap::new();
        for name in &group {
            if let Some(bytes) = pending.remove(name) {
                members.insert(name.clone(), rewrite_text(name, bytes, &renamed)?);
            }
        }
        let mut hasher = Sha256::new();
        for (name, bytes) in &members {
            hasher.update(name.as_bytes());
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        }
        let mut hash = hex::encode(hasher.finalize());
        hash.truncate(HASH_LEN);
        let group_names: BTreeMap<String, String> = members
            .keys()
            .map(|name| (name.clone(), hashed_name(name, &hash)))
            .collect();
        for (name, bytes) in members {
            let bytes = rewrite(&bytes, &group_names)?;
            let new = &group_names[&name];
            fs::write(dir.join(new), &bytes)?;
            fs::remove_file(dir.join(&name))?;
        }
        renamed.extend(group_names);
    }
    Ok(renamed)
}

/// The other pending files that `name` (a text file) names.
fn names_pending(pending: &BTreeMap<String, Vec<u8>>, name: &str) -> BTreeSet<String> {
    let Some(bytes) = pending.get(name) else {
        return BTreeSet::new();
    };
    if !TEXT.contains(&extension(name).as_str()) {
        return BTreeSet::new();
    }
    pending
        .keys()
        .filter(|other| *other != name && contains(bytes, other))
        .cloned()
        .collect()
}

/// A set of pending files that name only each other (and files already named): the files
/// a file reaches by naming, when each of them reaches the same set. Answers the smallest.
fn closed_group(pending: &BTreeMap<String, Vec<u8>>) -> Option<BTreeSet<String>> {
    let reach = |start: &str| {
        let mut seen = BTreeSet::from([start.to_owned()]);
        let mut todo = vec![start.to_owned()];
        while let Some(name) = todo.pop() {
            for next in names_pending(pending, &name) {
                if seen.insert(next.clone()) {
                    todo.push(next);
                }
            }
        }
        seen
    };
    pending
        .keys()
        .map(|name| reach(name))
        .filter(|group| group.iter().all(|member| reach(member) == *group))
        .min_by_key(BTreeSet::len)
}

/// A text asset with the final names of the assets it names; other files as they are.
fn rewrite_text(
    name: &str,
    bytes: Vec<u8>,
    renamed: &BTreeMap<String, String>,
) -> anyhow::Result<Vec<u8>> {
    if TEXT.contains(&extension(name).as_str()) {
        rewrite(&bytes, renamed)
    } else {
        Ok(bytes)
    }
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
fn precompress(path: &Path, level: Level) -> anyhow::Result<Sizes> {
    let bytes = fs::read(path).with_context(|| path.display().to_string())?;
    let raw = bytes.len();
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let mut sizes = Sizes {
        raw,
        gzip: raw,
        brotli: raw,
    };
    if !COMPRESSED.contains(&extension(&name).as_str()) {
        return Ok(sizes);
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
    // `index.html` is no-cache and small: the server compresses it on the fly.
    if name == INDEX {
        sizes.gzip = gz.len();
        sizes.brotli = br.len();
        return Ok(sizes);
    }
    for (suffix, copy, size) in [("gz", gz, &mut sizes.gzip), ("br", br, &mut sizes.brotli)] {
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
        assert_eq!(sizes.raw, 6);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn files_naming_each_other_share_one_hash() {
        let dir = std::env::temp_dir().join(format!("spa-dist-cycle-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("frontend_bg.wasm"), b"\0asm main").unwrap();
        fs::write(dir.join("split_plans.wasm"), b"\0asm plans").unwrap();
        fs::write(
            dir.join("frontend.js"),
            "import * as import1 from \"./__wasm_split.js\"\n\
             const imports = { \"./__wasm_split.js\": import1 };\n\
             new URL('frontend_bg.wasm', import.meta.url);",
        )
        .unwrap();
        fs::write(
            dir.join(split::LOADER),
            "import { initSync } from \"./frontend.js\";\n\
             fetch(new URL(\"./split_plans.wasm\", import.meta.url));",
        )
        .unwrap();
        fs::write(dir.join("boot.js"), "import init from \"/frontend.js\";").unwrap();

        split::link_loader(&dir).unwrap();
        let renamed = hash_names(&dir).unwrap();
        assert_eq!(renamed.len(), 5);
        let (main_js, loader) = (&renamed["frontend.js"], &renamed[split::LOADER]);
        assert!(is_content_hashed(main_js) && is_content_hashed(loader));
        assert_eq!(main_js[..25], loader[..25], "one hash for both");

        let main_text = fs::read_to_string(dir.join(main_js)).unwrap();
        assert!(
            main_text.contains(&format!("from \"./{loader}\"")),
            "{main_text}"
        );
        // The wasm imports the loaders under this name: it stays.
        assert!(
            main_text.contains("{ \"./__wasm_split.js\": import1 }"),
            "{main_text}"
        );
        assert!(
            main_text.contains(&renamed["frontend_bg.wasm"]),
            "{main_text}"
        );
        let loader_text = fs::read_to_string(dir.join(loader)).unwrap();
        assert!(
            loader_text.contains(&format!("\"./{main_js}\"")),
            "{loader_text}"
        );
        let chunk = &renamed["split_plans.wasm"];
        assert!(
            split::is_lazy_chunk(chunk) && is_content_hashed(chunk),
            "{chunk}"
        );
        assert!(
            loader_text.contains(&format!("\"./{chunk}\"")),
            "{loader_text}"
        );
        assert!(!split::is_lazy_chunk(&renamed["frontend_bg.wasm"]));
        let boot = fs::read_to_string(dir.join(&renamed["boot.js"])).unwrap();
        assert!(boot.contains(&format!("\"/{main_js}\"")), "{boot}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
