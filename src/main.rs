//! The standalone page's entry point (built by Trunk).

#[cfg(target_arch = "wasm32")]
fn main() {
    sync_report::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("This is the browser app: serve it with scripts/demo.sh (see README.md).");
}
