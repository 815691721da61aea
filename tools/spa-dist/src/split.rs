//! `spa-dist split IN.wasm MAIN.wasm DIR`: the wasm rustc linked (with
//! `-C link-arg=--emit-relocs`), cut at its `#[wasm_split]` points by Leptos's splitter
//! (`wasm_split_cli_support`, the library cargo-leptos runs at the same place).
//!
//! - `MAIN.wasm`: what the first screen runs, for wasm-bindgen (`--keep-lld-exports`: the
//!   chunks take the memory, the function table and the stack pointer from its exports).
//! - `DIR/split_<group>.wasm`: one per page group; `DIR/chunk_<n>.wasm`: code that several
//!   groups share and the main module does not use.
//! - `DIR/frontend_split.js` ([`LOADER`]): fetches and instantiates the chunks when a split
//!   function first runs. It takes `initSync` (the main module's exports) from
//!   `./frontend.js`, and the main wasm imports its loaders under the module name
//!   [`LINK_MODULE`], which [`link_loader`] points at the loader's file once wasm-bindgen
//!   has written `frontend.js`.

use std::fs;
use std::path::Path;

use anyhow::{Context, anyhow, bail};

/// The chunk loader's file, next to `frontend.js`.
pub const LOADER: &str = "frontend_split.js";
/// The module name under which the main wasm imports the chunk loaders. It stays that
/// in the wasm and as the key of wasm-bindgen's import object; only the `import … from`
/// of `frontend.js` names the file, so the loader can take a content-hashed name without
/// touching the wasm.
pub const LINK_MODULE: &str = "./__wasm_split.js";
/// wasm-bindgen's JavaScript, which the loader imports `initSync` from.
const MAIN_JS: &str = "./frontend.js";

/// Whether `name` is a chunk the loader fetches on demand (not the main wasm).
pub fn is_lazy_chunk(name: &str) -> bool {
    (name.starts_with("split") || name.starts_with("chunk")) && name.ends_with(".wasm")
}

/// Splits `input` into `main_out` and the chunks and loader in `dir`; prints what each
/// chunk holds.
pub fn split(input: &Path, main_out: &Path, dir: &Path) -> anyhow::Result<()> {
    let wasm = fs::read(input).with_context(|| input.display().to_string())?;
    let mut options = wasm_split_cli_support::Options::new(&wasm);
    options.output_dir = dir;
    options.main_out_path = main_out;
    options.link_name = LINK_MODULE;
    options.main_module = MAIN_JS;
    options.target.web();
    let split = wasm_split_cli_support::transform(options)
        .map_err(|e| anyhow!("splitting {}: {e:?}", input.display()))?;
    let written = dir.join(LINK_MODULE);
    fs::rename(&written, dir.join(LOADER)).with_context(|| written.display().to_string())?;
    let mut groups: Vec<_> = split.prefetch_map.into_iter().collect();
    groups.sort();
    for (group, files) in groups {
        println!("split point {group}: {}", files.join(", "));
    }
    if split.split_modules.is_empty() {
        bail!("{} has no split points (#[wasm_split])", input.display());
    }
    Ok(())
}

/// Points `frontend.js`'s import of the chunk loaders at [`LOADER`] (see [`LINK_MODULE`]);
/// does nothing in a folder without a loader.
pub fn link_loader(dir: &Path) -> anyhow::Result<()> {
    if !dir.join(LOADER).is_file() {
        return Ok(());
    }
    let main_js = dir.join(MAIN_JS);
    let text = fs::read_to_string(&main_js).with_context(|| main_js.display().to_string())?;
    // One `import * as importN from "./__wasm_split.js"` per split point.
    let import = format!("from \"{LINK_MODULE}\"");
    if !text.contains(&import) {
        bail!(
            "{} does not import the chunk loaders as `{import}` (wasm-bindgen's output \
             changed?)",
            main_js.display()
        );
    }
    let text = text.replace(&import, &format!("from \"./{LOADER}\""));
    fs::write(&main_js, text).with_context(|| main_js.display().to_string())
}
