//! Embeds the exercise pictures (`content/pictures/*.svg`) and the articles
//! (`content/articles/*.md`) in the binary, as a list of (file name, text) per kind.

use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let mut out = String::new();
    for (dir, name) in [("pictures", "PICTURES"), ("articles", "ARTICLES")] {
        let d = root.join(dir);
        println!("cargo:rerun-if-changed={}", d.display());
        let mut files: Vec<_> = std::fs::read_dir(&d)
            .map(|r| r.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|f| f.is_file());
        files.sort();
        out.push_str(&format!("/// Embedded `content/{dir}`: (file name, text).\npub static {name}: &[(&str, &str)] = &[\n"));
        for f in files {
            let file = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let path = f.canonicalize().expect("a content file's path");
            println!("cargo:rerun-if-changed={}", path.display());
            out.push_str(&format!(
                "    ({file:?}, include_str!({:?})),\n",
                path.display().to_string()
            ));
        }
        out.push_str("];\n");
    }
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("content.rs");
    std::fs::write(dest, out).expect("write the content list");
}
