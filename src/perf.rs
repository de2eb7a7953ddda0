//! User Timing marks (`performance.mark`), for the browser's profiler and the benchmark
//! harness (`scripts/bench.sh`), which reads them to time what users wait for. Names start with
//! `sync-report:`; natively (tests, the reference server) they do nothing.

/// Marks `sync-report:{name}` now.
pub fn mark(name: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(&format!("sync-report:{name}"));
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = name;
}

/// Marks `sync-report:{name}` once what was just rendered has been painted: the browser paints
/// after the next animation frame's callbacks, so a task queued from that frame runs after it.
pub fn mark_after_paint(name: &'static str) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::prelude::*;
        let Some(w) = web_sys::window() else { return };
        let after_frame = Closure::once_into_js(move || {
            let task = Closure::once_into_js(move || mark(name));
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback(task.unchecked_ref());
            }
        });
        let _ = w.request_animation_frame(after_frame.unchecked_ref());
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = name;
}
